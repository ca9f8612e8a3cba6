// The relay between nodes (server/cluster/relay.ts) on a real PostgreSQL server: two relays on one database, as two
// nodes are.
import t, { type Test } from 'tap';
import { openPostgres } from '../db/pg/client.js';
import { type ClusterMessage, createRelay } from '../server/cluster/relay.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

const quiet = { info() {}, warn() {}, error() {} };

async function twoNodes(t: Test) {
  const url = await freshPostgresDatabase(t);
  const db = await openPostgres(url, { poolSize: 4 });
  t.teardown(() => db.$client.end());
  const a = createRelay({ url, db, nodeId: 'a', log: quiet });
  const b = createRelay({ url, db, nodeId: 'b', log: quiet });
  await Promise.all([a.start(), b.start()]);
  t.teardown(async () => {
    await Promise.all([a.stop(), b.stop()]);
  });
  const heard: ClusterMessage[] = [];
  b.onMessage((_node, message) => {
    heard.push(message);
  });
  return { a, b, heard };
}

async function until(condition: () => boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

t.test(
  'presence snapshots still waiting are replaced by the newest, which arrives after what was sent before it',
  async (t) => {
    const { a, heard } = await twoNodes(t);
    // A reconnect storm: 400 experts' sockets open while the first snapshot is on its way, each open a new snapshot,
    // each larger than a payload.
    const users: string[] = [];
    for (let i = 0; i < 400; i++) {
      users.push(`expert-${String(i).padStart(20, '0')}`);
      a.send({ kind: 'presence', users: [...users] });
      if (i === 200) a.send({ kind: 'reload', what: 'tags' });
    }
    a.send({ kind: 'reload', what: 'settings' });
    await until(() => heard.some((m) => m.kind === 'reload' && m.what === 'settings'));
    const snapshots = heard.filter((m) => m.kind === 'presence');
    t.equal(snapshots.length, 2, 'the one on its way, and the newest: not one per socket');
    const last = snapshots.at(-1);
    t.same(last?.kind === 'presence' && last.users.length, 400, 'the last one holds everyone');
    t.same(
      heard.filter((m) => m.kind === 'reload').map((m) => m.kind === 'reload' && m.what),
      ['tags', 'settings'],
      'other messages are neither dropped nor reordered',
    );
  },
);

t.test('messages of every size arrive, in the order they were sent', async (t) => {
  const { a, heard } = await twoNodes(t);
  const sent: ClusterMessage[] = [];
  for (let i = 0; i < 60; i++) {
    // Some fit a notification with others, some go through the table alone.
    const userId = i % 7 === 0 ? `big-${'x'.repeat(9000)}-${i}` : `u${i}`;
    const message: ClusterMessage = { kind: 'expert', userId };
    sent.push(message);
    a.send(message);
  }
  await until(() => heard.length >= sent.length);
  t.same(heard, sent);
  t.ok(a.stats().large >= 9, 'the large ones went through cluster_messages');
});

t.test('a node does not hand its own messages to its handlers, small or large', async (t) => {
  const { a, b, heard } = await twoNodes(t);
  const heardByA: ClusterMessage[] = [];
  a.onMessage((_node, message) => {
    heardByA.push(message);
  });
  a.send({ kind: 'expert', userId: 'from-a' });
  a.send({ kind: 'expert', userId: `big-${'x'.repeat(9000)}` });
  await until(() => heard.length >= 2);
  b.send({ kind: 'reload', what: 'tags' });
  await until(() => heardByA.length >= 1);
  // Whatever of a's own was going to reach it would have by now: b's message left after a's and arrives in order.
  await new Promise((resolve) => setTimeout(resolve, 100));
  t.same(heardByA, [{ kind: 'reload', what: 'tags' }]);
});
