// Units of work on PostgreSQL run at once, SERIALIZABLE, and are run again when PostgreSQL reports that they collided
// (server/events/pg-unit-of-work.ts). What use cases decide inside a unit must come out as if the units had run one
// after another, as they do on SQLite. (Two first profiles at once: test/profile-validation.test.ts, run on both.)
import { sql } from 'drizzle-orm';
import t, { type Test } from 'tap';
import { isRetryable } from '../server/events/pg-unit-of-work.js';
import { buildApp } from '../server/app.js';
import { DEFAULT_VAPID_SUBJECT } from '../server/config.js';
import { ADMIN, as, buildTestApp, createUser, login, seedTags, testConfig } from './helpers/app.js';
import { freshPostgresDatabase } from './helpers/postgres.js';

t.test('twenty read-then-write units at once lose no write', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { uow, data } = app.services;
  const increment = () =>
    uow.run(async (unit) => {
      const rows = await unit.settings.all();
      const current = Number(rows.find((row) => row.key === 'test.counter')?.value ?? 0);
      await unit.settings.put('test.counter', current + 1);
    });
  await Promise.all(Array.from({ length: 20 }, increment));
  const rows = await data.settings.all();
  t.equal(rows.find((row) => row.key === 'test.counter')?.value, 20, 'every increment counted');
});

t.test('a unit that fails for its own reasons is not retried, and writes nothing', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { uow, data } = app.services;
  let runs = 0;
  await t.rejects(
    uow.run(async (unit) => {
      runs++;
      await unit.settings.put('test.partial', 1);
      throw new Error('the use case refused');
    }),
    /refused/,
  );
  t.equal(runs, 1, 'run once');
  t.notOk(
    (await data.settings.all()).some((row) => row.key === 'test.partial'),
    'its write rolled back',
  );
  t.ok(isRetryable({ code: '40001' }) && isRetryable({ code: '40P01' }) && !isRetryable({ code: '23505' }));
});

t.test('five experts claiming one question at once: one wins, four hear it is taken', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const experts = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      createUser(app, 'expert', { name: `Expert ${i}`, profile: { skills: [{ tag: 'tv', level: 5 }] } }),
    ),
  );
  const ingested = await as(app, admin).post('/api/questions', {
    channel: 'api',
    externalId: 'storm-1',
    text: 'my tv has no sound',
    author: { handle: 'casey' },
  });
  t.equal(ingested.statusCode, 201);
  const id = ingested.json().question.id;
  const statuses = await Promise.all(experts.map((e) => as(app, e).post(`/api/questions/${id}/claim`)));
  t.same(statuses.map((r) => r.statusCode).sort(), [200, 409, 409, 409, 409], 'exactly one claim wins');
});

t.test('one post ingested by five units at once is stored once, and each hears of the same question', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { ingest, data } = app.services;
  const post = { channel: 'x', externalId: 'race-1', text: 'my tv has no sound', author: { handle: 'casey' } };
  // Each `ingest` is a unit of its own (a lone question, with no savepoint), as the poller's and a webhook's are.
  const outcomes = await Promise.all(Array.from({ length: 5 }, () => ingest.ingest(post)));
  t.equal(new Set(outcomes.map((o) => o.question.id)).size, 1, 'one question');
  t.equal(outcomes.filter((o) => !o.duplicate).length, 1, 'stored by one, found by the other four');
  t.equal((await data.questions.byExternalId('x', 'race-1'))?.id, outcomes[0]?.question.id);
});

/** Two servers on one database, each holding the webhooks as it last read them, as two nodes do. */
async function twoNodes(t: Test) {
  const databaseUrl = await freshPostgresDatabase(t);
  const node = async () => {
    const config = {
      ...testConfig(t, { databaseUrl }),
      push: { allowLocalEndpoints: true, vapid: { subject: DEFAULT_VAPID_SUBJECT } },
    };
    const app = await buildApp(config, { logger: false, timers: false });
    t.teardown(() => app.close());
    await app.ready();
    return app;
  };
  return [await node(), await node()] as const;
}

t.test('two nodes setting up webhooks for different channels at once keep both', async (t) => {
  const [a, b] = await twoNodes(t);
  await Promise.all([
    a.webhookChannels.configure('email', 'http://127.0.0.1:9/email'),
    b.webhookChannels.configure('sms', 'http://127.0.0.1:9/sms'),
  ]);
  t.same(
    Object.keys(await a.services.data.channelSecrets.webhooks()).sort(),
    ['email', 'sms'],
    'neither overwrote the other',
  );
  await b.webhookChannels.rotate('sms');
  t.same(
    Object.keys(await a.services.data.channelSecrets.webhooks()).sort(),
    ['email', 'sms'],
    'a rotation keeps the rest',
  );
});

t.test('an address change on one node and a rotation on another keep both', async (t) => {
  const [a, b] = await twoNodes(t);
  const { secret: first } = await a.webhookChannels.configure('email', 'http://127.0.0.1:9/v1');
  await b.webhookChannels.load();
  const [, rotated] = await Promise.all([
    a.webhookChannels.configure('email', 'http://127.0.0.1:9/v2'),
    b.webhookChannels.rotate('email'),
  ]);
  const stored = (await a.services.data.channelSecrets.webhooks()).email as {
    url: string;
    secret: string;
    previousSecret: string;
  };
  t.equal(stored.url, 'http://127.0.0.1:9/v2', 'the new address');
  t.equal(stored.secret, rotated.secret, 'the new secret');
  t.equal(stored.previousSecret, first, 'the old one signing beside it');
});

t.test('a wave as wide as the settings allow is stored whole (past the prepared sizes)', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t), routing: { k: 50 } });
  await seedTags(app);
  const experts = await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      createUser(app, 'expert', { name: `Expert ${i}`, profile: { skills: [{ tag: 'tv', level: 5 }] } }),
    ),
  );
  // Reachable, as with the app open (the hub's presence is what a connected socket sets).
  for (const expert of experts) await app.services.experts.setOnline(expert.user.id, true);
  const { question } = await app.services.ingest.ingest({
    channel: 'api',
    externalId: 'wide-1',
    text: 'my tv has no sound',
    author: { handle: 'casey' },
  });
  const offered = await app.services.data.offers.offeredTo(question.id);
  t.equal(new Set(offered).size, experts.length, `one offer to each of the twelve (${offered.length})`);
  const log = await app.services.data.auditLog.ofQuestion(question.id);
  t.same(
    log.map((entry) => entry.type),
    ['question.created', 'question.offered'],
  );
});

t.test('two nodes starting at once on an empty database make one first admin, and both start', async (t) => {
  const databaseUrl = await freshPostgresDatabase(t);
  const start = async () => {
    const app = await buildApp(testConfig(t, { databaseUrl }), { logger: false, timers: false });
    t.teardown(() => app.close());
    await app.ready();
    return app;
  };
  const [a, b] = await Promise.all([start(), start()]);
  t.equal(await a.services.auth.userCount(), 1, 'one account');
  t.equal((await login(b, ADMIN.email, ADMIN.password)).user.role, 'admin', 'the admin, usable through either node');
});

t.test("a unit's reads made at once wait for each other on its connection, not in the driver", async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const warnings: string[] = [];
  const heard = (warning: Error) => warnings.push(warning.message);
  process.on('warning', heard);
  t.teardown(() => process.off('warning', heard));
  // node-postgres queues a query made while its connection is busy, but warns that pg 9 will refuse it: presenters
  // read a question's tags, names and follow-ups at once, and some run inside units (the notifier's reconcile).
  const [a, b, c] = await app.services.uow.run((unit) =>
    Promise.all([unit.settings.all(), unit.settings.all(), unit.settings.all()]),
  );
  t.same(a, b);
  t.same(b, c);
  await new Promise((resolve) => setImmediate(resolve));
  t.same(
    warnings.filter((message) => /already executing a query/.test(message)),
    [],
    'no query was handed to a busy connection',
  );
});

/** Every statement the app's pool sends from now on, in order, whichever connection it goes out on. */
function statementsOf(app: Awaited<ReturnType<typeof buildTestApp>>): string[] {
  const storage = app.services.storage;
  if (storage.engine !== 'postgres') throw new Error('not on PostgreSQL');
  const pool = storage.db.$client;
  const sent: string[] = [];
  const connect = pool.connect.bind(pool);
  pool.connect = (async (callback?: (error: Error | undefined, client?: unknown, done?: unknown) => void) => {
    const record = (client: { query: (...args: unknown[]) => unknown; [seen]?: true }) => {
      if (client[seen]) return client;
      const query = client.query.bind(client);
      client.query = (config: unknown, ...rest: unknown[]) => {
        sent.push(typeof config === 'string' ? config : ((config as { text?: string }).text ?? ''));
        return query(config, ...rest);
      };
      client[seen] = true;
      return client;
    };
    if (callback)
      return connect((error, client, done) => callback(error, client ? record(client as never) : client, done));
    return record((await connect()) as never);
  }) as typeof pool.connect;
  return sent;
}
const seen = Symbol('recorded');

t.test('a new question is written without a transaction: its lookup and its one insert, nothing else', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  await seedTags(app);
  await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 5 }] } });
  const { ingest, data } = app.services;
  const sent = statementsOf(app);
  const fresh = await ingest.ingest({
    channel: 'x',
    externalId: 'fresh-1',
    text: 'my tv has no sound',
    author: { handle: 'casey' },
  });
  t.notOk(fresh.duplicate);
  const unitStatements = sent.filter((text) => !/push_subscriptions/.test(text));
  t.same(
    unitStatements.map((text) => text.trim().split(/\s+/)[0]?.toLowerCase()),
    ['select', 'with'],
    'the lookup and the one insert (no begin, no commit)',
  );
  t.same(
    (await data.questionTags.of(fresh.question.id)).map((tag) => tag.slug),
    ['tv'],
    'its tag stored with it',
  );
  t.ok(
    (await data.auditLog.ofQuestion(fresh.question.id)).some((entry) => entry.type === 'question.created'),
    'and its log entry',
  );

  // A follow-up writes several rows, so it keeps its transaction: the recording would show a begin if there were one.
  sent.length = 0;
  const followUp = await ingest.ingest({
    channel: 'x',
    externalId: 'fresh-2',
    text: 'still no sound',
    author: { handle: 'casey' },
    inReplyToExternalId: 'fresh-1',
  });
  t.ok(followUp.followUp);
  t.match(sent[0] ?? '', /^begin/i, 'a follow-up runs in a transaction');
  t.ok(
    sent.some((text) => /^commit/i.test(text)),
    'and commits it',
  );
});

t.test('a unit of one write refuses a second write before sending it, and has no steps', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { uow, data } = app.services;
  const refused: { message?: string; cause?: { message?: string } } = await uow
    .run(
      async (unit) => {
        await unit.settings.put('test.one', 1);
        await unit.settings.put('test.two', 2);
      },
      { oneWrite: true },
    )
    .then(
      () => ({}),
      (error) => error,
    );
  // drizzle reports the refusal as a failed query, with the refusal as its cause.
  t.match(refused.cause?.message ?? refused.message, /wrote twice/, 'the second write refused');
  const keys = (await data.settings.all()).map((row) => row.key);
  t.ok(keys.includes('test.one'), 'the first write stands: it committed on its own');
  t.notOk(keys.includes('test.two'), 'the second was never sent');
  await t.rejects(
    uow.run((unit) => unit.step(async () => 1), { oneWrite: true }),
    /no steps/,
  );
});

t.test('a unit of one write opens no transaction, and a connection it failed on is not handed on', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { uow, data } = app.services;
  // A repository's own read snapshot (`db.transaction`) would begin one: refused, so the write after it cannot sit
  // in a transaction that never commits.
  const refused: { message?: string; cause?: { message?: string } } = await uow
    .run((unit) => unit.metrics.eachInRange(0, 3_600_000, { question() {}, tag() {}, reply() {} }), { oneWrite: true })
    .then(
      () => ({}),
      (error) => error,
    );
  t.match(refused.cause?.message ?? refused.message, /runs no transaction/, 'the begin refused');
  // Every connection the pool hands out afterwards commits what it writes.
  await Promise.all(
    Array.from({ length: 12 }, (_, i) =>
      uow.run((unit) => unit.settings.put(`test.after-${i}`, i), { oneWrite: true }),
    ),
  );
  const keys = new Set((await data.settings.all()).map((row) => row.key));
  t.ok(
    Array.from({ length: 12 }, (_, i) => `test.after-${i}`).every((key) => keys.has(key)),
    'twelve writes after it, all committed',
  );
});

t.test('a connection the server drops while a unit holds it fails that unit, not the process', async (t) => {
  const app = await buildTestApp(t, { databaseUrl: await freshPostgresDatabase(t) });
  const { uow, data, storage } = app.services;
  if (storage.engine !== 'postgres') throw new Error('not on PostgreSQL');
  // A failover or a restart of the server, as the unit sits between two statements.
  const dropped = uow.run(async (unit) => {
    await unit.settings.put('test.before-drop', 1);
    // The unit's own connection: the repositories' handle sends a query made inside a unit there.
    const [own] = (await storage.connection.db.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows;
    await storage.db.$client.query('select pg_terminate_backend($1)', [own?.pid]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await unit.settings.put('test.after-drop', 2);
  });
  await t.rejects(dropped, 'the unit fails');
  const keys = (await data.settings.all()).map((row) => row.key);
  t.notOk(keys.includes('test.before-drop'), 'and its first write went with its transaction');
  await uow.run((unit) => unit.settings.put('test.next', 3));
  t.ok(
    (await data.settings.all()).some((row) => row.key === 'test.next'),
    'the next unit gets a live connection',
  );
});
