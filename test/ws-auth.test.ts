// A live connection lasts only as long as what authorised it: signing out, changing a password, revoking a token and
// reaching the session's expiry close exactly the sockets that credential opened. Browsers from other sites cannot
// open one at all.
import t from 'tap';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { buildApp } from '../server/app.js';
import type { ClientEvent } from '../server/contracts/events.js';
import { createManualClock } from '../server/domain/clock.js';
import { SESSION_TTL_MS } from '../server/services/auth.js';
import { ADMIN, as, type buildTestApp, createUser, login, testConfig, type TestAppOptions } from './helpers/app.js';
import { eventually } from './helpers/child-server.js';

type Test = Parameters<typeof buildTestApp>[0];

async function listening(t: Test, options: TestAppOptions & { allowedOrigins?: string[] } = {}) {
  const app = await buildApp(
    { ...testConfig(t, options), allowedOrigins: options.allowedOrigins },
    { logger: false, timers: false, ...options },
  );
  t.teardown(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** Opens /ws with the given headers; resolves once open, or with the HTTP status the upgrade was refused with. */
function open(url: string, headers: Record<string, string>) {
  const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/ws`, { headers });
  const events: ClientEvent[] = [];
  socket.on('message', (raw) => events.push(JSON.parse(raw.toString()) as ClientEvent));
  let closeCode: number | null = null;
  const closed = new Promise<number>((resolve) =>
    socket.once('close', (code) => {
      closeCode = code;
      resolve(code);
    }),
  );
  const opened = new Promise<{ refused?: number }>((resolve, reject) => {
    socket.once('open', () => resolve({}));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ refused: response.statusCode });
      response.resume();
    });
    socket.once('error', reject);
  });
  return { socket, events, closed, opened, closeCode: () => closeCode };
}

const cookieOf = (session: { cookie: string }) => ({ cookie: session.cookie });

t.test("signing out closes that session's sockets and no other", async (t) => {
  const { app, url } = await listening(t);
  const manager = await createUser(app, 'manager');
  const laptop = await login(app, manager.email, manager.password);
  const phone = open(url, cookieOf(manager));
  const desk = open(url, cookieOf(laptop));
  t.same(await phone.opened, {});
  t.same(await desk.opened, {});

  t.equal((await as(app, manager).post('/api/auth/logout')).statusCode, 204);
  t.equal(await phone.closed, 4001, "the signed-out session's socket closes as an account change does");
  await as(app, laptop).post('/api/questions', {
    channel: 'api',
    externalId: 'after-logout',
    text: 'my tv is silent',
    author: { handle: 'c' },
  });
  await eventually(
    () => desk.events.some((e) => e.type === 'question.created'),
    'the other session to hear of the new question',
  );
  t.equal(desk.closeCode(), null, "the same person's other session keeps its socket");
  t.notOk(
    phone.events.some((e) => e.type === 'question.created'),
    'the closed one heard nothing after signing out',
  );
  desk.socket.close();
});

t.test(
  "a password change closes the other sessions' sockets; the changing session and API tokens keep theirs",
  async (t) => {
    const { app, url } = await listening(t);
    const admin = await login(app, ADMIN.email, ADMIN.password);
    const other = await login(app, ADMIN.email, ADMIN.password);
    const token = (await as(app, admin).post('/api/tokens', { name: 'bot', role: 'manager' })).json().token as string;
    const mine = open(url, cookieOf(admin));
    const theirs = open(url, cookieOf(other));
    const tool = open(url, { authorization: `Bearer ${token}` });
    await Promise.all([mine.opened, theirs.opened, tool.opened]);

    const changed = await as(app, admin).post('/api/me/password', {
      currentPassword: ADMIN.password,
      newPassword: 'a-brand-new-password',
    });
    t.equal(changed.statusCode, 204);
    t.equal(await theirs.closed, 4001, "the other session's socket closes");
    t.equal((await as(app, other).get('/api/me')).statusCode, 401, 'and that session is over');
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(mine.closeCode(), null, 'the session that changed it stays connected');
    t.equal(tool.closeCode(), null, 'so does a token, a credential of its own');
    mine.socket.close();
    tool.socket.close();
  },
);

t.test('revoking a token closes the sockets it opened', async (t) => {
  const { app, url } = await listening(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const created = (await as(app, admin).post('/api/tokens', { name: 'dashboard tv', role: 'manager' })).json();
  const kept = (await as(app, admin).post('/api/tokens', { name: 'other', role: 'manager' })).json();
  const revoked = open(url, { authorization: `Bearer ${created.token}` });
  const other = open(url, { authorization: `Bearer ${kept.token}` });
  const browser = open(url, cookieOf(admin));
  await Promise.all([revoked.opened, other.opened, browser.opened]);
  t.equal((await as(app, admin).delete(`/api/tokens/${created.apiToken.id}`)).statusCode, 204);
  t.equal(await revoked.closed, 4001);
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(other.closeCode(), null, 'another token of the same owner stays');
  t.equal(browser.closeCode(), null, "as does the owner's session");
  t.same(
    await open(url, { authorization: `Bearer ${created.token}` }).opened,
    { refused: 401 },
    'and the token cannot reconnect',
  );
  other.socket.close();
  browser.socket.close();
});

t.test("a socket does not outlive its session's expiry, nor its token's", async (t) => {
  const clock = createManualClock();
  const { app, url } = await listening(t, { clock });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const token = (await as(app, admin).post('/api/tokens', { name: 'short', role: 'manager', expiresInDays: 1 })).json()
    .token as string;
  const session = open(url, cookieOf(admin));
  const tool = open(url, { authorization: `Bearer ${token}` });
  await Promise.all([session.opened, tool.opened]);
  clock.advance(24 * 3600_000 + 1);
  t.equal(await tool.closed, 4001, "the token's socket closes once it expires");
  t.equal(session.closeCode(), null);
  clock.advance(SESSION_TTL_MS);
  t.equal(await session.closed, 4001, "the session's socket closes once the session expires");
});

t.test('a session with a temporary password cannot open the live channel', async (t) => {
  const { app, url } = await listening(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const expert = await createUser(app, 'expert');
  await as(app, admin).post(`/api/users/${expert.user.id}/password`, { temporaryPassword: 'temporary-pass-1' });
  const pending = await login(app, expert.email, 'temporary-pass-1');
  t.same(await open(url, cookieOf(pending)).opened, { refused: 403 });
});

t.test(
  "/ws accepts this server's own pages, configured ones and tools without an Origin; other sites get 403",
  async (t) => {
    const { app, url } = await listening(t, { allowedOrigins: ['https://desk.example.com'] });
    const admin = await login(app, ADMIN.email, ADMIN.password);
    const attempt = async (origin?: string) => {
      const client = open(url, { ...cookieOf(admin), ...(origin ? { origin } : {}) });
      const result = await client.opened;
      client.socket.close();
      return result.refused ?? 101;
    };
    t.equal(await attempt(url), 101, "the server's own origin");
    t.equal(await attempt(url.replace('http:', 'https:')), 101, 'the same host behind a TLS proxy');
    t.equal(await attempt('https://desk.example.com'), 101, 'a configured origin');
    t.equal(await attempt(), 101, 'no Origin: a tool, not a browser');
    t.equal(await attempt('https://evil.example'), 403, 'another site');
    t.equal(await attempt('null'), 403, 'an opaque origin (a sandboxed frame, a file)');
    t.equal(
      await attempt(url.replace('127.0.0.1', 'localhost')),
      403,
      'another host name for the same machine is another site',
    );
    const refused = await app.inject({
      method: 'GET',
      url: '/ws',
      headers: { ...cookieOf(admin), origin: 'https://evil.example' },
    });
    t.match(refused.json(), { error: { code: 'origin' } }, 'in the error shape');
  },
);

t.test('ALLOWED_ORIGINS and INGEST_RATE_LIMIT_PER_MINUTE are read from the environment', async (t) => {
  const { loadConfig } = await import('../server/config.js');
  const app = loadConfig({ ALLOWED_ORIGINS: 'https://desk.example.com/, http://intranet:8080' }).app;
  t.same(
    app.allowedOrigins,
    ['https://desk.example.com', 'http://intranet:8080'],
    'as origins, whatever path or slash was written',
  );
  t.equal(app.ingestRateLimitPerMinute, 600, 'ingest defaults to 600 a minute');
  t.same(loadConfig({}).app.allowedOrigins, []);
  t.equal(loadConfig({ INGEST_RATE_LIMIT_PER_MINUTE: '50' }).app.ingestRateLimitPerMinute, 50);
  t.throws(
    () => loadConfig({ ALLOWED_ORIGINS: 'desk.example.com' }),
    /ALLOWED_ORIGINS/,
    'a bare host name is not an origin',
  );
  t.throws(() => loadConfig({ INGEST_RATE_LIMIT_PER_MINUTE: '0' }), /INGEST_RATE_LIMIT_PER_MINUTE/);
});
