// Builds a real app on a temp-file SQLite database for one test, plus small helpers to act as a user over HTTP.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Test } from 'tap';
import { buildApp, type App, type AppDeps } from '../../server/app.js';
import {
  defaultRoutingConfig,
  type AppConfig,
  type BlueskyChannelConfig,
  type RoutingConfig,
  type XChannelConfig,
} from '../../server/config.js';
import type { Profile, Role, Tag } from '../../server/contracts/api.js';
import { freshPostgresDatabase, testEngine } from './postgres.js';

export const ADMIN = { email: 'admin@test.helpforce', password: 'admin-password-1' };

export interface TestAppOptions extends AppDeps {
  routing?: Partial<RoutingConfig>;
  x?: XChannelConfig;
  bluesky?: BlueskyChannelConfig;
  databasePath?: string;
  /** A PostgreSQL database instead of a SQLite file (test/helpers/postgres.ts). */
  databaseUrl?: string;
}

export function tempDatabasePath(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'helpforce.db');
}

export function testConfig(t: Test, options: TestAppOptions = {}): AppConfig {
  return {
    databasePath: options.databasePath ?? tempDatabasePath(t),
    databaseUrl: options.databaseUrl,
    logLevel: 'silent',
    secureCookies: false,
    admin: ADMIN,
    x: options.x,
    bluesky: options.bluesky,
    routing: defaultRoutingConfig(options.routing),
  };
}

export async function buildTestApp(t: Test, options: TestAppOptions = {}): Promise<App> {
  // Under test/pg/ every app this suite builds gets a database of its own on the run's PostgreSQL server.
  const onPostgres = testEngine() === 'postgres' && !options.db && !options.databasePath && !options.databaseUrl;
  const databaseUrl = onPostgres ? await freshPostgresDatabase(t) : options.databaseUrl;
  const app = await buildApp(testConfig(t, { ...options, databaseUrl }), { logger: false, timers: false, ...options });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

export interface Session {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; name: string; role: Role };
}

export async function login(app: App, email: string, password: string): Promise<Session> {
  const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  if (response.statusCode !== 200)
    throw new Error(`login failed for ${email}: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'hf_session')!;
  const body = response.json();
  return { cookie: `hf_session=${cookie.value}`, csrfToken: body.csrfToken, user: body.user };
}

/** Send a request as a logged-in user: the session cookie and the CSRF header, as the web client does. */
export function as(app: App, session: Session) {
  const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    app.inject({
      method,
      url,
      payload: payload as never,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrfToken },
    });
  return {
    get: (url: string) => send('GET', url),
    post: (url: string, payload?: unknown) => send('POST', url, payload ?? {}),
    put: (url: string, payload?: unknown) => send('PUT', url, payload),
    patch: (url: string, payload?: unknown) => send('PATCH', url, payload),
    delete: (url: string) => send('DELETE', url),
  };
}

let counter = 0;
const adminSessions = new WeakMap<App, Promise<Session>>();

/** Creates a user through the admin API (and, for experts, a profile) and logs them in. */
export async function createUser(app: App, role: Role, overrides: { name?: string; profile?: Partial<Profile> } = {}) {
  if (!adminSessions.has(app)) adminSessions.set(app, login(app, ADMIN.email, ADMIN.password));
  const admin = await adminSessions.get(app)!;
  counter++;
  const email = `${role}${counter}-${Date.now()}@test.helpforce`;
  const password = `password-${counter}-long`;
  const name = overrides.name ?? `${role[0]!.toUpperCase()}${role.slice(1)} ${counter}`;
  const created = await as(app, admin).post('/api/users', { email, name, role, password });
  if (created.statusCode !== 201) throw new Error(`create user failed: ${created.body}`);
  const session = await login(app, email, password);
  if (overrides.profile) {
    const updated = await as(app, session).put('/api/me/profile', overrides.profile);
    if (updated.statusCode !== 200) throw new Error(`profile update failed: ${updated.body}`);
  }
  return { ...session, email, password };
}

export const TEST_TAGS: Tag[] = [
  { slug: 'tv', name: 'TVs', description: '', keywords: ['tv', 'television', 'soundbar', 'hdmi'], sensitive: false },
  { slug: 'laptops', name: 'Laptops', description: '', keywords: ['laptop', 'notebook', 'macbook'], sensitive: false },
  { slug: 'returns', name: 'Returns', description: '', keywords: ['return', 'refund'], sensitive: true },
];

export async function seedTags(app: App, tags: Tag[] = TEST_TAGS) {
  for (const tag of tags) await app.services.tags.create(tag);
}

/** A listening app wired to its own fake X (timers off: tests poll and drain the outbox themselves), with test tags. */
export async function buildXTestApp(t: Test, options: TestAppOptions = {}) {
  const { startFakeX } = await import('../../dev/fake-x/index.js');
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  t.teardown(() => fakeX.close());
  const app = await buildTestApp(t, {
    x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 60_000 },
    ...options,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address() as { port: number };
  await seedTags(app);
  return { fakeX, app, base: `http://127.0.0.1:${address.port}` };
}

/** Polls `read` (every 100 ms, 10 s at most) until it gives a value; fails naming `what` it waited for. */
export async function waitFor<T>(read: () => T | undefined | Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}
