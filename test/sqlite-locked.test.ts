// Another connection holding SQLite's write lock (a backup, a migration script, an operator's sqlite3 shell) must not
// make requests fail: writes wait (busy_timeout) and then succeed. A lock held past the timeout fails those requests
// cleanly, and the server, its background timers included, survives it. The server runs as a child process, so the
// lock held here does not block its event loop.
import t from 'tap';
import Database from 'better-sqlite3';
import { startFakeX } from '../dev/fake-x/index.js';
import type { ChannelAdapter } from '../server/channels/channel.js';
import { X_LENGTH_RULE } from '../server/domain/attribution.js';
import { as, buildTestApp, createUser, tempDatabasePath } from './helpers/app.js';
import {
  CHILD_ADMIN,
  eventually,
  httpAs,
  httpLogin,
  network,
  questionFor,
  startChildServer,
} from './helpers/child-server.js';

type Test = Parameters<typeof tempDatabasePath>[0];

async function setup(t: Test) {
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  const databasePath = tempDatabasePath(t);
  const server = await startChildServer({ databasePath, fakeX });
  t.teardown(async () => {
    await server.kill('SIGKILL');
    await fakeX.close();
  });
  const admin = await httpLogin(server.url, CHILD_ADMIN.email, CHILD_ADMIN.password);
  const token = (await httpAs(server.url, admin).post('/api/tokens', { name: 'ingest', role: 'manager' })).body
    .token as string;
  let n = 0;
  const ingest = async () => {
    const started = Date.now();
    const response = await fetch(`${server.url}/api/questions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: 'api',
        externalId: `locked-${++n}`,
        text: `question ${n} about my tv`,
        author: { handle: `c${n}` },
      }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error?: { code: string; message: string } },
      ms: Date.now() - started,
    };
  };
  /** Takes the write lock on a second connection, as `BEGIN IMMEDIATE` in any other process would. */
  const holdWriteLock = () => {
    const other = new Database(databasePath);
    other.exec('BEGIN IMMEDIATE');
    other
      .prepare(
        "insert into settings (key, value) values ('lock-test', '1') on conflict(key) do update set value = excluded.value",
      )
      .run();
    return {
      release: () => {
        other.exec('COMMIT');
        other.close();
      },
    };
  };
  return { server, fakeX, databasePath, ingest, holdWriteLock };
}

t.test('writes wait for a lock held for a second and then succeed', async (t) => {
  const { server, fakeX, databasePath, ingest, holdWriteLock } = await setup(t);
  const lock = holdWriteLock();
  const heldAt = Date.now();
  const requests = Promise.all([ingest(), ingest(), ingest()]);
  fakeX.addMention({
    text: 'a mention polled while the database is locked, about my tv',
    author: { username: 'polled' },
  });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  lock.release();
  const heldMs = Date.now() - heldAt;
  const results = await requests;
  t.same(
    results.map((r) => r.status),
    [201, 201, 201],
    'every write succeeded',
  );
  t.ok(
    Math.max(...results.map((r) => r.ms)) >= heldMs - 300,
    `they waited for the lock (${results.map((r) => r.ms).join(', ')} ms; lock held ${heldMs} ms)`,
  );

  const db = new Database(databasePath, { readonly: true });
  t.teardown(() => db.close());
  await eventually(
    () => (db.prepare("select count(*) n from questions where channel = 'x'").get() as { n: number }).n === 1,
    'the poller to store the mention too',
  );
  t.equal((db.prepare("select count(*) n from questions where channel = 'api'").get() as { n: number }).n, 3);
  t.equal((await fetch(`${server.url}/health`)).status, 200);
});

t.test(
  'a lock held past busy_timeout fails requests cleanly; the server, its timers and an in-flight post survive',
  async (t) => {
    const { server, fakeX, databasePath, ingest, holdWriteLock } = await setup(t);
    const {
      manager,
      experts: [jane],
    } = await network(server, [{ name: 'Jane Doe', signature: 'JD' }]);
    const tweet = fakeX.addMention({ text: 'my tv will not update', author: { username: 'casey' } });
    const question = await questionFor(server, manager, tweet.id);
    await httpAs(server.url, manager).post(`/api/questions/${question.id}/assign`, { expertId: jane!.user.id });
    const reply = await httpAs(server.url, jane!).post(`/api/questions/${question.id}/replies`, {
      text: 'Use the USB update from the support page.',
    });
    // X takes a moment to accept the post; meanwhile the lock is taken, so recording the outcome waits and times out.
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', delayMs: 1000, times: 1 });
    await httpAs(server.url, manager).post(`/api/replies/${reply.body.reply.id}/approve`, {});
    const db = new Database(databasePath, { readonly: true });
    t.teardown(() => db.close());
    const outboxState = () => (db.prepare('select state from outbox').get() as { state: string } | undefined)?.state;
    await eventually(() => outboxState() === 'sending', 'the post to be in flight', 30_000, 10);

    const lock = holdWriteLock();
    let failed: Awaited<ReturnType<typeof ingest>>;
    try {
      failed = await ingest();
      // Keep holding it: the background timers (waves, outbox) queued behind that request now wait out busy_timeout too.
      await new Promise((resolve) => setTimeout(resolve, 6000));
    } finally {
      lock.release();
    }
    t.ok(failed.status >= 500, `the request failed after the timeout (${failed.status}, ${failed.ms} ms)`);
    t.same(Object.keys(failed.body), ['error'], 'with the usual error body');
    t.notMatch(JSON.stringify(failed.body), /SQLITE|at .*\.ts/, 'and no internals');
    t.equal(fakeX.brandReplies(tweet.id).length, 1, 'X accepted the post while the database was locked');
    t.equal(
      server.process.exitCode,
      null,
      `the server is still running${server.process.exitCode === null ? '' : `:\n${server.output()}`}`,
    );
    t.equal((await ingest()).status, 201, 'the same kind of request succeeds once the lock is gone');
    await eventually(
      async () =>
        (await httpAs(server.url, manager).get(`/api/questions/${question.id}`)).body.question.status === 'answered',
      'the post to be recorded',
    );
    t.equal(fakeX.brandReplies(tweet.id).length, 1, 'without posting it again');
    t.equal(outboxState(), 'sent');
    t.equal((await fetch(`${server.url}/health`)).status, 200);
  },
);

t.test(
  'a post whose outcome could not be recorded is reconciled by the next outbox run, not stuck or doubled',
  async (t) => {
    const posted: { id: string; text: string; inReplyTo: string }[] = [];
    let lockAfterPost: (() => void) | undefined;
    const poster: ChannelAdapter = {
      name: 'api',
      length: X_LENGTH_RULE,
      async post(item) {
        posted.push({ id: `p${posted.length + 1}`, text: item.text, inReplyTo: item.inReplyTo });
        lockAfterPost?.();
        return { externalId: posted.at(-1)!.id };
      },
      async findExisting(item) {
        return posted.find((p) => p.inReplyTo === item.inReplyTo && p.text === item.text)?.id ?? null;
      },
    };
    const databasePath = tempDatabasePath(t);
    const app = await buildTestApp(t, { databasePath, channelAdapters: [poster] });
    const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
    const manager = await createUser(app, 'manager');
    const question = (
      await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: 'unrecorded-1',
        text: 'tv question',
        author: { handle: 'c' },
      })
    ).json().question;
    await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    const reply = (await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'Reset it.' })).json()
      .reply;

    // Right after the channel accepts the post another connection takes the write lock; with busy_timeout at 0 (so the
    // test need not wait) every write that would record the outcome fails with SQLITE_BUSY.
    const other = new Database(databasePath);
    t.teardown(() => other.close());
    lockAfterPost = () => {
      app.services.db.$client.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
    };
    t.equal((await as(app, manager).post(`/api/replies/${reply.id}/approve`, {})).statusCode, 200);
    await app.services.outbox.idle();
    lockAfterPost = undefined;
    other.exec('COMMIT');
    app.services.db.$client.pragma('busy_timeout = 5000');
    t.equal(posted.length, 1, 'the channel has the post');
    t.match(
      other.prepare('select state, attempts from outbox').get(),
      { state: 'sending', attempts: 1 },
      'the outbox could not record it',
    );

    await app.services.outbox.run();
    t.equal(posted.length, 1, 'the next run found the post instead of sending it again');
    t.match(other.prepare('select state, external_id, attempts from outbox').get(), {
      state: 'sent',
      external_id: 'p1',
      attempts: 2,
    });
    t.equal(await app.services.questions.statusOf(question.id), 'answered');
  },
);
