// The auth service over its repositories and a unit of work, without the app: changes to one account that arrive
// together interleave between awaits, so what decides a write is read inside the write's unit.
// Run on both engines (test/pg/auth-units.test.ts): on PostgreSQL the units run at once for real.
import t, { type Test } from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { createAuthService } from '../server/services/auth.js';
import { storageHarness } from './helpers/storage.js';

async function authOverStorage(t: Test) {
  const { data, uow, sql } = await storageHarness(t);
  const clock = createManualClock();
  const auth = createAuthService({ data, uow, clock });
  return { uow, sql, auth, clock };
}

t.test('two deactivations at once: only one finds the account active, so its work is handed over once', async (t) => {
  const { sql, auth } = await authOverStorage(t);
  const admin = await auth.createUser({ email: 'a@x.io', name: 'A', role: 'admin', password: 'admin-password' });
  const other = await auth.createUser({ email: 'b@x.io', name: 'B', role: 'admin', password: 'admin-password' });
  const leaving = await auth.createUser({ email: 'e@x.io', name: 'E', role: 'expert', password: 'expert-password' });
  await auth.createSession(leaving.id);

  const both = await Promise.all([
    auth.updateUser(admin, leaving.id, { active: false }),
    auth.updateUser(other, leaving.id, { active: false }),
  ]);
  t.same(
    both.map(({ before }) => before.active),
    [true, false],
    'the second change reads the account the first one left',
  );
  t.ok(
    both.every(({ after }) => !after.active),
    'and both leave it deactivated',
  );
  t.equal(await sql.value('select count(*) from sessions where revoked_at is null'), 0, 'its session ended');
});

t.test('two admins demoting each other at once: one succeeds, an active admin remains', async (t) => {
  const { auth } = await authOverStorage(t);
  const one = await auth.createUser({ email: 'a@x.io', name: 'A', role: 'admin', password: 'admin-password' });
  const two = await auth.createUser({ email: 'b@x.io', name: 'B', role: 'admin', password: 'admin-password' });
  const outcomes = await Promise.allSettled([
    auth.updateUser(one, two.id, { role: 'manager' }),
    auth.updateUser(two, one.id, { role: 'manager' }),
  ]);
  t.same(
    outcomes.map((outcome) => outcome.status),
    ['fulfilled', 'rejected'],
  );
  t.match((outcomes[1] as PromiseRejectedResult).reason, { status: 403 });
  t.same(
    (await auth.listAccounts()).filter((account) => account.role === 'admin').map((account) => account.id),
    [one.id],
  );
});

t.test('the same email signed up twice at once: one account, the other hears it is taken', async (t) => {
  const { auth } = await authOverStorage(t);
  const input = { email: 'Same@X.io', name: 'S', role: 'expert' as const, password: 'expert-password' };
  const outcomes = await Promise.allSettled([auth.createUser(input), auth.createUser(input)]);
  // Each hashes its password first, so either may reach the write first: one wins, whichever it is.
  t.same(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
  const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
  t.match(refused.reason, { code: 'email_taken' });
  t.equal(await auth.userCount(), 1);
});

t.test('a token used by requests arriving together has its use written once', async (t) => {
  const { uow, auth, clock } = await authOverStorage(t);
  const admin = await auth.createUser({ email: 'a@x.io', name: 'A', role: 'admin', password: 'admin-password' });
  const { token } = await auth.createApiToken({ name: 'bot', role: 'manager', userId: admin.id });
  let writes = 0;
  const run = uow.run.bind(uow);
  uow.run = ((work, options) =>
    run((unit) => {
      const noteUse: typeof unit.apiTokens.noteUse = (...args) => {
        writes++;
        return unit.apiTokens.noteUse(...args);
      };
      return work({ ...unit, apiTokens: { ...unit.apiTokens, noteUse } });
    }, options)) as typeof uow.run;
  const principals = await Promise.all([auth.tokenPrincipal(token), auth.tokenPrincipal(token)]);
  t.ok(principals.every((principal) => principal?.user.id === admin.id));
  t.equal(writes, 1, 'one write for both');
  t.equal((await auth.listApiTokens())[0]?.lastUsedAt, new Date(clock.now()).toISOString());
});
