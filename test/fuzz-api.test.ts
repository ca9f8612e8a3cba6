// Property-based fuzz of the whole HTTP API: every operation in the OpenAPI document (/docs/json), as every kind of
// caller (anonymous; expert, manager and admin by session cookie + CSRF and by bearer token), with generated bodies,
// path parameters, query strings and headers. Whatever comes in: never a 5xx, every 4xx in the `{error:{code,
// message}}` shape, and a refused request leaves the database as it was. Seeded and bounded: FUZZ_SEED and FUZZ_RUNS
// override the seed and the runs per route and caller; a failure prints both and the request.
import t from 'tap';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { App } from '../server/app.js';
import { ADMIN, as, buildTestApp, createUser, login, seedTags, type Session } from './helpers/app.js';
import { bodyFor, encodePathPart, headerValue, hostileString } from './helpers/fuzz-arbitraries.js';
import { operations, type Operation } from './helpers/openapi.js';

const SEED = Number(process.env.FUZZ_SEED ?? 17_2026);
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);
/** Fuzzed requests come from an address of their own, so the sign-in limits they trip do not lock out the actors. */
const FUZZ_ADDRESS = '203.0.113.17';

type Actor = { name: string; headers(): Record<string, string> };

/**
 * A fingerprint of every table: its row count and a hash of its rows. A token's last use is left out: it is written
 * when the token authenticates, whatever the request then turns out to be.
 */
function fingerprint(app: App): string {
  const sqlite = app.services.db.$client;
  const tables = sqlite
    .prepare<[], { name: string }>(
      // The search index's virtual and shadow tables only mirror the tables hashed here (pragma table_list types them).
      "select name from pragma_table_list where schema = 'main' and type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
    )
    .all();
  const hash = createHash('sha1');
  for (const { name } of tables) {
    const rows = sqlite.prepare(`select * from "${name}" order by rowid`).raw().all() as unknown[][];
    const columns = sqlite
      .prepare(`select * from "${name}" limit 0`)
      .columns()
      .map((c) => c.name);
    const skip = name === 'api_tokens' ? columns.indexOf('last_used_at') : -1;
    hash.update(`${name}:${rows.length}:`);
    for (const row of rows)
      hash.update(JSON.stringify(row.map((v, i) => (i === skip ? null : typeof v === 'bigint' ? String(v) : v))));
  }
  return hash.digest('hex');
}

/** The 4xx contract: JSON, `{ error: { code, message } }`, nothing else. */
function errorShapeProblem(body: string): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'not JSON';
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') return 'no {error:{code,message}}';
  if (Object.keys(parsed as object).length !== 1) return 'keys beside error';
  return null;
}

/** Something real to point path parameters at, per resource: a question, a reply, a snippet, a tag, a bystander. */
async function seed(app: App) {
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const expert = await createUser(app, 'expert', {
    profile: { signature: 'Ed', skills: [{ tag: 'tv', level: 5 }], availability: 'available', capacity: 5 },
  });
  const manager = await createUser(app, 'manager');
  const bystander = await createUser(app, 'expert');
  const questions: string[] = [];
  for (let i = 0; i < 3; i++) {
    const created = await as(app, manager).post('/api/questions', {
      channel: 'x',
      externalId: `fuzz-${i}`,
      text: `My tv ${i} has no sound over hdmi, help?`,
      author: { handle: `customer${i}` },
    });
    questions.push(created.json().question.id);
  }
  await as(app, expert).post(`/api/questions/${questions[0]}/claim`);
  const reply = await as(app, expert).post(`/api/questions/${questions[0]}/replies`, {
    text: 'Switch the soundbar input to ARC.',
  });
  const snippet = await as(app, manager).post('/api/snippets', { title: 'ARC', text: 'Use the ARC port.', tag: 'tv' });
  const tokens: Record<string, string> = {};
  let bystanderToken = '';
  for (const role of ['expert', 'manager', 'admin', 'manager'] as const) {
    const created = (await as(app, admin).post('/api/tokens', { name: `fuzz ${role}`, role })).json();
    if (tokens[role]) bystanderToken = created.apiToken?.id ?? '';
    else tokens[role] = created.token;
  }
  const ids: Record<string, string[]> = {
    '/api/questions/': questions,
    '/api/replies/': [reply.json().id ?? reply.json().reply?.id].filter(Boolean),
    '/api/snippets/': [snippet.json().id ?? snippet.json().snippet?.id].filter(Boolean),
    '/api/tags/': ['tv', 'laptops'],
    '/api/users/': [bystander.user.id],
    '/api/tokens/': [bystanderToken].filter(Boolean),
  };
  return {
    sessions: { admin, expert, manager } as Record<string, Session>,
    passwords: { admin: ADMIN.password, expert: expert.password, manager: manager.password },
    emails: { admin: ADMIN.email, expert: expert.email, manager: manager.email },
    tokens,
    ids,
  };
}

t.test('every route, every caller: no 5xx, the error shape on every 4xx, nothing written by a refusal', async (t) => {
  const app = await buildTestApp(t);
  const world = await seed(app);
  const sessions = { ...world.sessions };
  const actors: Actor[] = [
    { name: 'anonymous', headers: () => ({}) },
    ...(['expert', 'manager', 'admin'] as const).flatMap((role) => [
      {
        name: `${role} (session)`,
        headers: () => ({ cookie: sessions[role]!.cookie, 'x-csrf-token': sessions[role]!.csrfToken }),
      },
      { name: `${role} (token)`, headers: () => ({ authorization: `Bearer ${world.tokens[role]}` }) },
    ]),
  ];
  const untouched = fingerprint(app);
  await as(app, world.sessions.manager!).post('/api/snippets', {
    title: 'Control',
    text: 'A write the fingerprint must see.',
  });
  t.not(fingerprint(app), untouched, 'the fingerprint sees a write');
  // The alert-webhook test posts to whatever address the settings hold: a fuzz must not send requests off this machine.
  const ops = (await operations(app)).filter(
    (op) => !op.path.startsWith('/ws') && op.path !== '/api/settings/alert-webhook/test',
  );
  t.ok(ops.length >= 40, `${ops.length} operations in the OpenAPI document`);

  const requestFor = (op: Operation) => {
    const pathParams = op.parameters.filter((p) => p.in === 'path');
    const queryParams = op.parameters.filter((p) => p.in === 'query');
    const real = Object.entries(world.ids).find(([prefix]) => op.path.startsWith(prefix))?.[1] ?? [];
    const pathValue = fc.tuple(
      fc.oneof(
        { weight: 3, arbitrary: real.length ? fc.constantFrom(...real) : hostileString },
        { weight: 2, arbitrary: hostileString },
      ),
      fc.boolean(),
    );
    const queryValue = fc.oneof(
      fc.string({ maxLength: 20 }),
      hostileString,
      fc.integer().map(String),
      fc.constantFrom('2026-01-01', '1970-01-01', '2999-12-31', '0000-01-01', 'sla', 'newest', 'csv', 'md'),
    );
    return fc
      .record({
        path: fc.tuple(...pathParams.map(() => pathValue)),
        query: fc.tuple(...queryParams.map(() => fc.option(queryValue, { nil: undefined }))),
        extraQuery: fc.option(
          fc.tuple(
            fc.constantFrom('from', 'to', 'limit', 'cursor', '__proto__', 'x', 'status'),
            fc.string({ maxLength: 10 }),
          ),
          { nil: undefined },
        ),
        body: bodyFor(op.body),
        headers: fc.dictionary(
          fc.constantFrom(
            'x-request-id',
            'accept',
            'origin',
            'x-forwarded-for',
            'content-encoding',
            'accept-language',
            'x-csrf-token',
          ),
          headerValue,
          { maxKeys: 2 },
        ),
        dropCsrf: fc.nat(9).map((n) => n === 0),
      })
      .map((r) => {
        let i = 0;
        const url = op.path.replace(/\{[^}]+\}/g, () => {
          const [value, raw] = r.path[i++]!;
          return encodePathPart(value, raw && !/[\uD800-\uDFFF]/.test(value));
        });
        const query = new URLSearchParams();
        queryParams.forEach((p, j) => {
          const value = r.query[j];
          if (value !== undefined) query.append(p.name, value.replace(/[\uD800-\uDFFF]/g, '?'));
        });
        if (r.extraQuery) query.append(...r.extraQuery);
        const search = query.toString();
        return { url: `${url}${search ? `?${search}` : ''}`, body: r.body, headers: r.headers, dropCsrf: r.dropCsrf };
      });
  };

  let cases = 0;
  let failedPairs = 0;
  let refused = 0;
  const statuses = new Map<number, number>();
  for (const [opIndex, op] of ops.entries()) {
    for (const [actorIndex, actor] of actors.entries()) {
      const seed = SEED + opIndex * 31 + actorIndex;
      const property = fc.asyncProperty(requestFor(op), async (request) => {
        const hasBody = op.method !== 'GET' && op.method !== 'DELETE';
        const headers: Record<string, string> = { ...request.headers, ...actor.headers() };
        if (request.dropCsrf) delete headers['x-csrf-token'];
        if (hasBody) headers['content-type'] = request.body.contentType ?? 'application/json';
        const before = fingerprint(app);
        const response = await app.inject({
          method: op.method,
          url: request.url,
          headers,
          payload: hasBody ? request.body.payload : undefined,
          remoteAddress: FUZZ_ADDRESS,
        });
        cases++;
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        const what = () =>
          `${actor.name} ${op.method} ${request.url.slice(0, 300)} body=${JSON.stringify(hasBody ? request.body.payload.slice(0, 300) : null)} → ${response.statusCode} ${response.body.slice(0, 300)}`;
        if (response.statusCode >= 500) throw new Error(`5xx: ${what()}`);
        if (response.statusCode >= 400) {
          refused++;
          const problem = errorShapeProblem(response.body);
          if (problem) throw new Error(`error shape (${problem}): ${what()}`);
          if (fingerprint(app) !== before) throw new Error(`a refused request changed the database: ${what()}`);
        } else {
          // Work a success set off after its answer lands before the next request's "before".
          await new Promise((resolve) => setImmediate(resolve));
        }
        // A session the fuzz signed out is signed in again, so the other cases still run as that role.
        if (op.path === '/api/auth/logout' && response.statusCode === 204) {
          const role = actor.name.split(' ')[0] as 'expert' | 'manager' | 'admin';
          if (actor.name.endsWith('(session)'))
            sessions[role] = await login(app, world.emails[role], world.passwords[role]);
        }
      });
      try {
        await fc.assert(property, { seed, numRuns: RUNS, endOnFailure: true });
      } catch (error) {
        failedPairs++;
        t.fail(
          `${op.method} ${op.path} as ${actor.name} (FUZZ_SEED=${SEED}, seed ${seed}, runs ${RUNS}): ${(error as Error).message.split('\n').slice(0, 6).join(' | ').slice(0, 1500)}`,
        );
      }
    }
  }
  // A route and caller whose property failed stopped at its first failing request.
  t.ok(
    cases >= (ops.length * actors.length - failedPairs) * RUNS,
    `${cases} requests: ${ops.length} operations × ${actors.length} callers × ${RUNS} runs`,
  );
  t.ok(refused > cases / 2, `${refused} of them refused (most fuzzed requests should be)`);
  t.comment(`statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`);
});
