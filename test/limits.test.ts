// No single request may cost the server more than it can pay: periods are bounded, every refusal comes in the API's
// error shape (including those Fastify and Node make before any route runs), and what a client sends in headers is
// neither trusted into the logs nor cached by anyone on the way back.
import t, { type Test } from 'tap';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { MAX_PERIOD_DAYS } from '../server/domain/period.js';
import { ADMIN, as, buildTestApp, createUser, login, type Session } from './helpers/app.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const DAY_MS = 24 * 3600_000;

/** The 4xx body every refusal has: `{ error: { code, message } }` and nothing else. */
function errorShape(t: Test, body: string, what: string) {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return t.fail(`${what}: not JSON: ${body.slice(0, 200)}`);
  }
  t.match(parsed, { error: { code: String, message: String } }, `${what}: {error:{code,message}}`);
  t.same(Object.keys(parsed as object), ['error'], `${what}: nothing beside error`);
}

t.test(
  'the most expensive legal value of every query parameter of every GET route is answered, fast and in bounded memory',
  async (t) => {
    // A child with a small heap: a request without a bound kills it in seconds (and only it).
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=256', '--import', 'tsx', 'test/helpers/expensive-queries.ts'],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exit = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const lines = stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const answers = lines.filter((line) => 'status' in line) as {
      role: string;
      url: string;
      status: number;
      code?: string;
      ms: number;
      heapMb: number;
    }[];
    const last = lines.findLast((line) => 'sending' in line);
    t.equal(
      exit,
      0,
      `the server survived every request (last sent: ${JSON.stringify(last)}; ${stderr.split('\n').slice(0, 3).join(' ')})`,
    );
    t.ok(
      lines.some((line) => line.done),
      'the sweep finished',
    );
    t.ok(answers.length > 300, `${answers.length} requests sent`);
    for (const route of ['/api/metrics', '/api/insights', '/api/recognition', '/api/questions']) {
      t.ok(
        answers.some((a) => a.url.startsWith(`${route}?`)),
        `${route} was swept with query parameters`,
      );
    }
    const failed = answers.filter((a) => a.status >= 500);
    t.same(failed, [], 'no 5xx');
    const slow = answers.filter((a) => a.ms > 10_000);
    t.same(slow, [], 'every request answered within 10 s');
    t.ok(
      Math.max(...answers.map((a) => a.heapMb)) < 200,
      `the heap stayed under 200 MB (peak ${Math.max(...answers.map((a) => a.heapMb))} MB)`,
    );
    t.ok(
      answers.some((a) => a.url.startsWith('/api/metrics?') && a.code === 'range_too_large'),
      'the metrics refused a period too long',
    );
    t.ok(
      answers.some((a) => a.url.startsWith('/api/metrics?') && a.status === 200 && a.url.includes('from=')),
      'and served the longest one allowed',
    );
  },
);

t.test('range endpoints refuse a period longer than the limit, saying the limit, and serve one up to it', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const now = Date.now();
  const longest = `from=${new Date(now - MAX_PERIOD_DAYS * DAY_MS).toISOString()}&to=${new Date(now).toISOString()}`;
  const tooLong = `from=${new Date(now - (MAX_PERIOD_DAYS + 1) * DAY_MS).toISOString()}&to=${new Date(now).toISOString()}`;
  for (const route of ['/api/metrics', '/api/insights', '/api/recognition']) {
    const refused = await as(app, manager).get(`${route}?from=1970-01-01&to=2999-12-31`);
    t.equal(refused.statusCode, 400, `${route}: 1970 to 2999 is refused`);
    t.equal(refused.json().error.code, 'range_too_large');
    t.match(refused.json().error.message, String(MAX_PERIOD_DAYS), 'the message says the limit');
    t.equal(
      (await as(app, manager).get(`${route}?${tooLong}`)).json().error?.code,
      'range_too_large',
      `${route}: a day over the limit is refused`,
    );
    t.equal(
      (await as(app, manager).get(`${route}?from=1970-01-01`)).json().error?.code,
      'range_too_large',
      `${route}: so is a far \`from\` up to now`,
    );
    t.equal(
      (await as(app, manager).get(`${route}?${longest}`)).statusCode,
      200,
      `${route}: the longest period allowed is served`,
    );
    const year = await as(app, manager).get(`${route}?from=0000-01-01&to=9999-12-31`);
    t.equal(year.statusCode, 400, `${route}: a year outside the window is refused by the schema`);
    t.match(year.json().error.message, /year from 1970 to 2999/);
  }
  const backwards = await as(app, manager).get('/api/metrics?from=2026-12-02&to=2026-12-01T00:00:00Z');
  t.equal(backwards.statusCode, 422, 'metrics: a backwards period is refused like the digest refuses it');
  t.equal(backwards.json().error.code, 'invalid_range');
});

t.test(
  'a long metrics period is read in slices, the event loop free between them, and adds up as in one go',
  async (t) => {
    const app = await buildTestApp(t);
    const { metrics } = app.services;
    const now = Date.now();
    const year = { from: new Date(now - MAX_PERIOD_DAYS * DAY_MS).toISOString(), to: new Date(now).toISOString() };
    let turns = 0;
    let reading = true;
    const turn = () => {
      turns++;
      if (reading) setImmediate(turn);
    };
    setImmediate(turn);
    const report = await metrics.report(year);
    reading = false;
    t.ok(
      turns > 2,
      `other work ran while the year's ${MAX_PERIOD_DAYS * 24} hours were read (${turns} turns of the event loop)`,
    );
    t.same(report, await metrics.compute(year), 'the same answer as computing it in one go');
    await t.rejects(
      metrics.report({ from: '1970-01-01T00:00:00Z' }),
      { code: 'range_too_large' },
      'and refused beyond the limit before reading anything',
    );
  },
);

t.test('a page cursor out of range is a 400, not a database error', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  for (const cursor of ['9'.repeat(30), '-5', 'abc', '1e99']) {
    const response = await as(app, manager).get(`/api/questions?sort=sla&cursor=${cursor}`);
    t.equal(response.statusCode, 400, `cursor=${cursor.slice(0, 10)}`);
    t.equal(response.json().error.code, 'invalid_cursor');
  }
  t.equal(
    (await as(app, manager).get('/api/questions?sort=sla&cursor=200')).statusCode,
    200,
    'a position past the end is an empty page',
  );
  t.equal(
    (await as(app, manager).get(`/api/questions?cursor=${'9'.repeat(200)}`)).statusCode,
    200,
    'newest first pages by id: any string orders',
  );
});

t.test(
  'bad URL encoding and over-long path parameters answer in the error shape, for every role that can reach the route',
  async (t) => {
    const app = await buildTestApp(t);
    const sessions: Record<string, Session> = {
      expert: await createUser(app, 'expert'),
      manager: await createUser(app, 'manager'),
      admin: await login(app, ADMIN.email, ADMIN.password),
    };
    for (const [role, session] of Object.entries(sessions)) {
      const badUrl = await as(app, session).get('/api/questions/%ZZ');
      t.equal(badUrl.statusCode, 400, `${role}: %ZZ`);
      errorShape(t, badUrl.body, `${role}: %ZZ`);
      for (const length of [65, 101, 10_000]) {
        for (const url of [`/api/questions/${'a'.repeat(length)}`, `/api/questions/${'a'.repeat(length)}/notes`]) {
          const response = await as(app, session).get(url);
          t.equal(response.statusCode, 400, `${role}: an id of ${length} characters is refused as invalid`);
          errorShape(t, response.body, `${role}: id of ${length}`);
          t.equal(response.json().error.code, 'invalid_request');
        }
      }
    }
    const anonymous = await app.inject({ method: 'GET', url: `/api/questions/${'a'.repeat(10_000)}` });
    t.ok([400, 401].includes(anonymous.statusCode), 'anonymous: refused');
    errorShape(t, anonymous.body, 'anonymous: id of 10,000');
  },
);

t.test('a request whose headers are too large gets a 431 in the error shape', async (t) => {
  const app = await buildTestApp(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const raw = await new Promise<string>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', (error) => (received ? resolve(received) : reject(error)));
    socket.write(`GET /api/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(60 * 1024)}\r\n\r\n`);
  });
  t.match(raw, /^HTTP\/1\.1 431 /, 'status 431');
  t.match(raw, /content-type: application\/json/i);
  errorShape(t, raw.slice(raw.indexOf('\r\n\r\n') + 4), '60 KB header');
  t.equal(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).error.code, 'headers_too_large');
  t.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200, 'the server goes on serving');
});

t.test("a client's X-Request-Id is kept only when it is a plain token", async (t) => {
  const app = await buildTestApp(t);
  const kept = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': 'lb-7f3a.2026:01_x' } });
  t.equal(kept.headers['x-request-id'], 'lb-7f3a.2026:01_x', 'a safe id is kept, to follow a request across systems');
  for (const unsafe of ['a b', '"}{"level":60', 'x'.repeat(65), '<script>', 'é', '']) {
    const response = await app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': unsafe } });
    t.match(
      response.headers['x-request-id'],
      /^[0-9a-f-]{36}$/,
      `replaced by a generated id: ${JSON.stringify(unsafe.slice(0, 12))}`,
    );
  }
});

t.test('API answers are never cached, whoever asks and whatever the answer', async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  for (const [what, response] of [
    ['a signed-in read', await as(app, admin).get('/api/me')],
    ['a list', await as(app, admin).get('/api/questions')],
    ['a refusal', await app.inject({ method: 'GET', url: '/api/questions' })],
    ['a missing route', await as(app, admin).get('/api/nothing-here')],
    ['a bad URL', await as(app, admin).get('/api/questions/%ZZ')],
  ] as const) {
    t.equal(response.headers['cache-control'], 'no-store', what);
  }
});
