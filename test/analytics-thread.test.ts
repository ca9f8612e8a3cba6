// The insight digest and recognition run on the analytics thread (services/analytics.ts): the same answers as on the
// event loop, the event loop free meanwhile, and back on the event loop if the thread cannot run.
import { unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import t, { type Test } from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { createAnalytics } from '../server/services/analytics.js';
import { createInsightService } from '../server/services/insights.js';
import { createRecognitionService } from '../server/services/recognition.js';
import { as, buildTestApp, createUser, seedTags, tempDatabasePath } from './helpers/app.js';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const TEXTS = [
  'my tv has no sound over hdmi',
  'the laptop battery drains overnight',
  'can I return this laptop',
  'soundbar will not pair with the tv remote',
];
const TAGS = ['tv', 'laptops', 'returns', 'tv'];

/** `count` questions received over the last two weeks, written straight into the table (ingest would take seconds). */
async function history(t: Test, count: number, databasePath = tempDatabasePath(t)) {
  const clock = createManualClock(NOW);
  const app = await buildTestApp(t, { clock, databasePath });
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const insert =
    app.services.db.$client.prepare(`insert into questions (id, channel, external_id, text, author_handle, status, wave, created_at, received_at, sla_due_at, updated_at)
    values (?, 'test', ?, ?, 'customer', ?, 0, ?, ?, ?, ?)`);
  const tag = app.services.db.$client.prepare(
    "insert into question_tags (question_id, slug, confidence, source) values (?, ?, 0.9, 'rule')",
  );
  app.services.db.$client.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = NOW - Math.floor(((i + 1) / (count + 1)) * 14 * 24 * 3600_000);
      const id = `q${String(i).padStart(6, '0')}`;
      insert.run(
        id,
        `e${i}`,
        `${TEXTS[i % TEXTS.length]} (case ${i} of batch ${i % 17})`,
        i % 3 ? 'answered' : 'offered',
        at,
        at,
        at + 3600_000,
        at,
      );
      tag.run(id, TAGS[i % TAGS.length]);
    }
  })();
  return { app, clock, manager };
}

const RANGE = { from: new Date(NOW - 7 * 24 * 3600_000).toISOString(), to: new Date(NOW).toISOString() };
const query = `from=${encodeURIComponent(RANGE.from)}&to=${encodeURIComponent(RANGE.to)}`;

/** An analytics service of the test's own over the app's database file, and the warnings it logs. */
function ownAnalytics(
  t: Test,
  app: Awaited<ReturnType<typeof buildTestApp>>,
  options: Partial<Parameters<typeof createAnalytics>[0]> = {},
) {
  const warnings: string[] = [];
  const analytics = createAnalytics({
    ...app.services,
    databaseFile: app.services.db.$client.name,
    log: {
      warn: (_d, message) => {
        warnings.push(message);
      },
    },
    ...options,
  });
  t.teardown(() => analytics.stop());
  return { analytics, warnings };
}

t.test('the digest and recognition come from the thread, equal to a computation on the event loop', async (t) => {
  const { app, clock, manager } = await history(t, 300);
  const insights = await as(app, manager).get(`/api/insights?${query}`);
  const recognition = await as(app, manager).get(`/api/recognition?${query}`);
  t.equal(app.services.analytics.mode(), 'thread');
  const { data, tags } = app.services;
  t.same(
    insights.json(),
    JSON.parse(JSON.stringify(await createInsightService({ data, clock, tags }).compute(RANGE))),
    'the same digest',
  );
  t.same(
    recognition.json(),
    JSON.parse(JSON.stringify(await createRecognitionService({ data, clock }).compute(manager.user as never, RANGE))),
    'the same recognition',
  );
  t.ok(insights.json().topTags.length > 0, 'a digest with something in it');

  const backwards = await as(app, manager).get(
    `/api/insights?from=${encodeURIComponent(RANGE.to)}&to=${encodeURIComponent(RANGE.from)}`,
  );
  t.equal(backwards.statusCode, 422, "the thread's validation errors keep their status");
  t.equal(backwards.json().error.code, 'invalid_range');
});

t.test('the event loop stays free while the thread computes a digest', async (t) => {
  const { app, manager } = await history(t, 6000);
  await as(app, manager).get(`/api/insights?${query}&format=csv`); // the thread started, its code loaded
  /** The share of the request's time the event loop was busy (idle while it waits for the thread's answer). */
  const busyShare = async () => {
    const before = performance.eventLoopUtilization();
    const response = await as(app, manager).get(`/api/insights?${query}`);
    t.equal(response.statusCode, 200);
    return performance.eventLoopUtilization(before).utilization;
  };
  const onThread = await busyShare();
  t.ok(onThread < 0.5, `the event loop was busy ${Math.round(onThread * 100)} % of the request`);

  // The same request with the digest on the event loop (what the thread avoids): busy all along.
  await app.services.analytics.stop();
  t.equal(app.services.analytics.mode(), 'inline');
  const inline = await busyShare();
  t.ok(inline > 0.8, `computed inline, the event loop was busy ${Math.round(inline * 100)} %`);
});

t.test('a thread idle for a while ends, and starts again on the next request', async (t) => {
  const { app } = await history(t, 50);
  const { analytics, warnings } = ownAnalytics(t, app, { idleMs: 50 });
  const first = await analytics.insights(RANGE);
  t.ok(analytics.running(), 'up after a request');
  for (let i = 0; i < 100 && analytics.running(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  t.notOk(analytics.running(), 'ended once idle');
  t.equal(analytics.mode(), 'thread', 'which is not a failure');
  t.same(await analytics.insights(RANGE), first, 'the next request starts it again');
  t.ok(analytics.running());
  t.same(warnings, []);
});

t.test('if the thread cannot start, the work is done on the event loop and answers all the same', async (t) => {
  const databasePath = tempDatabasePath(t);
  const { app, manager } = await history(t, 50, databasePath);
  unlinkSync(databasePath); // the open connection keeps working; the thread's own connection cannot open the file
  const response = await as(app, manager).get(`/api/insights?${query}`);
  t.equal(response.statusCode, 200);
  t.ok(response.json().topTags.length > 0);
  t.equal(app.services.analytics.mode(), 'inline');
});

t.test('a thread that could not start is tried again a while later, and the work goes back to it', async (t) => {
  const { app } = await history(t, 50);
  // Stands in for a database the thread cannot reach at first (PostgreSQL restarting): the first thread dies before
  // it is ready, the next one is the real thread.
  const dir = t.testdir();
  const entry = join(dir, 'fails-once.mjs');
  writeFileSync(
    entry,
    [
      "import { existsSync, writeFileSync } from 'node:fs';",
      `const tried = ${JSON.stringify(join(dir, 'tried'))};`,
      "if (!existsSync(tried)) { writeFileSync(tried, ''); throw new Error('connection refused'); }",
      `await import(${JSON.stringify(new URL('../server/services/analytics-thread.mjs', import.meta.url).href)});`,
    ].join('\n'),
  );
  const { analytics, warnings } = ownAnalytics(t, app, { retryMs: 100, threadEntry: pathToFileURL(entry) });
  const first = await analytics.insights(RANGE);
  t.equal(analytics.mode(), 'inline', 'answered on the event loop meanwhile');
  t.match(warnings, [/could not start/]);
  await new Promise((resolve) => setTimeout(resolve, 150));
  t.equal(analytics.mode(), 'thread', 'tried again once the wait is over');
  t.same(await analytics.insights(RANGE), first, 'by a thread that starts this time');
  t.ok(analytics.running(), 'which is up');
  t.equal(warnings.length, 1);
});

t.test(
  'a thread that stops while working fails its requests with a 503, never re-runs them on the event loop',
  async (t) => {
    const { app } = await history(t, 50);
    // Stands in for a thread that runs out of memory on a huge range: it opens, says so, and dies on its first request.
    const entry = join(t.testdir(), 'dies-working.mjs');
    writeFileSync(
      entry,
      "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage({ ready: true });\nparentPort.on('message', () => process.exit(7));\n",
    );
    const { analytics, warnings } = ownAnalytics(t, app, { threadEntry: pathToFileURL(entry) });
    await t.rejects(analytics.insights(RANGE), { status: 503, code: 'analytics_unavailable' });
    t.equal(analytics.mode(), 'thread', 'not switched to the event loop');
    t.notOk(analytics.running(), 'the dead thread is let go');
    t.match(warnings, [/stopped while working/]);
    await t.rejects(
      analytics.recognition({ id: 'm', email: 'm@x.test', name: 'M', role: 'manager' }, RANGE),
      { status: 503, code: 'analytics_unavailable' },
      'the next request starts a new thread (which dies too)',
    );
    t.equal(warnings.length, 2);
  },
);
