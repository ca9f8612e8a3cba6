// Run by test/limits.test.ts as a child process with a small heap (`node --max-old-space-size=… --import tsx`): a
// request whose cost has no bound then kills this process in seconds instead of taking the test runner's memory.
// Builds the app on a temp database, then sends every GET route of the OpenAPI document every combination of its
// query parameters' most expensive legal values, as a manager and as an admin. One JSON line per request on stdout
// ({ sending } before, { role, url, status, code, ms, heapMb } after), then { done }.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { buildApp } from '../../server/app.js';
import { defaultRoutingConfig } from '../../server/config.js';
import { expensiveQueries, fillPath, operations } from './openapi.js';

const ADMIN = { email: 'admin@limits.helpforce.test', password: 'limits-admin-password' };
const print = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const dir = mkdtempSync(join(tmpdir(), 'helpforce-limits-'));
try {
  const app = await buildApp(
    {
      databasePath: join(dir, 'helpforce.db'),
      logLevel: 'silent',
      secureCookies: false,
      admin: ADMIN,
      routing: defaultRoutingConfig({}),
    },
    { logger: false, timers: false },
  );
  await app.ready();
  const login = async (email: string, password: string) => {
    const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
    return {
      cookie: response.headers['set-cookie']!.toString().split(';')[0]!,
      csrf: response.json().csrfToken as string,
    };
  };
  const admin = await login(ADMIN.email, ADMIN.password);
  const headers = (session: { cookie: string; csrf: string }) => ({
    cookie: session.cookie,
    'x-csrf-token': session.csrf,
  });
  const manager = { email: 'manager@limits.helpforce.test', password: 'limits-manager-password' };
  await app.inject({
    method: 'POST',
    url: '/api/users',
    headers: headers(admin),
    payload: { ...manager, name: 'Mia Manager', role: 'manager' },
  });
  const roles = { manager: await login(manager.email, manager.password), admin };

  // A few questions, so that the routes taking an id have one to read and the ranges have something in them.
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const created = await app.inject({
      method: 'POST',
      url: '/api/questions',
      headers: headers(admin),
      payload: {
        channel: 'x',
        externalId: `limits-${i}`,
        text: `Does the soundbar ${i} work with my tv over hdmi?`,
        author: { handle: `customer${i}` },
      },
    });
    ids.push(created.json().question.id);
  }

  const now = Date.now();
  for (const operation of (await operations(app)).filter((op) => op.method === 'GET')) {
    const path = fillPath(operation.path, () => ids[0]!);
    for (const query of expensiveQueries(operation, now)) {
      for (const [role, session] of Object.entries(roles)) {
        const url = `${path}${query}`;
        print({ sending: url, role });
        const started = performance.now();
        const response = await app.inject({ method: 'GET', url, headers: headers(session) });
        const ms = performance.now() - started;
        let code: string | undefined;
        try {
          code = response.json().error?.code;
        } catch {
          /* a CSV or Markdown file */
        }
        print({
          role,
          url,
          status: response.statusCode,
          code,
          ms: Math.round(ms),
          heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        });
      }
    }
  }
  await app.close();
  print({ done: true });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
