// Several real Helpforce processes on one PostgreSQL database, as behind a load balancer: each is the server entry
// (server/index.ts) started as a child with DATABASE_URL, polling and posting to a fake X in this process. Shown:
// exactly one node leads; an expert connected to one node is offered a question ingested on another within a
// second; two experts on different nodes claiming at once get one 200 and one 409; and a leader killed with SIGKILL
// mid-poll or mid-post is replaced, with nothing lost and nothing doubled.
import { existsSync } from 'node:fs';
import t from 'tap';
import { startFakeX } from '../dev/fake-x/index.js';
import { tempDatabasePath } from './helpers/app.js';
import {
  CHILD_ADMIN,
  type ChildServer,
  eventually,
  httpAs,
  httpLogin,
  network,
  questionFor,
  startChildServer,
} from './helpers/child-server.js';
import { freshPostgresDatabase } from './helpers/postgres.js';
import { connectWs } from './helpers/ws.js';

type Test = Parameters<typeof tempDatabasePath>[0];
type Health = { status: string; engine: string; node: { id: string; leader: boolean } };

async function cluster(t: Test) {
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  const databaseUrl = await freshPostgresDatabase(t);
  const databasePath = tempDatabasePath(t);
  const servers: ChildServer[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    await fakeX.close();
  });
  const start = async (nodeId: string, env: Record<string, string> = {}) => {
    const server = await startChildServer({
      databasePath,
      databaseUrl,
      fakeX,
      env: { NODE_ID: nodeId, SENDING_LEASE_S: '2', PUSH_ALLOW_LOCAL_ENDPOINTS: 'true', ...env },
    });
    servers.push(server);
    return server;
  };
  const health = async (server: ChildServer) => (await (await fetch(`${server.url}/health`)).json()) as Health;
  const leaders = async (nodes: ChildServer[]) =>
    (await Promise.all(nodes.map(health))).filter((h) => h.node.leader).map((h) => h.node.id);
  return { fakeX, databasePath, start, health, leaders };
}

t.test('two nodes: one leader, offers cross nodes within a second, concurrent claims across nodes', async (t) => {
  const { start, health, leaders, databasePath } = await cluster(t);
  const a = await start('node-a');
  const b = await start('node-b');
  t.same((await health(a)).engine, 'postgres', 'the engine is PostgreSQL');
  t.same(await eventually(() => leaders([a, b]).then((ids) => (ids.length === 1 ? ids : undefined)), 'a leader'), [
    'node-a',
  ]);
  t.notOk(existsSync(databasePath), 'no SQLite file was created');

  // Only node A polls X; node B's /health shows what A's poller reports, not its own idle one.
  const xOn = async (server: ChildServer) =>
    (
      (await health(server)) as Health & { channels: { name: string; state: string; lastPollAt: string | null }[] }
    ).channels.find((channel) => channel.name === 'x');
  const polled = await eventually(async () => (await xOn(a))?.lastPollAt ?? undefined, 'node A to poll X');
  const onB = await eventually(async () => {
    const x = await xOn(b);
    return x?.lastPollAt && x.lastPollAt >= polled ? x : undefined;
  }, "A's polls of X seen on B");
  t.equal(onB.state, 'ok', "node B's /health carries the leader's poller state, not its own idle one");

  // Created on node A; routed by node B, which must have heard of them.
  const { manager, experts } = await network(a, [
    { name: 'Ann Able', signature: 'AA', skills: [{ tag: 'tv', level: 5 }] },
    { name: 'Bo Baker', signature: 'BB', skills: [{ tag: 'tv', level: 5 }] },
  ]);
  const [ann, bo] = experts;
  if (!ann || !bo) throw new Error('two experts');
  const annLive = await connectWs(a.url, { cookie: ann.cookie });
  const boLive = await connectWs(b.url, { cookie: bo.cookie });
  t.teardown(() => {
    annLive.close();
    boLive.close();
  });
  // Each node hears of the other's sockets: both experts show as online to a manager on either node.
  await eventually(async () => {
    const roster = (await httpAs(b.url, manager).get('/api/experts')).body.items as { online: boolean }[];
    return roster.filter((e) => e.online).length === 2;
  }, 'both experts online as node B sees them');

  const ingestedAt = Date.now();
  const ingested = await httpAs(b.url, manager).post('/api/questions', {
    channel: 'api',
    externalId: 'cross-node-1',
    text: 'my tv has no sound over hdmi',
    author: { handle: 'casey' },
  });
  t.equal(ingested.status, 201, 'ingested on node B');
  const questionId = ingested.body.question.id as string;
  const offer = await annLive.next('question.offered', (e) => e.data.question.id === questionId, 5000);
  const latency = Date.now() - ingestedAt;
  t.ok(latency < 1000, `the expert on node A was offered it ${latency} ms after ingest on node B`);
  t.ok(offer, 'offered on node A');
  await boLive.next('question.offered', (e) => e.data.question.id === questionId, 5000);
  // The offer node B made counts toward Ann's hourly cap on node A as well, where her next offer may be made.
  const quota = await eventually(
    async () => {
      const used = (await httpAs(a.url, ann).get('/api/me/offers')).body.quota?.used;
      return used === 1 ? used : undefined;
    },
    "node A to count node B's offer",
    5000,
  );
  t.equal(quota, 1, "node B's offer counts on node A");

  const [fromA, fromB] = await Promise.all([
    httpAs(a.url, ann).post(`/api/questions/${questionId}/claim`),
    httpAs(b.url, bo).post(`/api/questions/${questionId}/claim`),
  ]);
  t.same([fromA.status, fromB.status].sort(), [200, 409], 'one claim wins, the other is told it lost');
  const winner = fromA.status === 200 ? ann : bo;
  const detail = (await httpAs(a.url, manager).get(`/api/questions/${questionId}`)).body.question;
  t.equal(detail.assigneeId, winner.user.id, 'the winner holds it, as both nodes agree');
  t.equal((await httpAs(b.url, manager).get(`/api/questions/${questionId}`)).body.question.assigneeId, winner.user.id);
  const loser = winner === ann ? boLive : annLive;
  await loser.next('question.claimed', (e) => e.data.question.id === questionId, 5000);
  t.pass("the loser's screen hears of the claim, from the other node");

  // Ten login tries a minute per address and account, counted across the nodes a balancer spreads them over (an
  // address nobody has signed in with yet, so no earlier try counts).
  const attempt = (node: ChildServer) =>
    fetch(`${node.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'guess@crash.helpforce.test', password: 'not the password' }),
    }).then((response) => response.status);
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push(await attempt(i % 2 === 0 ? a : b));
  t.same(statuses.slice(0, 10), Array(10).fill(401), 'ten wrong passwords, five on each node, are refused as such');
  t.same(statuses.slice(10), [429, 429], 'the eleventh and twelfth are over the limit on either node');

  // A channel webhook set up on one node delivers from every node: the others read the stored webhooks again.
  const admin = await httpLogin(a.url, CHILD_ADMIN.email, CHILD_ADMIN.password);
  const delivery = async (node: ChildServer) =>
    ((await httpAs(node.url, admin).get('/api/channels')).body.items as { name: string; delivery: string }[]).find(
      (c) => c.name === 'email',
    )?.delivery;
  const saved = await httpAs(a.url, admin).put('/api/channels/email/webhook', { url: 'http://127.0.0.1:9/hook' });
  t.equal(saved.status, 201, 'the email webhook is set up on node A');
  t.equal(await eventually(() => delivery(b), 'node B to deliver email by webhook', 5000), 'webhook');
  const removed = await httpAs(b.url, admin).delete('/api/channels/email/webhook');
  t.equal(removed.status, 200, 'and removed on node B');
  t.equal(
    await eventually(async () => ((await delivery(a)) === 'webhook' ? undefined : 'gone'), 'node A to drop it', 5000),
    'gone',
  );
});

t.test('SIGKILL the leader mid-poll: another node takes over, every mention is one question', async (t) => {
  const { fakeX, start, health, leaders } = await cluster(t);
  const a = await start('node-a', { X_POLL_INTERVAL_S: '1' });
  const b = await start('node-b', { X_POLL_INTERVAL_S: '1' });
  const { manager } = await network(a, []);
  const ids: string[] = [];
  for (let i = 0; i < 40; i++)
    ids.push(fakeX.addMention({ text: `tv question ${i}`, author: { username: `u${i}` } }).id);
  // Killed while it polls: its next page is held for a moment.
  fakeX.injectFault({ method: 'GET', path: '/2/users/:id/mentions', hang: 'before', times: 1 });
  await eventually(
    () => fakeX.requests.some((r) => r.method === 'GET' && r.path.includes('/mentions')),
    'node A to poll',
  );
  const killed = await a.kill('SIGKILL');
  t.equal(killed.signal, 'SIGKILL');
  const startedWaiting = Date.now();
  await eventually(async () => (await health(b)).node.leader, 'node B to lead', 15_000);
  t.ok(Date.now() - startedWaiting < 10_000, `node B led ${Date.now() - startedWaiting} ms after the kill`);
  for (let i = 40; i < 60; i++)
    ids.push(fakeX.addMention({ text: `tv question ${i}`, author: { username: `u${i}` } }).id);
  const all = await eventually(async () => {
    const list = await httpAs(b.url, manager).get('/api/questions?limit=100');
    const items = list.body.items as { externalId: string }[];
    return items.length >= ids.length ? items : undefined;
  }, 'every mention ingested by node B');
  t.same(all.map((q) => q.externalId).sort(), [...ids].sort(), 'each mention once, none lost');
  t.same(await leaders([b]), ['node-b']);
});

t.test('SIGKILL the leader after X stored its post: the other node finds it and posts nothing twice', async (t) => {
  const { fakeX, start, health } = await cluster(t);
  const a = await start('node-a');
  const {
    manager,
    experts: [jane],
  } = await network(a, [{ name: 'Jane Doe', signature: 'JD', skills: [{ tag: 'tv', level: 4 }] }]);
  if (!jane) throw new Error('an expert');
  const tweet = fakeX.addMention({ text: 'my tv shows no picture over hdmi', author: { username: 'casey' } });
  const question = await questionFor(a, manager, tweet.id);
  t.equal(
    (await httpAs(a.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane.user.id })).status,
    200,
  );
  const reply = await httpAs(a.url, jane).post(`/api/questions/${question.id}/replies`, { text: 'Try another cable.' });
  t.equal(reply.status, 201);
  fakeX.injectFault({ method: 'POST', path: '/2/tweets', hang: 'after', times: 1 });
  t.equal((await httpAs(a.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {})).status, 200);
  await eventually(() => fakeX.brandReplies(tweet.id).length === 1, 'X to store the post');

  const b = await start('node-b');
  await a.kill('SIGKILL');
  await eventually(async () => (await health(b)).node.leader, 'node B to lead', 15_000);
  const answered = await eventually(async () => {
    const detail = (await httpAs(b.url, manager).get(`/api/questions/${question.id}`)).body.question;
    return detail.status === 'answered' ? detail : undefined;
  }, 'node B to settle the post');
  const posts = fakeX.brandReplies(tweet.id);
  t.equal(posts.length, 1, 'exactly one brand reply on X');
  t.equal(answered.replies[0].externalId, posts[0]?.id, 'the post node A made is the one recorded');
  t.equal(
    fakeX.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets').length,
    1,
    'no second POST /2/tweets',
  );
});
