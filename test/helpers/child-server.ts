// The real server entry (server/index.ts) as a child process, so tests can SIGKILL it mid-work, restart it on the
// same database file and check what survived. It talks to a fake X started in the test process, and is driven
// over HTTP and WebSocket like any client would.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FakeX } from '../../dev/fake-x/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const CHILD_ADMIN = { email: 'admin@crash.helpforce.test', password: 'crash-admin-password' };

export interface ChildServer {
  url: string;
  port: number;
  process: ChildProcess;
  /** Resolves when the process has exited, with its exit code or the signal that ended it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything the server wrote to stdout and stderr (LOG_LEVEL=warn keeps it short). */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A port that was free a moment ago: PORT=0 would work, but then nothing tells the test which port was chosen. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface ChildServerOptions {
  databasePath: string;
  /** PostgreSQL instead of the SQLite file (which must then never be created). */
  databaseUrl?: string;
  fakeX: FakeX;
  /** Extra or overriding environment variables (WAVE_SECONDS, OFFER_K, …). */
  env?: Record<string, string>;
  port?: number;
  readyTimeoutMs?: number;
}

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_PATH: options.databasePath,
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: CHILD_ADMIN.email,
    ADMIN_PASSWORD: CHILD_ADMIN.password,
    X_API_BASE_URL: options.fakeX.url,
    X_POLL_INTERVAL_S: '1',
    X_APP_KEY: options.fakeX.credentials.appKey,
    X_APP_SECRET: options.fakeX.credentials.appSecret,
    X_ACCESS_TOKEN: options.fakeX.credentials.accessToken,
    X_ACCESS_SECRET: options.fakeX.credentials.accessSecret,
    ...options.env,
  };
  // `node --import tsx` rather than `npx tsx`: the pid is the server itself, so a signal reaches it and nothing else.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
  });

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (hasExited) throw new Error(`server exited before it was ready:\n${output}`);
    try {
      const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    port,
    process: child,
    exited,
    output: () => output,
    async kill(signal) {
      if (!hasExited) child.kill(signal);
      return exited;
    },
  };
}

/** A logged-in HTTP client for a listening server: cookie session plus the CSRF header on writes. */
export interface HttpSession {
  cookie: string;
  csrfToken: string;
  user: { id: string; email: string; name: string; role: string };
}

export async function httpLogin(url: string, email: string, password: string): Promise<HttpSession> {
  const response = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200)
    throw new Error(`login failed for ${email}: ${response.status} ${await response.text()}`);
  const cookie = response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('hf_session='))!;
  const body = (await response.json()) as { csrfToken: string; user: HttpSession['user'] };
  return { cookie, csrfToken: body.csrfToken, user: body.user };
}

export function httpAs(url: string, session: HttpSession) {
  const send = async (method: string, path: string, payload?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: payload === undefined ? undefined : JSON.stringify(payload),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as any }; // test code reads fields freely
  };
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, payload: unknown = {}) => send('POST', path, payload),
    put: (path: string, payload: unknown) => send('PUT', path, payload),
    delete: (path: string) => send('DELETE', path),
  };
}

/** Poll until `check` returns a value (not undefined/false), or fail with the last value seen. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<Exclude<T, false | undefined | null>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    last = await check();
    if (last !== undefined && last !== false && last !== null) return last as Exclude<T, false | undefined | null>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Over HTTP like the web client: the admin creates a manager and experts, experts fill in their profile. */
export async function network(
  server: ChildServer,
  experts: { name: string; signature: string; skills?: { tag: string; level: number }[] }[],
  adminAccount: { email: string; password: string } = CHILD_ADMIN,
) {
  const admin = await httpLogin(server.url, adminAccount.email, adminAccount.password);
  const create = async (role: string, name: string) => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}@crash.helpforce.test`;
    const created = await httpAs(server.url, admin).post('/api/users', {
      email,
      name,
      role,
      password: `${role}-password-long`,
    });
    if (created.status !== 201) throw new Error(`create ${role}: ${created.status} ${JSON.stringify(created.body)}`);
    return { email, password: `${role}-password-long` };
  };
  const managerAccount = await create('manager', 'Mia Manager');
  const manager = await httpLogin(server.url, managerAccount.email, managerAccount.password);
  const tag = await httpAs(server.url, manager).post('/api/tags', {
    slug: 'tv',
    name: 'TVs',
    keywords: ['tv', 'hdmi', 'soundbar'],
  });
  if (tag.status !== 201) throw new Error(`create tag: ${tag.status} ${JSON.stringify(tag.body)}`);
  const sessions: (HttpSession & { account: { email: string; password: string } })[] = [];
  for (const expert of experts) {
    const account = await create('expert', expert.name);
    const session = await httpLogin(server.url, account.email, account.password);
    const profile = await httpAs(server.url, session).put('/api/me/profile', {
      signature: expert.signature,
      skills: expert.skills ?? [],
      availability: 'available',
      capacity: 3,
    });
    if (profile.status !== 200) throw new Error(`profile: ${profile.status} ${JSON.stringify(profile.body)}`);
    sessions.push({ ...session, account });
  }
  return { admin, manager, experts: sessions };
}

export async function questionFor(server: ChildServer, manager: HttpSession, externalId: string) {
  return eventually(async () => {
    const list = await httpAs(server.url, manager).get('/api/questions?limit=100');
    return (list.body.items as { id: string; externalId: string }[]).find((q) => q.externalId === externalId);
  }, `question for tweet ${externalId}`);
}
