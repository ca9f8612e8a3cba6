// The auth service over its repositories and a unit of work, without the app: changes to one account that arrive
// together interleave between awaits, so what decides a write is read inside the write's unit.
import t, { type Test } from 'tap';
import { openDatabase } from '../db/client.js';
import { createManualClock } from '../server/domain/clock.js';
import { createEventBus, createUnitOfWork } from '../server/events/unit-of-work.js';
import { createRepositories, readSides } from '../server/repositories/index.js';
import { createAuthService } from '../server/services/auth.js';

function authOverMemory(t: Test) {
  const db = openDatabase(':memory:');
  t.teardown(() => db.$client.close());
  const repositories = createRepositories(db);
  const clock = createManualClock();
  const uow = createUnitOfWork(db, repositories, createEventBus({ error: () => undefined }));
  const auth = createAuthService({ data: readSides(repositories), uow, clock });
  return { db, auth, clock };
}

t.test('two deactivations at once: only one finds the account active, so its work is handed over once', async (t) => {
  const { db, auth } = authOverMemory(t);
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
  t.equal(
    db.$client.prepare('select count(*) from sessions where revoked_at is null').pluck().get(),
    0,
    'its session ended',
  );
});

t.test('two admins demoting each other at once: one succeeds, an active admin remains', async (t) => {
  const { auth } = authOverMemory(t);
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
  const { auth } = authOverMemory(t);
  const input = { email: 'Same@X.io', name: 'S', role: 'expert' as const, password: 'expert-password' };
  const outcomes = await Promise.allSettled([auth.createUser(input), auth.createUser(input)]);
  // Each hashes its password first, so either may reach the write first: one wins, whichever it is.
  t.same(outcomes.map((outcome) => outcome.status).sort(), ['fulfilled', 'rejected']);
  const refused = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
  t.match(refused.reason, { code: 'email_taken' });
  t.equal(await auth.userCount(), 1);
});

t.test('a token used by requests arriving together has its use written once', async (t) => {
  const { db, auth, clock } = authOverMemory(t);
  const admin = await auth.createUser({ email: 'a@x.io', name: 'A', role: 'admin', password: 'admin-password' });
  const { token } = await auth.createApiToken({ name: 'bot', role: 'manager', userId: admin.id });
  const writes = () => db.$client.prepare('select total_changes()').pluck().get() as number;
  const before = writes();
  const principals = await Promise.all([auth.tokenPrincipal(token), auth.tokenPrincipal(token)]);
  t.ok(principals.every((principal) => principal?.user.id === admin.id));
  t.equal(writes() - before, 1, 'one write for both');
  t.equal((await auth.listApiTokens())[0]?.lastUsedAt, new Date(clock.now()).toISOString());
});
