// Crashes with the real server process: SIGKILL in the middle of ingest, of a post and of in-flight offers and claims,
// then a restart on the same SQLite file. Nothing is lost, nothing is doubled, and every timer-driven state catches up.
// SIGTERM shuts down cleanly. The server runs as a child (`node --import tsx server/index.ts`) against a fake X here.
import t from 'tap';
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { startFakeX, type FakeX } from '../dev/fake-x/index.js';
import { tempDatabasePath } from './helpers/app.js';
import {
  eventually,
  httpAs,
  network,
  questionFor,
  startChildServer,
  type ChildServer,
  type ChildServerOptions,
} from './helpers/child-server.js';
import { connectWs, type LiveClient } from './helpers/ws.js';

type Test = Parameters<typeof tempDatabasePath>[0];

async function setup(t: Test) {
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  const databasePath = tempDatabasePath(t);
  const servers: ChildServer[] = [];
  t.teardown(async () => {
    await Promise.all(servers.map((server) => server.kill('SIGKILL')));
    await fakeX.close();
  });
  const start = async (env: ChildServerOptions['env'] = {}) => {
    const server = await startChildServer({ databasePath, fakeX, env });
    servers.push(server);
    return server;
  };
  /** Read the database file directly, on a short-lived connection (an open one would keep the WAL file around). */
  const query = <T>(sql: string, ...params: unknown[]): T[] => {
    const db = new Database(databasePath, { readonly: true });
    try {
      return db.prepare(sql).all(...params) as T[];
    } finally {
      db.close();
    }
  };
  /** Change the file while the server is down. */
  const write = (work: (db: Database.Database) => void) => {
    const db = new Database(databasePath);
    try {
      db.transaction(() => work(db))();
    } finally {
      db.close();
    }
  };
  return { fakeX, databasePath, start, query, write };
}

t.test('SIGKILL while paging a burst of mentions: after restart every mention is one question', async (t) => {
  const { fakeX, start, query } = await setup(t);
  const mentionsRoute = '/2/users/:id/mentions';
  for (let i = 0; i < 150; i++)
    fakeX.addMention({ text: `first burst ${i}: my tv has no sound`, author: { username: `early${i}` } });
  let server = await start();
  await eventually(
    () => query<{ n: number }>('select count(*) n from questions')[0]!.n === 150,
    'the first 150 mentions',
  );

  // Slow X down so the next poll is still paging when the process dies: page one arrives, page two never does.
  fakeX.injectFault({ method: 'GET', path: mentionsRoute, delayMs: 1500 });
  const before = fakeX.requests.length;
  for (let i = 0; i < 150; i++)
    fakeX.addMention({ text: `second burst ${i}: hdmi arc question`, author: { username: `late${i}` } });
  await eventually(
    () => fakeX.requests.slice(before).some((r) => r.path.endsWith('/mentions') && r.status === 200),
    'a slow page answered',
    30_000,
  );
  const killed = await server.kill('SIGKILL');
  t.equal(killed.signal, 'SIGKILL');
  t.equal(
    query<{ n: number }>('select count(*) n from questions')[0]!.n,
    150,
    'the interrupted poll committed nothing',
  );
  const cursor = query<{ since_id: string }>("select since_id from channel_cursors where channel = 'x'")[0]!.since_id;
  t.equal(cursor, fakeX.tweets()[149]!.id, 'the cursor still points at the last stored mention');

  fakeX.clearFaults();
  server = await start();
  await eventually(
    () => query<{ n: number }>('select count(*) n from questions')[0]!.n >= 300,
    'all 300 mentions',
    60_000,
  );
  // One more full poll cycle after catching up: a second pass must not add anything.
  const polled = fakeX.requests.length;
  await eventually(
    () => fakeX.requests.slice(polled).filter((r) => r.path.endsWith('/mentions') && r.status === 200).length >= 2,
    'two more polls',
  );
  const stored = query<{ external_id: string }>(
    "select external_id from questions where channel = 'x' order by external_id",
  );
  const mentions = fakeX
    .tweets()
    .map((tweet) => tweet.id)
    .sort();
  t.equal(stored.length, 300, 'exactly 300 questions');
  t.same(
    stored.map((row) => row.external_id),
    mentions,
    'each mention exactly once',
  );
  t.equal(
    query<{ since_id: string }>("select since_id from channel_cursors where channel = 'x'")[0]!.since_id,
    fakeX.tweets()[299]!.id,
  );
  t.equal(
    query<{ n: number }>("select count(*) n from events where type = 'question.created'")[0]!.n,
    300,
    'one created event per question',
  );
});

t.test(
  'SIGKILL after X stored the post but before it answered: restart reconciles and posts nothing twice',
  async (t) => {
    const { fakeX, start, query } = await setup(t);
    let server = await start();
    const {
      manager,
      experts: [jane],
    } = await network(server, [{ name: 'Jane Doe', signature: 'JD', skills: [{ tag: 'tv', level: 4 }] }]);
    const tweet = fakeX.addMention({ text: 'my tv shows no picture over hdmi', author: { username: 'casey' } });
    const question = await questionFor(server, manager, tweet.id);

    t.equal(
      (await httpAs(server.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane!.user.id }))
        .status,
      200,
    );
    const reply = await httpAs(server.url, jane!).post(`/api/questions/${question.id}/replies`, {
      text: 'Try another HDMI cable and input.',
    });
    t.equal(reply.status, 201);
    t.equal(reply.body.reply.status, 'in_review');
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', hang: 'after', times: 1 });
    t.equal((await httpAs(server.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {})).status, 200);

    await eventually(() => fakeX.brandReplies(tweet.id).length === 1, 'X to store the post');
    await server.kill('SIGKILL');
    const [item] = query<{ state: string; attempts: number }>('select state, attempts from outbox');
    t.same(item, { state: 'sending', attempts: 1 }, 'the crash left the item sending');

    server = await start();
    const answered = await eventually(async () => {
      const detail = (await httpAs(server.url, manager).get(`/api/questions/${question.id}`)).body.question;
      return detail.status === 'answered' ? detail : undefined;
    }, 'the question to be answered after restart');
    const posts = fakeX.brandReplies(tweet.id);
    t.equal(posts.length, 1, 'still exactly one brand reply on X');
    t.equal(posts[0]!.text, 'Try another HDMI cable and input. ^JD');
    t.equal(answered.replies[0].externalId, posts[0]!.id, 'the existing post id is recorded');
    t.equal(answered.replies[0].status, 'posted');
    t.equal(
      fakeX.requests.filter((r) => r.method === 'POST' && r.path === '/2/tweets').length,
      1,
      'no second POST /2/tweets',
    );
    t.ok(
      fakeX.requests.some((r) => r.method === 'GET' && r.path === `/2/users/${fakeX.brand.id}/tweets`),
      'the brand timeline was checked',
    );
    t.same(query('select state, attempts from outbox'), [{ state: 'sent', attempts: 2 }]);
  },
);

t.test(
  'a restart after a crash expires offers, releases stale claims and escalates what waited too long',
  async (t) => {
    const { fakeX, start, query, write } = await setup(t);
    const env = { OFFER_K: '1', WAVE_SECONDS: '600', ESCALATE_SECONDS: '1200' };
    let server = await start(env);
    const people = [
      { name: 'Ann One', signature: 'A1' },
      { name: 'Ben Two', signature: 'B2' },
      { name: 'Cat Three', signature: 'C3' },
    ].map((p) => ({ ...p, skills: [{ tag: 'tv', level: 4 }] }));
    const { manager, experts } = await network(server, people);
    const byId = new Map(experts.map((e) => [e.user.id, e]));
    let live: LiveClient[] = await Promise.all(experts.map((e) => connectWs(server.url, { cookie: e.cookie })));
    t.teardown(() => live.forEach((c) => c.close()));

    const offeredTo = async (questionId: string) =>
      eventually(async () => {
        const detail = (await httpAs(server.url, manager).get(`/api/questions/${questionId}`)).body.question;
        return (detail.offers as { expertId: string; state: string }[]).find((o) => o.state === 'open')?.expertId;
      }, `an open offer for ${questionId}`);

    const waiting = await questionFor(
      server,
      manager,
      fakeX.addMention({ text: 'tv keeps rebooting', author: { username: 'u1' } }).id,
    );
    const waitingFor = await offeredTo(waiting.id);
    const held = await questionFor(
      server,
      manager,
      fakeX.addMention({ text: 'tv remote does not pair', author: { username: 'u2' } }).id,
    );
    const holder = await offeredTo(held.id);
    t.equal((await httpAs(server.url, byId.get(holder)!).post(`/api/questions/${held.id}/claim`)).status, 200);

    await server.kill('SIGKILL');
    live.forEach((c) => c.close());
    t.same(query('select status from questions order by id'), [{ status: 'offered' }, { status: 'claimed' }]);

    // The server stays down for 31 minutes: every stored time moves back by that much, which is the same as the
    // clock moving forward. Waves last 10 min, escalation is at 20 min, a claim may be held for 30 min.
    const downMs = 31 * 60_000;
    write((db) => {
      db.prepare(
        'update questions set created_at = created_at - @down, received_at = received_at - @down, sla_due_at = sla_due_at - @down, claimed_at = claimed_at - @down, updated_at = updated_at - @down',
      ).run({ down: downMs });
      db.prepare('update offers set created_at = created_at - @down, expires_at = expires_at - @down').run({
        down: downMs,
      });
      db.prepare('update events set at = at - @down').run({ down: downMs });
    });

    server = await start(env);
    live = await Promise.all(experts.map((e) => connectWs(server.url, { cookie: e.cookie })));
    const detailOf = async (id: string) =>
      (await httpAs(server.url, manager).get(`/api/questions/${id}`)).body.question;

    const escalated = await eventually(async () => {
      const d = await detailOf(waiting.id);
      return d.status === 'escalated' ? d : undefined;
    }, 'the waiting question to escalate');
    t.same(
      escalated.offers
        .filter((o: { wave: number }) => o.wave === 1)
        .map((o: { expertId: string; state: string }) => [o.expertId, o.state]),
      [[waitingFor, 'expired']],
      'the offer that ran out while the server was down is expired',
    );
    t.ok(
      escalated.events.some(
        (e: { type: string; data: { wave?: number } }) => e.type === 'question.offered' && e.data.wave === 2,
      ),
      'the next wave was routed after restart',
    );
    t.ok(
      escalated.events.some((e: { type: string }) => e.type === 'question.escalated'),
      'managers were alerted',
    );
    const offersOfFirst = (await httpAs(server.url, byId.get(waitingFor)!).get('/api/me/offers')).body.items as {
      question: { id: string };
    }[];
    t.notOk(
      offersOfFirst.some((o) => o.question.id === waiting.id),
      "the expired offer is gone from the expert's inbox",
    );

    const released = await eventually(async () => {
      const d = await detailOf(held.id);
      return d.assigneeId === null ? d : undefined;
    }, 'the stale claim to be released');
    t.ok(['offered', 'escalated'].includes(released.status), `released back to the pool (${released.status})`);
    t.ok(
      released.offers.some((o: { expertId: string; state: string }) => o.expertId === holder && o.state === 'released'),
      "the holder's claim is marked released",
    );
    t.ok(
      released.events.some(
        (e: { type: string; data: { reason?: string } }) =>
          e.type === 'question.released' && /too long/.test(e.data.reason ?? ''),
      ),
    );
    const roster = (await httpAs(server.url, manager).get('/api/experts')).body.items as {
      id: string;
      load: number;
      online: boolean;
    }[];
    t.equal(roster.find((e) => e.id === holder)!.load, 0, "the holder's load is back to 0");
    await eventually(
      async () =>
        ((await httpAs(server.url, manager).get('/api/experts')).body.items as { online: boolean }[]).every(
          (e) => e.online,
        ),
      'experts online again',
    );

    // Work continues: a new mention is offered live to a reconnected expert, who can claim it.
    const fresh = fakeX.addMention({ text: 'soundbar has no sound after the update', author: { username: 'u3' } });
    const offer = await Promise.any(
      live.map((c) => c.next('question.offered', (e) => e.data.question.externalId === fresh.id, 30_000)),
    );
    const claimant = byId.get(offer.data.offer.expertId)!;
    t.equal((await httpAs(server.url, claimant).post(`/api/questions/${offer.data.question.id}/claim`)).status, 200);
  },
);

t.test('SIGTERM lets an in-flight post finish, exits 0 and closes the database cleanly', async (t) => {
  const { fakeX, databasePath, start, query } = await setup(t);
  const server = await start();
  const {
    manager,
    experts: [jane],
  } = await network(server, [{ name: 'Jane Doe', signature: 'JD' }]);
  const tweet = fakeX.addMention({ text: 'how do I reset my tv?', author: { username: 'casey' } });
  const question = await questionFor(server, manager, tweet.id);
  await httpAs(server.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane!.user.id });
  const reply = await httpAs(server.url, jane!).post(`/api/questions/${question.id}/replies`, {
    text: 'Hold the power button for ten seconds.',
  });
  fakeX.injectFault({ method: 'POST', path: '/2/tweets', delayMs: 1500, times: 1 });
  await httpAs(server.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {});
  await eventually(
    () => query<{ state: string }>('select state from outbox')[0]?.state === 'sending',
    'the post to be in flight',
  );

  const exit = await server.kill('SIGTERM');
  t.same(exit, { code: 0, signal: null }, 'exit code 0');
  t.notOk(existsSync(`${databasePath}-wal`), 'the WAL was checkpointed and removed: the database was closed');
  t.equal(fakeX.brandReplies(tweet.id).length, 1, 'the in-flight post reached X once');
  t.same(
    query('select state, external_id from outbox'),
    [{ state: 'sent', external_id: fakeX.brandReplies(tweet.id)[0]!.id }],
    'and was recorded before exit',
  );
  t.same(query('select status from questions'), [{ status: 'answered' }]);
  t.same(query('pragma integrity_check'), [{ integrity_check: 'ok' }]);
  t.notMatch(server.output(), /"level":(50|60)/, 'no error logged during shutdown');
});
