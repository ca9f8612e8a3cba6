// Secrets never reach the logs, and every response carries the security headers the web client is built for.
import t from 'tap';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from '../server/app.js';
import { as, buildTestApp, login, ADMIN } from './helpers/app.js';

t.test('passwords, session cookies, CSRF and API tokens never appear in the logs', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const app = await buildTestApp(t, { logger: { level: 'trace', redact: REDACTED_PATHS, stream } });
  const session = await login(app, ADMIN.email, ADMIN.password);
  const token = (await as(app, session).post('/api/tokens', { name: 'bot', role: 'manager' })).json().token as string;
  await app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });
  await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: ADMIN.email, password: 'wrong-guess-123' },
  });
  app.log.info({ user: { password: 'logged-by-mistake' }, auth: { token } }, 'a careless log line');
  const all = lines.join('');
  t.ok(lines.length > 5, 'requests were logged');
  t.match(all, /"reqId"/, 'with request ids');
  for (const secret of [
    ADMIN.password,
    'wrong-guess-123',
    token,
    session.csrfToken,
    session.cookie.split('=')[1]!,
    'logged-by-mistake',
  ]) {
    t.notOk(all.includes(secret), `no secret in the logs (${secret.slice(0, 4)}…)`);
  }
  t.match(all, /\[Redacted\]/, 'redaction is active');
});

t.test('security headers and a strict CSP on every response', async (t) => {
  const app = await buildTestApp(t);
  const response = await app.inject({ method: 'GET', url: '/health' });
  const csp = String(response.headers['content-security-policy']);
  t.match(csp, /script-src 'self'/, 'scripts only from our origin');
  t.match(csp, /object-src 'none'/);
  t.match(csp, /frame-ancestors 'self'/, 'no framing by other sites');
  t.notMatch(csp, /upgrade-insecure-requests/, 'plain http stays usable without SECURE_COOKIES');
  t.equal(response.headers['x-content-type-options'], 'nosniff');
  t.ok(response.headers['x-frame-options']);
  t.notOk(response.headers['x-powered-by']);
});
