// Passwords: people change their own (their other sessions end), admins set a temporary one for someone who forgot
// theirs (who must then choose their own before anything else), and one address cannot try a password against
// every account.
import t from 'tap';
import { LOGIN_FAILURES_PER_ADDRESS } from '../server/routes/auth.js';
import { ADMIN, as, buildTestApp, createUser, login, testConfig } from './helpers/app.js';

const signIn = (
  app: Awaited<ReturnType<typeof buildTestApp>>,
  email: string,
  password: string,
  remoteAddress = '127.0.0.1',
) => app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password }, remoteAddress });

t.test("changing one's password ends one's other sessions and keeps this one", async (t) => {
  const app = await buildTestApp(t);
  const expert = await createUser(app, 'expert');
  const phone = await login(app, expert.email, expert.password);
  const change = (body: object) => as(app, expert).post('/api/me/password', body);

  const wrong = await change({ currentPassword: 'not-my-password', newPassword: 'another-long-one' });
  t.equal(wrong.statusCode, 422);
  t.equal(wrong.json().error.code, 'wrong_password');
  t.equal(
    (await change({ currentPassword: expert.password, newPassword: 'short' })).statusCode,
    400,
    'a new password has at least 8 characters',
  );
  t.equal(
    (await change({ currentPassword: expert.password, newPassword: expert.password })).json().error.code,
    'same_password',
  );
  t.equal((await as(app, phone).get('/api/me')).statusCode, 200, 'refused changes end nothing');

  t.equal((await change({ currentPassword: expert.password, newPassword: 'my-new-password-1' })).statusCode, 204);
  t.equal((await as(app, expert).get('/api/me')).statusCode, 200, 'the session that changed it stays');
  t.equal((await as(app, phone).get('/api/me')).statusCode, 401, 'the other one ends at once');
  t.equal((await signIn(app, expert.email, expert.password)).statusCode, 401, 'the old password no longer works');
  t.equal((await signIn(app, expert.email, 'my-new-password-1')).statusCode, 200, 'the new one does');

  const noCsrf = await app.inject({
    method: 'POST',
    url: '/api/me/password',
    headers: { cookie: expert.cookie },
    payload: { currentPassword: 'my-new-password-1', newPassword: 'third-password-1' },
  });
  t.equal(noCsrf.statusCode, 403, 'a cross-site form cannot change it');
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: '/api/me/password',
        payload: { currentPassword: 'a', newPassword: 'bbbbbbbbbb' },
      })
    ).statusCode,
    401,
  );
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const { token } = (await as(app, admin).post('/api/tokens', { name: 'bot' })).json();
  const byToken = await app.inject({
    method: 'POST',
    url: '/api/me/password',
    headers: { authorization: `Bearer ${token}` },
    payload: { currentPassword: ADMIN.password, newPassword: 'token-chosen-pass' },
  });
  t.equal(byToken.statusCode, 403, "an API token cannot change its owner's password");
});

t.test('guessing the current password through a stolen session is rate limited', async (t) => {
  const app = await buildTestApp(t);
  const expert = await createUser(app, 'expert');
  const statuses: number[] = [];
  for (let i = 0; i < 11; i++)
    statuses.push(
      (await as(app, expert).post('/api/me/password', { currentPassword: `guess-${i}`, newPassword: 'whatever-it-is' }))
        .statusCode,
    );
  t.same(statuses, [...Array(10).fill(422), 429]);
});

t.test('an admin sets a temporary password; the person must choose their own before anything else', async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager');
  const expert = await createUser(app, 'expert');
  const reset = (by: typeof admin, id: string, temporaryPassword = 'temporary-pass-1') =>
    as(app, by).post(`/api/users/${id}/password`, { temporaryPassword });

  t.equal((await reset(manager, expert.user.id)).statusCode, 403, 'only admins do this');
  t.equal(
    (await reset(admin, admin.user.id)).json().error.code,
    'own_account',
    'an admin changes their own from their profile',
  );
  t.equal((await reset(admin, 'nobody')).statusCode, 404);
  t.equal((await reset(admin, expert.user.id, 'short')).statusCode, 400);
  t.equal((await as(app, expert).get('/api/me')).statusCode, 200, 'refused resets end nothing');

  t.equal((await reset(admin, expert.user.id)).statusCode, 204);
  t.equal((await as(app, expert).get('/api/me')).statusCode, 401, 'their sessions end');
  t.equal(
    (await signIn(app, expert.email, expert.password)).statusCode,
    401,
    'their forgotten password no longer works',
  );
  const signedIn = await signIn(app, expert.email, 'temporary-pass-1');
  t.equal(signedIn.statusCode, 200);
  t.equal(signedIn.json().mustChangePassword, true, 'the sign-in says a new password is needed');
  const pending = await login(app, expert.email, 'temporary-pass-1');

  const blocked = await as(app, pending).get('/api/me/offers');
  t.equal(blocked.statusCode, 403, 'nothing else answers');
  t.equal(blocked.json().error.code, 'password_change_required');
  t.equal(
    (await as(app, pending).put('/api/me/profile', { signature: 'XX' })).json().error.code,
    'password_change_required',
  );
  t.match(
    (await as(app, pending).get('/api/me')).json(),
    { user: { id: expert.user.id }, mustChangePassword: true },
    'but who they are does',
  );
  t.equal(
    (
      await as(app, pending).post('/api/me/password', {
        currentPassword: 'temporary-pass-1',
        newPassword: 'temporary-pass-1',
      })
    ).json().error.code,
    'same_password',
    'keeping the temporary password is not choosing one',
  );
  t.equal(
    (
      await as(app, pending).post('/api/me/password', {
        currentPassword: 'temporary-pass-1',
        newPassword: 'chosen-by-me-1',
      })
    ).statusCode,
    204,
  );
  t.match((await as(app, pending).get('/api/me')).json(), { mustChangePassword: false });
  t.equal((await as(app, pending).get('/api/me/offers')).statusCode, 200, 'and everything works again');
  t.equal((await signIn(app, expert.email, 'chosen-by-me-1')).json().mustChangePassword, false);

  const leaving = await createUser(app, 'expert');
  await reset(admin, leaving.user.id, 'temporary-pass-2');
  const signedOut = await login(app, leaving.email, 'temporary-pass-2');
  t.equal(
    (await as(app, signedOut).post('/api/auth/logout')).statusCode,
    204,
    'signing out is allowed before choosing',
  );
  const stale = (await as(app, admin).get('/api/users'))
    .json()
    .items.find((u: { id: string }) => u.id === leaving.user.id);
  t.equal(stale.active, true);
});

t.test(
  'one address trying many accounts is stopped after a few dozen failures; sign-ins that succeed do not count',
  async (t) => {
    const app = await buildTestApp(t);
    const people = await Promise.all(Array.from({ length: 6 }, () => createUser(app, 'expert')));
    // Everyone in an office behind one address signs in correctly, many times over.
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS.max + 5; i++) {
      const person = people[i % people.length]!;
      t.equal((await signIn(app, person.email, person.password, '10.0.0.7')).statusCode, 200);
    }
    // A sprayer sends one common password for 40 accounts at once.
    const sprayed = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(app, `victim${i}@test.helpforce`, 'Summer2026!', '10.0.0.9')),
    );
    const statuses = sprayed.map((r) => r.statusCode);
    t.equal(statuses.filter((s) => s === 401).length, LOGIN_FAILURES_PER_ADDRESS.max, 'only so many are even tried');
    t.equal(statuses.filter((s) => s === 429).length, 40 - LOGIN_FAILURES_PER_ADDRESS.max, 'the rest are refused');
    const limited = sprayed.find((r) => r.statusCode === 429)!;
    t.equal(limited.json().error.code, 'rate_limited');
    t.ok(Number(limited.headers['retry-after']) >= 1, 'with a Retry-After');
    t.equal(
      (await signIn(app, people[0]!.email, people[0]!.password, '10.0.0.9')).statusCode,
      429,
      'even a right password from that address waits',
    );
    t.equal(
      (await signIn(app, people[0]!.email, people[0]!.password, '10.0.0.8')).statusCode,
      200,
      'other addresses are not affected',
    );
  },
);

t.test(
  'behind a trusted proxy (TRUST_PROXY) the limit counts the clients the proxy forwards, not the proxy',
  async (t) => {
    const { buildApp } = await import('../server/app.js');
    const { loadConfig } = await import('../server/config.js');
    t.equal(loadConfig({}).app.trustProxy, false, 'no proxy is trusted unless configured');
    t.same(loadConfig({ TRUST_PROXY: '10.0.0.1, 10.1.0.0/16' }).app.trustProxy, ['10.0.0.1', '10.1.0.0/16']);
    t.equal(loadConfig({ TRUST_PROXY: '1' }).app.trustProxy, 1);
    const app = await buildApp({ ...testConfig(t), trustProxy: ['10.0.0.1'] }, { logger: false, timers: false });
    t.teardown(() => app.close());
    await app.ready();
    let attempt = 0;
    const via = (client: string) =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: `nobody${attempt++}@test.helpforce`, password: 'wrong-password' },
        remoteAddress: '10.0.0.1',
        headers: { 'x-forwarded-for': client },
      });
    for (let i = 0; i < LOGIN_FAILURES_PER_ADDRESS.max; i++) t.equal((await via('203.0.113.5')).statusCode, 401);
    t.equal((await via('203.0.113.5')).statusCode, 429, 'the client that failed is limited');
    t.equal((await via('198.51.100.7')).statusCode, 401, 'another client behind the same proxy is not');
  },
);
