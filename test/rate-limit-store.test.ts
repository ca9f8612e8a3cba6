// The rate-limit store on PostgreSQL (server/cluster/rate-limit-store.ts), as two nodes see it: a small limit exact at
// every request, a large one counted on each node and written in batches, never losing a count and passing the limit
// across nodes by at most what the other node counted since its last write.
import t, { type Test } from 'tap';
import { connectPostgres } from '../db/pg/client.js';
import { EXACT_BELOW, postgresRateLimitStore } from '../server/cluster/rate-limit-store.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

type Result = { current: number; ttl: number };

/** Two nodes' stores on one database, each with a pool of its own, and the statements each sends. */
async function twoNodes(t: Test) {
  const url = await freshPostgresDatabase(t);
  return ['a', 'b'].map(() => {
    const db = connectPostgres(url, { poolSize: 2 });
    t.teardown(() => db.$client.end());
    const sent = { statements: 0 };
    const query = db.$client.query.bind(db.$client) as (...args: unknown[]) => unknown;
    (db.$client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      sent.statements++;
      return query(...args);
    };
    const Store = postgresRateLimitStore(db);
    const store = new Store({} as never);
    const incr = (key: string, timeWindow: number, max: number) =>
      new Promise<Result>((resolve, reject) =>
        store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), timeWindow, max),
      );
    return { db, sent, incr };
  }) as [Node, Node];
}
type Node = { db: ReturnType<typeof connectPostgres>; sent: { statements: number }; incr: IncrFn };
type IncrFn = (key: string, timeWindow: number, max: number) => Promise<Result>;

const stored = async (node: Node, key: string) =>
  (await node.db.$client.query('select count from rate_limits where key = $1', [key])).rows[0]?.count as number;

/** The stored count once it is `expected`, or as it is after two seconds (counts are written within 100 ms). */
async function storedOnce(node: Node, key: string, expected: number) {
  const until = Date.now() + 2000;
  let count = await stored(node, key);
  while (count !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    count = await stored(node, key);
  }
  return count;
}

t.test('a small limit is counted in the database at every request, whichever node gets it', async (t) => {
  const [a, b] = await twoNodes(t);
  const max = 10;
  t.ok(max < EXACT_BELOW);
  const currents: number[] = [];
  for (let i = 0; i < 12; i++) currents.push((await (i % 2 ? b : a).incr('login', 60_000, max)).current);
  t.same(currents, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], 'each node sees the count of both');
  const together = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? b : a).incr('burst', 60_000, max)));
  t.same(
    together.map((r) => r.current).sort((x, y) => x - y),
    Array.from({ length: 20 }, (_, i) => i + 1),
    'twenty at once on two nodes: twenty distinct counts',
  );
});

t.test('a large limit is counted on each node and written in batches, losing no count', async (t) => {
  const [a, b] = await twoNodes(t);
  const max = 600;
  const before = a.sent.statements + b.sent.statements;
  const started = Date.now();
  let admitted = 0;
  // Requests arrive as I/O does, so a node hears its write's answer between them (~1 ms apart).
  for (let i = 0; i < 2 * max; i++) {
    if ((await (i % 2 ? b : a).incr('ingest', 60_000, max)).current <= max) admitted++;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const batch = max / 100;
  t.ok(admitted >= max, `at least the limit is admitted (${admitted})`);
  // Past it by a batch per node, plus what arrives while a write is on its way (more on a loaded machine); two nodes
  // that never heard of each other's counts would admit all 1,200.
  t.ok(admitted <= max * 1.1, `across two nodes, little past it (${admitted} of ${max}; a batch is ${batch})`);
  const statements = a.sent.statements + b.sent.statements - before;
  // A write for every batch, one for each node's 100 ms timer, and each node's first read of the window.
  const most = (2 * max) / batch + 2 * Math.ceil((Date.now() - started) / 100) + 2;
  t.ok(statements <= most, `${statements} statements for ${2 * max} requests (at most ${most})`);
  t.equal(await storedOnce(a, 'ingest', 2 * max), 2 * max, 'every request is in the database');
});

t.test('a few requests under a large limit are counted here, then written', async (t) => {
  const [a, b] = await twoNodes(t);
  await a.incr('quiet', 60_000, 600);
  await a.incr('quiet', 60_000, 600);
  t.equal(await stored(a, 'quiet'), 0, 'counted here first');
  t.equal(await storedOnce(a, 'quiet', 2), 2, 'then written');
  t.equal((await b.incr('quiet', 60_000, 600)).current, 3, 'and the other node counts from there');
});

t.test('a window that has ended starts again at one, on both kinds of limit', async (t) => {
  const [a] = await twoNodes(t);
  for (const max of [10, 600]) {
    const key = `window-${max}`;
    for (let i = 0; i < 3; i++) await a.incr(key, 1000, max);
    t.equal((await a.incr(key, 1000, max)).current, 4, `max ${max}: the fourth in the window`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const next = await a.incr(key, 1000, max);
    t.equal(next.current, 1, `max ${max}: the first of the next`);
    t.ok(next.ttl > 500 && next.ttl <= 1000, `max ${max}: its window runs from now (${next.ttl} ms left)`);
  }
});
