// Roles hold on every route, CSRF guards cookie writes, bad input gets a clear 4xx and changes nothing.
import t from 'tap';
import type { App } from '../server/app.js';
import { createManualClock } from '../server/domain/clock.js';
import { PRINCIPAL_TTL_MS, SESSION_TTL_MS } from '../server/services/auth.js';
import { as, buildTestApp, createUser, login, ADMIN, seedTags, type Session } from './helpers/app.js';

type Caller = 'anonymous' | 'expert' | 'otherExpert' | 'manager' | 'admin' | 'token';

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const sessions: Record<Exclude<Caller, 'anonymous' | 'token'>, Session> = {
    expert: await createUser(app, 'expert', { profile: { signature: 'EX', skills: [{ tag: 'tv', level: 5 }] } }),
    otherExpert: await createUser(app, 'expert', {
      profile: { signature: 'OT', skills: [{ tag: 'laptops', level: 5 }] },
    }),
    manager: await createUser(app, 'manager'),
    admin: await login(app, ADMIN.email, ADMIN.password),
  };
  const token = (await as(app, sessions.admin).post('/api/tokens', { name: 'ingest bot', role: 'manager' })).json()
    .token as string;
  return { app, sessions, token };
}

function request(
  app: App,
  caller: Caller,
  ctx: { sessions: Record<string, Session>; token: string },
  method: string,
  url: string,
  payload?: unknown,
) {
  const headers: Record<string, string> = {};
  if (caller === 'token') headers.authorization = `Bearer ${ctx.token}`;
  else if (caller !== 'anonymous') {
    headers.cookie = ctx.sessions[caller]!.cookie;
    headers['x-csrf-token'] = ctx.sessions[caller]!.csrfToken;
  }
  return app.inject({ method: method as 'GET', url, headers, payload: payload as never });
}

t.test('authorisation matrix', async (t) => {
  const ctx = await setup(t);
  const { app } = ctx;
  let n = 0;
  const ingest = () => ({
    channel: 'api',
    externalId: `m-${++n}`,
    text: 'my tv has no sound over hdmi',
    author: { handle: 'cust' },
  });
  const question = (await request(app, 'manager', ctx, 'POST', '/api/questions', ingest())).json().question;
  await request(app, 'manager', ctx, 'POST', `/api/questions/${question.id}/assign`, {
    expertId: ctx.sessions.expert.user.id,
  });

  // [method, url, body, expected status per caller]
  const matrix: [string, string, unknown, Record<Caller, number>][] = [
    [
      'GET',
      '/api/me',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/users',
      undefined,
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 403, admin: 200, token: 403 },
    ],
    [
      'PATCH',
      `/api/users/${ctx.sessions.otherExpert!.user.id}`,
      { name: 'Renamed' },
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 403, admin: 200, token: 403 },
    ],
    [
      'GET',
      '/api/experts',
      undefined,
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/tags',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'POST',
      '/api/tags',
      { slug: 'x-new', name: 'New' },
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 201, admin: 409, token: 409 },
    ],
    [
      'GET',
      '/api/metrics',
      undefined,
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      `/api/questions/${question.id}`,
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 404, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/me/profile',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'POST',
      `/api/questions/${question.id}/dismiss`,
      { reason: '' },
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 400, admin: 400, token: 400 },
    ],
    [
      'GET',
      '/api/replies?author=me',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/replies',
      undefined,
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/settings',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'GET',
      '/api/experts/directory',
      undefined,
      { anonymous: 401, expert: 200, otherExpert: 200, manager: 200, admin: 200, token: 200 },
    ],
    [
      'PUT',
      '/api/settings',
      { reviewPolicy: { minApproved: 5, reviewAll: false } },
      { anonymous: 401, expert: 403, otherExpert: 403, manager: 403, admin: 200, token: 403 },
    ],
  ];
  for (const [method, url, body, expected] of matrix) {
    for (const caller of Object.keys(expected) as Caller[]) {
      const response = await request(app, caller, ctx, method, url, body);
      t.equal(response.statusCode, expected[caller], `${method} ${url} as ${caller}`);
      if (response.statusCode >= 400) t.type(response.json().error?.code, 'string', 'error shape');
    }
  }

  const ingestStatus = await Promise.all(
    (['anonymous', 'expert', 'manager', 'token'] as Caller[]).map((c) =>
      request(app, c, ctx, 'POST', '/api/questions', ingest()),
    ),
  );
  t.same(
    ingestStatus.map((r) => r.statusCode),
    [401, 403, 201, 201],
    'only managers and tokens ingest',
  );
});

t.test('an expert acts only on questions offered or assigned to them, and on their own replies', async (t) => {
  const ctx = await setup(t);
  const { app, sessions } = ctx;
  const q = (
    await request(app, 'manager', ctx, 'POST', '/api/questions', {
      channel: 'api',
      externalId: 'own-1',
      text: 'tv soundbar hdmi question',
      author: { handle: 'c' },
    })
  ).json().question;
  const assigned = await as(app, sessions.manager!).post(`/api/questions/${q.id}/assign`, {
    expertId: sessions.expert!.user.id,
  });
  t.equal(assigned.statusCode, 200);
  t.equal(
    (await as(app, sessions.otherExpert!).post(`/api/questions/${q.id}/release`)).statusCode,
    404,
    'another expert cannot see it',
  );
  const late = await as(app, sessions.otherExpert!).post(`/api/questions/${q.id}/claim`);
  t.equal(late.statusCode, 409, 'an available expert who tries to pick it up lost the race');
  t.same(
    late.json().error,
    { code: 'already_claimed', message: 'Someone else is already answering this question' },
    'and is not told who holds it',
  );
  t.equal(
    (await as(app, sessions.otherExpert!).post(`/api/questions/${q.id}/replies`, { text: 'hijack' })).statusCode,
    403,
    'nor reply to it',
  );
  t.equal(
    (await as(app, sessions.otherExpert!).get(`/api/replies?author=${sessions.expert!.user.id}`)).statusCode,
    403,
    "nor list someone else's replies",
  );
  const reply = (
    await as(app, sessions.expert!).post(`/api/questions/${q.id}/replies`, { text: 'Check the HDMI ARC port.' })
  ).json().reply;
  t.equal(
    (await as(app, sessions.expert!).post(`/api/replies/${reply.id}/approve`, {})).statusCode,
    403,
    'an expert cannot approve their own reply',
  );
});

t.test('CSRF: cookie writes need the token; bearer writes do not', async (t) => {
  const ctx = await setup(t);
  const { app, sessions, token } = ctx;
  const body = { channel: 'api', externalId: 'csrf-1', text: 'tv?', author: { handle: 'c' } };
  const noHeader = await app.inject({
    method: 'POST',
    url: '/api/questions',
    payload: body,
    headers: { cookie: sessions.manager!.cookie },
  });
  t.equal(noHeader.statusCode, 403);
  t.equal(noHeader.json().error.code, 'csrf');
  const wrong = await app.inject({
    method: 'POST',
    url: '/api/questions',
    payload: body,
    headers: { cookie: sessions.manager!.cookie, 'x-csrf-token': 'nope' },
  });
  t.equal(wrong.statusCode, 403);
  const bearer = await app.inject({
    method: 'POST',
    url: '/api/questions',
    payload: body,
    headers: { authorization: `Bearer ${token}` },
  });
  t.equal(bearer.statusCode, 201);
  const badToken = await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: 'Bearer hf_nope' } });
  t.equal(badToken.statusCode, 401);
});

t.test('sessions: logout revokes, login is rate limited, passwords have a minimum length', async (t) => {
  const ctx = await setup(t);
  const { app, sessions } = ctx;
  const session = await login(app, ADMIN.email, ADMIN.password);
  t.equal((await as(app, session).post('/api/auth/logout')).statusCode, 204);
  t.equal((await as(app, session).get('/api/me')).statusCode, 401, 'the old cookie no longer works');
  const short = await as(app, sessions.admin!).post('/api/users', {
    email: 'short@test.helpforce',
    name: 'Short',
    role: 'expert',
    password: 'short',
  });
  t.equal(short.statusCode, 400);
  t.match(short.json().error.message, /password/);
  const attempts = [];
  for (let i = 0; i < 12; i++)
    attempts.push(
      await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'nobody@test.helpforce', password: 'wrong-password' },
      }),
    );
  t.equal(attempts[0]!.statusCode, 401, 'a wrong password is a 401');
  t.equal(attempts.at(-1)!.statusCode, 429, 'repeated attempts are rate limited');
  t.equal(attempts.at(-1)!.json().error.code, 'rate_limited');
});

t.test('principals are kept a few seconds: revoked in the app at once, in the database within the TTL', async (t) => {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const { token, apiToken } = (await as(app, admin).post('/api/tokens', { name: 'bot', role: 'manager' })).json() as {
    token: string;
    apiToken: { id: string };
  };
  const meWithToken = () =>
    app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  t.equal((await meWithToken()).statusCode, 200);
  const principal = await app.services.auth.sessionPrincipal(admin.cookie.slice('hf_session='.length));
  t.ok(
    principal && Object.isFrozen(principal) && Object.isFrozen(principal.user),
    'a kept principal is shared, so frozen',
  );

  // Kept principals answer for their own kind of credential only.
  const tokenAsCookie = await app.inject({
    method: 'POST',
    url: '/api/questions',
    headers: { cookie: `hf_session=${token}` },
    payload: { channel: 'api', externalId: 'kind-1', text: 'tv?', author: { handle: 'c' } },
  });
  t.equal(
    tokenAsCookie.statusCode,
    401,
    'a kept API token sent as the session cookie authenticates nobody (and skips no CSRF check)',
  );
  const cookieAsBearer = await app.inject({
    method: 'GET',
    url: '/api/me',
    headers: { authorization: `Bearer ${admin.cookie.slice('hf_session='.length)}` },
  });
  t.equal(cookieAsBearer.statusCode, 401, 'a kept session token sent as Bearer authenticates nobody');
  t.equal((await meWithToken()).statusCode, 200, 'and the token itself still works');

  // Revoked in the database only, as another node or a script would: this node's kept principal does not hear of it.
  await app.services.uow.run((unit) => unit.apiTokens.revoke(apiToken.id, clock.now()));
  t.equal((await meWithToken()).statusCode, 200, 'within the TTL the kept principal still answers');
  clock.advance(PRINCIPAL_TTL_MS + 1);
  t.equal((await meWithToken()).statusCode, 401, 'after the TTL the revocation holds');
  clock.advance(PRINCIPAL_TTL_MS + 1);
  t.equal((await meWithToken()).statusCode, 401, 'an unknown token is never kept');

  const session = await login(app, ADMIN.email, ADMIN.password);
  t.equal((await as(app, session).get('/api/me')).statusCode, 200);
  t.equal((await as(app, session).post('/api/auth/logout')).statusCode, 204);
  t.equal((await as(app, session).get('/api/me')).statusCode, 401, 'logout drops the kept session at once');

  const expiring = await login(app, ADMIN.email, ADMIN.password);
  t.equal((await as(app, expiring).get('/api/me')).statusCode, 200);
  clock.advance(SESSION_TTL_MS - 1000);
  t.equal((await as(app, expiring).get('/api/me')).statusCode, 200, 'kept again close to expiry');
  clock.advance(1001);
  t.equal((await as(app, expiring).get('/api/me')).statusCode, 401, "never kept past the session's own expiry");
});

t.test('bad input gets a clear 4xx and leaves the database unchanged', async (t) => {
  const ctx = await setup(t);
  const { app, token } = ctx;
  const count = async () =>
    (
      await app.inject({
        method: 'GET',
        url: '/api/questions?limit=200',
        headers: { authorization: `Bearer ${token}` },
      })
    ).json().items.length as number;
  const before = await count();
  const post = (payload: string | object, contentType = 'application/json') =>
    app.inject({
      method: 'POST',
      url: '/api/questions',
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
    });
  const valid = { channel: 'api', externalId: 'bad-0', text: 'hello', author: { handle: 'c' } };
  const corpus: [string, string | object, number][] = [
    ['malformed JSON', '{"channel": "api",', 400],
    ['oversized body', JSON.stringify({ ...valid, text: 'x'.repeat(70_000) }), 413],
    ['text too long', { ...valid, text: 'x'.repeat(4001) }, 400],
    ['empty text', { ...valid, text: '' }, 400],
    ['wrong type', { ...valid, externalId: 42 }, 400],
    ['missing author', { channel: 'api', externalId: 'x', text: 'hi' }, 400],
    ['bad date', { ...valid, createdAt: 'yesterday' }, 400],
    ['array body', [valid], 400],
  ];
  for (const [name, payload, status] of corpus) {
    const response = await post(payload);
    t.equal(response.statusCode, status, name);
    t.type(response.json().error?.message, 'string', `${name}: error shape`);
    t.notMatch(response.body, /at .*\.ts:\d+/, `${name}: no stack trace`);
  }
  t.equal(await count(), before, 'nothing was stored');
  t.equal(
    (
      await app.inject({
        method: 'GET',
        url: '/api/questions/does-not-exist',
        headers: { authorization: `Bearer ${token}` },
      })
    ).statusCode,
    404,
  );

  const tricky = [
    "'; DROP TABLE questions; --",
    '\u202Eevil\u202C text',
    'zero\u200Bwidth',
    '漢字とemoji 👋🏽',
    'ctrl\u0007char',
  ];
  for (const [i, text] of tricky.entries()) {
    const response = await post({ ...valid, externalId: `tricky-${i}`, text });
    t.equal(response.statusCode, 201, `stored as text: ${JSON.stringify(text)}`);
    t.equal(
      response.json().question.text,
      text.replace('\u0007', ''),
      'round-trips unchanged, but for control characters, which are dropped',
    );
  }
  t.equal(await count(), before + tricky.length);
});
