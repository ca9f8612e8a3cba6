// API tokens: admins issue them (the secret shown once), list them without secrets, and revoke them, after which they
// are refused at once; they can expire; their last use is recorded without a write per request; and each one may
// submit only so many questions a minute.
import t from 'tap';
import { buildApp } from '../server/app.js';
import { createManualClock } from '../server/domain/clock.js';
import { TOKEN_USE_GRANULARITY_MS } from '../server/services/api-tokens.js';
import { ADMIN, as, buildTestApp, createUser, login, testConfig } from './helpers/app.js';
import { freshPostgresDatabase, testEngine } from './helpers/postgres.js';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

t.test('an admin creates, lists and revokes tokens; a revoked token is refused from the next request', async (t) => {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager');

  const created = await as(app, admin).post('/api/tokens', { name: 'ingest bot', role: 'manager', expiresInDays: 30 });
  t.equal(created.statusCode, 201);
  const { token, apiToken } = created.json();
  t.match(token, /^hf_/, 'the secret, shown this once');
  t.same(apiToken, {
    id: apiToken.id,
    name: 'ingest bot',
    role: 'manager',
    createdAt: new Date(clock.now()).toISOString(),
    expiresAt: new Date(clock.now() + 30 * 24 * 3600_000).toISOString(),
    lastUsedAt: null,
    owner: { id: admin.user.id, name: admin.user.name },
  });
  const forever = (await as(app, admin).post('/api/tokens', { name: 'forever' })).json();
  t.match(
    forever.apiToken,
    { role: 'manager', expiresAt: null },
    'without expiresInDays a token does not expire; the role defaults to manager',
  );

  const listed = await as(app, admin).get('/api/tokens');
  t.equal(listed.statusCode, 200);
  t.same(
    listed
      .json()
      .items.map((i: { name: string }) => i.name)
      .sort(),
    ['forever', 'ingest bot'],
  );
  t.notOk(listed.body.includes(token) || listed.body.includes(forever.token), 'no secret is ever listed');
  const stored = (await app.services.data.apiTokens.notRevoked()).map((row) => row.token);
  t.equal(stored.length, 2, 'both are stored');
  t.notOk(
    stored.some((row) => Object.values(row).includes(token)),
    'but not their secrets',
  );

  for (const caller of [manager, bearer(token)]) {
    const send = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
      'cookie' in caller
        ? as(app, caller)[method === 'GET' ? 'get' : method === 'POST' ? 'post' : 'delete'](url, payload)
        : app.inject({ method, url, headers: caller, payload });
    t.equal((await send('GET', '/api/tokens')).statusCode, 403, 'only admins list tokens');
    t.equal((await send('POST', '/api/tokens', { name: 'mine' })).statusCode, 403, 'issue them');
    t.equal((await send('DELETE', `/api/tokens/${forever.apiToken.id}`)).statusCode, 403, 'or revoke them');
  }

  const me = () => app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
  t.equal((await me()).statusCode, 200, 'the token works (and is now kept for a few seconds)');
  t.equal((await as(app, admin).delete(`/api/tokens/${apiToken.id}`)).statusCode, 204);
  const refused = await me();
  t.equal(refused.statusCode, 401, 'refused at once, not when the kept principal would have lapsed');
  t.equal(refused.json().error.code, 'invalid_token');
  t.same(
    (await as(app, admin).get('/api/tokens')).json().items.map((i: { name: string }) => i.name),
    ['forever'],
    'and no longer listed',
  );
  t.equal(
    (await as(app, admin).delete(`/api/tokens/${apiToken.id}`)).statusCode,
    404,
    'revoking it twice finds nothing',
  );
  t.equal(
    (await as(app, admin).post('/api/tokens', { name: 'x', expiresInDays: 0 })).statusCode,
    400,
    'an expiry is at least a day',
  );
});

t.test('an expired token is refused', async (t) => {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const { token } = (await as(app, admin).post('/api/tokens', { name: 'week', expiresInDays: 7 })).json();
  const me = () => app.inject({ method: 'GET', url: '/api/me', headers: bearer(token) });
  t.equal((await me()).statusCode, 200);
  clock.advance(7 * 24 * 3600_000 - 1000);
  t.equal((await me()).statusCode, 200, 'until its last second');
  clock.advance(1000);
  t.equal((await me()).statusCode, 401, 'then not, even though it was just kept');
  clock.advance(60_000);
  t.equal((await me()).statusCode, 401, 'nor when read afresh');
});

t.test(
  "a token's last use is recorded at most once a minute",
  { skip: testEngine() === 'postgres' ? "SQLite only: it counts writes with SQLite's total_changes()" : false },
  async (t) => {
    const clock = createManualClock();
    const app = await buildTestApp(t, { clock });
    const admin = await login(app, ADMIN.email, ADMIN.password);
    const { token, apiToken } = (await as(app, admin).post('/api/tokens', { name: 'bot' })).json();
    const writes = () => app.services.db.$client.prepare('select total_changes()').pluck().get() as number;
    const lastUsed = async () =>
      (await as(app, admin).get('/api/tokens')).json().items.find((i: { id: string }) => i.id === apiToken.id)
        .lastUsedAt;
    const use = () => app.inject({ method: 'GET', url: '/api/tags', headers: bearer(token) });

    await use();
    const first = new Date(clock.now()).toISOString();
    t.equal(await lastUsed(), first, 'the first use is written');
    const before = writes();
    for (let i = 0; i < 20; i++) {
      clock.advance(2000);
      await use();
    }
    t.equal(writes(), before, 'twenty more uses within the minute write nothing');
    t.equal(await lastUsed(), first);
    clock.advance(TOKEN_USE_GRANULARITY_MS);
    await use();
    t.equal(await lastUsed(), new Date(clock.now()).toISOString(), 'a use a minute later is written');
  },
);

t.test('each token may submit a limited number of questions a minute', async (t) => {
  const databaseUrl = testEngine() === 'postgres' ? await freshPostgresDatabase(t) : undefined;
  const app = await buildApp(
    { ...testConfig(t, { databaseUrl }), ingestRateLimitPerMinute: 3 },
    { logger: false, timers: false },
  );
  t.teardown(() => app.close());
  await app.ready();
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const first = (await as(app, admin).post('/api/tokens', { name: 'one' })).json().token as string;
  const second = (await as(app, admin).post('/api/tokens', { name: 'two' })).json().token as string;
  let n = 0;
  const submit = (token: string) =>
    app.inject({
      method: 'POST',
      url: '/api/questions',
      headers: bearer(token),
      payload: { channel: 'api', externalId: `flood-${++n}`, text: 'my tv has no sound', author: { handle: 'c' } },
    });
  for (let i = 0; i < 3; i++) t.equal((await submit(first)).statusCode, 201);
  const limited = await submit(first);
  t.equal(limited.statusCode, 429, 'the fourth in a minute is refused');
  t.equal(limited.json().error.code, 'rate_limited', 'in the error shape');
  t.ok(
    Number(limited.headers['retry-after']) > 0 && Number(limited.headers['retry-after']) <= 60,
    'saying when to try again',
  );
  t.equal((await as(app, admin).get('/api/questions')).json().items.length, 3, 'and stores nothing');
  t.equal((await submit(second)).statusCode, 201, 'another token has its own budget');
  t.equal(
    (
      await as(app, admin).post('/api/questions', {
        channel: 'api',
        externalId: 'by-hand',
        text: 'my tv',
        author: { handle: 'c' },
      })
    ).statusCode,
    201,
    "as does a person, whose budget is not the tokens' they issued",
  );
});
