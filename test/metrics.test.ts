// Metrics are merged from per-hour summaries cached in memory: they must always equal a fresh computation, also
// after a question in an already summarised hour changes.
import t from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { createMetricsService, kthOfSorted, percentiles } from '../server/services/metrics.js';
import { createHourSummaries } from '../server/services/metrics-hours.js';
import { buildTestApp, createUser, seedTags } from './helpers/app.js';
import { testEngine } from './helpers/postgres.js';

const HOUR = 3_600_000;

t.test('cached hours follow later changes, and match a fresh computation', async (t) => {
  const clock = createManualClock(Date.parse('2026-03-02T09:30:00Z'));
  const app = await buildTestApp(t, { clock });
  await seedTags(app);
  const expert = await createUser(app, 'expert', {
    profile: { signature: 'EX', skills: [{ tag: 'tv', level: 4 }], capacity: 50 },
  });
  const manager = (await createUser(app, 'manager')).user;
  const { ingest, questions, replies, metrics } = app.services;
  const ids: string[] = [];
  for (let hour = 0; hour < 30; hour++) {
    for (let i = 0; i < 3; i++) {
      ids.push(
        (
          await ingest.ingest({
            channel: 'api',
            externalId: `m-${hour}-${i}`,
            text: 'my tv has no sound over hdmi',
            author: { handle: 'cust' },
          })
        ).question.id,
      );
      clock.advance(60_000);
    }
    clock.advance(HOUR - 180_000);
  }
  const fresh = () => createMetricsService({ data: app.services.data, clock }).compute({});
  const daily = await metrics.compute({});
  t.same(daily, await fresh(), 'first computation equals a fresh one');
  t.equal(daily.total, 90);
  t.same(
    daily.volume.map((v) => v.bucket),
    ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'],
    'a week is counted per day',
  );
  t.equal(
    (await metrics.compute({ from: new Date(clock.now() - 24 * HOUR).toISOString() })).volume.length,
    24,
    'a day is counted per hour',
  );

  await questions.claim(expert.user, ids[4]!);
  await replies.submit(expert.user, ids[4]!, 'Turn on HDMI-CEC on both and power-cycle them.');
  await questions.dismiss(manager, ids[7]!, 'spam');
  const changed = await metrics.compute({});
  t.same(changed, await fresh(), 'changes to questions of old hours show at once');
  t.equal(changed.byStatus.dismissed, 1);
  t.equal(changed.byExpert[0]?.expertId, expert.user.id);
  t.equal(changed.timeToClaimMs.count, 1);

  clock.advance(HOUR);
  t.same(await metrics.compute({}), await fresh(), 'and stay equal as time moves on');
  const edges = { from: '2026-03-02T10:30:30Z', to: '2026-03-02T13:30:30Z' };
  t.equal((await metrics.compute(edges)).total, 9, 'partial hours at both ends count only their part');
  t.same(await metrics.compute(edges), await createMetricsService({ data: app.services.data, clock }).compute(edges));
  await t.rejects(
    metrics.compute({ from: '2026-03-02T13:00:00Z', to: '2026-03-02T12:00:00Z' }),
    { code: 'invalid_range' },
    'a backwards window is refused',
  );
});

t.test('the k-th value across sorted lists is the k-th of them all', async (t) => {
  let seed = 7;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  for (const [lists, spread] of [
    [3, 10],
    [40, 1000],
    [80, 50],
    [700, 100_000],
  ] as const) {
    const sorted = Array.from({ length: lists }, (_, i) =>
      Float64Array.from(
        { length: i % 7 === 3 ? 0 : Math.floor(random() * 400) },
        () => Math.floor(random() * spread) - 5,
      ).sort(),
    );
    const all = sorted.flatMap((list) => [...list]).sort((a, b) => a - b);
    for (const k of [0, 1, all.length >> 1, Math.floor(all.length * 0.9), all.length - 1]) {
      t.equal(kthOfSorted(sorted, k), all[k], `${lists} lists, k = ${k} of ${all.length}`);
    }
  }
});

t.test(
  'metrics over whole days equal a computation straight from the rows, also after changes to a summarised day',
  async (t) => {
    const clock = createManualClock(Date.parse('2026-03-01T00:10:00Z'));
    const app = await buildTestApp(t, { clock });
    await seedTags(app);
    const experts: Awaited<ReturnType<typeof createUser>>['user'][] = [];
    for (let i = 0; i < 3; i++)
      experts.push(
        (
          await createUser(app, 'expert', {
            profile: { signature: `E${i}`, skills: [{ tag: 'tv', level: 4 }], capacity: 50 },
          })
        ).user,
      );
    const manager = (await createUser(app, 'manager')).user;
    const { ingest, questions, replies, metrics, data } = app.services;
    const texts = ['my tv has no sound over hdmi', 'where is my order', 'the tv remote does not pair'];
    const ids: string[] = [];
    for (let i = 0; i < 3 * 24 * 2; i++) {
      ids.push(
        (await ingest.ingest({ channel: 'api', externalId: `d-${i}`, text: texts[i % 3]!, author: { handle: 'cust' } }))
          .question.id,
      );
      clock.advance(HOUR / 2);
    }
    const answer = async (i: number, expert = experts[Math.floor(i / 3) % 3]!) => {
      await questions.claim(expert, ids[i]!);
      clock.advance(((i * 7919) % 23) * 60_000);
      const reply = await replies.submit(expert, ids[i]!, 'Turn on HDMI-CEC on both and power-cycle them.');
      if (reply.status === 'in_review' && i % 4 === 0) await replies.approve(manager, reply.id);
      else if (reply.status === 'in_review' && i % 4 === 1)
        await replies.reject(manager, reply.id, 'Please add the steps');
    };
    for (let i = 0; i < ids.length; i += 3) await answer(i);

    // The oracle reads the rows themselves, through the repositories' plain reads rather than the metrics queries.
    const fromRows = async (range: { from: string; to: string }) => {
      const [from, to] = [Date.parse(range.from), Date.parse(range.to)];
      const rows = (await data.questions.byIds(ids)).filter((q) => q.receivedAt >= from && q.receivedAt < to);
      const byId = new Map(rows.map((q) => [q.id, q]));
      const byStatus: Record<string, number> = {};
      for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
      const tagRows = (await data.questionTags.ofMany(rows.map((q) => q.id))).flatMap(({ questionId, slug }) => {
        const q = byId.get(questionId);
        return q
          ? [{ slug, status: q.status, ms: q.firstReplyAt === null ? null : q.firstReplyAt - q.receivedAt }]
          : [];
      });
      const byTag = [...new Set(tagRows.map((r) => r.slug))].sort().map((tag) => {
        const of = tagRows.filter((r) => r.slug === tag);
        return {
          tag,
          total: of.length,
          answered: of.filter((r) => ['answered', 'closed'].includes(r.status)).length,
          medianReplyMs: percentiles(of.flatMap((r) => (r.ms === null ? [] : [r.ms]))).median,
        };
      });
      const replyRows = (await Promise.all(rows.map((q) => data.replies.ofQuestion(q.id)))).flat().map((r) => {
        const claimedAt = byId.get(r.questionId)?.claimedAt ?? null;
        return { author_id: r.authorId, status: r.status, ms: claimedAt === null ? null : r.createdAt - claimedAt };
      });
      const byExpert = [...new Set(replyRows.map((r) => r.author_id))].sort().map((expertId) => {
        const of = replyRows.filter((r) => r.author_id === expertId);
        return {
          expertId,
          answered: of.filter((r) => r.status === 'posted').length,
          approved: of.filter((r) => ['posted', 'approved'].includes(r.status)).length,
          rejected: of.filter((r) => r.status === 'rejected').length,
          medianReplyMs: percentiles(of.flatMap((r) => (r.ms !== null && r.ms >= 0 ? [r.ms] : []))).median,
        };
      });
      return {
        total: rows.length,
        byStatus,
        timeToClaimMs: percentiles(rows.flatMap((r) => (r.claimedAt === null ? [] : [r.claimedAt - r.receivedAt]))),
        timeToFirstReplyMs: percentiles(
          rows.flatMap((r) => (r.firstReplyAt === null ? [] : [r.firstReplyAt - r.receivedAt])),
        ),
        byTag,
        byExpert,
      };
    };
    const computed = async (range: { from: string; to: string }) => {
      const m = await metrics.compute(range);
      return {
        total: m.total,
        byStatus: m.byStatus,
        timeToClaimMs: m.timeToClaimMs,
        timeToFirstReplyMs: m.timeToFirstReplyMs,
        byTag: [...m.byTag].sort((a, b) => (a.tag < b.tag ? -1 : 1)),
        byExpert: m.byExpert.map(({ name: _, ...e }) => e).sort((a, b) => (a.expertId < b.expertId ? -1 : 1)),
      };
    };
    const week = { from: '2026-02-27T12:00:00Z', to: new Date(clock.now()).toISOString() };
    const twoDays = { from: '2026-03-01T05:30:00Z', to: '2026-03-03T05:30:00Z' };
    const first = await computed(week);
    t.ok(first.byExpert.length === 3 && first.total === ids.length, 'every question and expert counted');
    t.same(first, await fromRows(week), 'whole days and edge hours');
    t.same(await computed(twoDays), await fromRows(twoDays));

    for (let i = 1; i < 48; i += 3) await answer(i, experts[0]); // questions of the first day, already summarised
    await questions.dismiss(manager, ids[50]!, 'spam');
    t.same(await computed(week), await fromRows(week), 'after changes to a summarised day');
    t.same(await computed(twoDays), await fromRows(twoDays));
    t.same(
      await metrics.compute(week),
      await createMetricsService({ data, clock }).compute(week),
      'equal to a fresh service, names and order included',
    );

    const all = await metrics.compute(week);
    t.equal(all.expertsTotal, 3);
    t.ok(all.byExpert[0]!.answered > all.byExpert[2]!.answered, 'most answers first');
    for (const n of [1, 2, 3, 10]) {
      const top = await metrics.compute({ ...week, experts: n });
      t.same(top.byExpert, all.byExpert.slice(0, n), `experts=${n}: the head of the whole list, medians included`);
      t.equal(top.expertsTotal, 3, 'and how many there are in all');
      t.same({ ...top, byExpert: [] }, { ...all, byExpert: [] }, 'the rest of the answer is the same');
    }
  },
);

/** An app with one question received at the start of each of `hours` hours, and a manager. */
async function hourlyQuestions(t: Parameters<typeof buildTestApp>[0], start: string, hours: number) {
  const clock = createManualClock(Date.parse(start));
  const app = await buildTestApp(t, { clock });
  await seedTags(app);
  const manager = (await createUser(app, 'manager')).user;
  const ids: string[] = [];
  for (let hour = 0; hour < hours; hour++) {
    ids.push(
      (
        await app.services.ingest.ingest({
          channel: 'api',
          externalId: `h-${hour}`,
          text: 'my tv has no sound',
          author: { handle: 'cust' },
        })
      ).question.id,
    );
    clock.advance(HOUR);
  }
  // Not `...app.services`: spreading it would read `services.db`, which a PostgreSQL app does not have.
  const { questions, data } = app.services;
  return { app, manager, ids, questions, data, clock };
}

t.test('a changed hour is read again once, not again at every later write elsewhere', async (t) => {
  const { app, clock, manager, ids, questions, data } = await hourlyQuestions(t, '2026-03-02T09:30:00Z', 12);
  const hours = createHourSummaries(data.metrics, clock);
  const from = Date.parse('2026-03-02T09:00:00Z');
  const to = from + 12 * HOUR;
  await hours.between(from, to);
  const warm = hours.hoursRead;
  t.equal(warm, 12, 'the first call reads every hour');
  await hours.between(from, to);
  t.equal(hours.hoursRead, warm, 'nothing changed, nothing read');

  await questions.dismiss(manager, ids[3]!, 'spam');
  await hours.between(from, to);
  t.equal(hours.hoursRead, warm + 1, "the changed question's hour is read again");
  // Writes to other tables later on: the first check after the change looks back a minute before the previous one
  // (a slack for late commits) and may read the hour once more; after that it is settled.
  for (let i = 0; i < 4; i++) {
    clock.advance(5 * 60_000);
    await createUser(app, 'expert');
    await hours.between(from, to);
  }
  t.ok(
    hours.hoursRead <= warm + 2,
    `later writes elsewhere do not make it read again and again (${hours.hoursRead - warm - 1} more)`,
  );
  const settled = hours.hoursRead;
  await questions.dismiss(manager, ids[5]!, 'spam');
  await hours.between(from, to);
  t.equal(hours.hoursRead, settled + 1, 'the next change is read');
  t.same(
    (
      await createMetricsService({ data, clock }).compute({
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
      })
    ).byStatus.dismissed,
    2,
  );
});

t.test('a warm-up fills the hour cache in slices after start; writes meanwhile still count', async (t) => {
  const { clock, manager, ids, questions, data } = await hourlyQuestions(t, '2026-03-02T09:00:00Z', 40);
  const metrics = createMetricsService({ data, clock });
  let slices = 0;
  let warmedUp = false;
  const warming = metrics.warm({ days: 7, sliceMs: 0 }).then((warm) => {
    warmedUp = warm;
  });
  while (!warmedUp) {
    await new Promise((resolve) => setImmediate(resolve));
    slices += 1;
    // The newest hours are read first: change a question of an hour already read, while the warm-up goes on.
    if (slices === 3) await questions.dismiss(manager, ids[39]!, 'spam');
  }
  await warming;
  const perRead = data.metrics.hoursPerRead;
  t.ok(
    slices >= Math.ceil(168 / perRead),
    `${perRead} hour(s) per slice with a zero budget, the event loop free between (${slices} turns for 168 hours)`,
  );
  const read = metrics.hoursRead;
  const week = await metrics.compute({});
  t.equal(metrics.hoursRead, read, 'the first request after the warm-up reads no hour (the window is on whole hours)');
  t.equal(week.byStatus.dismissed, 1, 'the dismissal during the warm-up was read again by a later slice');
  t.same(week, await createMetricsService({ data, clock }).compute({}), 'equal to a fresh computation');

  clock.advance(2 * 60_000);
  await questions.dismiss(manager, ids[10]!, 'spam');
  const to = Math.floor(clock.now() / HOUR) * HOUR;
  const window = { from: new Date(to - 7 * 24 * HOUR).toISOString(), to: new Date(to).toISOString() };
  const later = await metrics.compute(window);
  // The changed hour, and once more the hour changed during the warm-up: it was written within the minute of slack
  // (for late commits) before the last check.
  t.equal(metrics.hoursRead, read + 2, 'a change after the warm-up: its hour is read at the next request');
  t.equal(later.byStatus.dismissed, 2);
  t.equal(await metrics.stop(), true, 'stopping after the end changes nothing');
});

t.test('an engine that reads many hours at once warms up in that many fewer reads, to the same figures', async (t) => {
  const { data, clock } = await hourlyQuestions(t, '2026-03-02T09:00:00Z', 40);
  const spans: number[] = [];
  const metrics: typeof data.metrics = {
    ...data.metrics,
    hoursPerRead: 24,
    eachInRange(start, end, visit) {
      spans.push((end - start) / HOUR);
      return data.metrics.eachInRange(start, end, visit);
    },
  };
  const warmed = createMetricsService({ data: { ...data, metrics }, clock });
  t.equal(await warmed.warm({ days: 7, sliceMs: 0 }), true);
  const wholeHours = spans.filter((span) => span >= 1);
  t.same(wholeHours, [24, 24, 24, 24, 24, 24, 24], 'a week in seven reads of a day, not 168 of an hour');
  const before = spans.length;
  const week = await warmed.compute({});
  t.ok(
    spans.slice(before).every((span) => span < 1),
    'then a request reads no whole hour: at most the part of the current one',
  );
  t.same(week, await createMetricsService({ data, clock }).compute({}), 'equal to a computation hour by hour');
});

t.test(
  'requests at the same time each get their whole window, though the cache evicts hours meanwhile',
  {
    skip:
      testEngine() === 'postgres'
        ? 'SQLite only: it seeds its questions with raw inserts on the SQLite connection'
        : false,
  },
  async (t) => {
    const start = Date.parse('2026-03-02T00:00:00Z');
    const clock = createManualClock(start + 4 * 24 * HOUR);
    const app = await buildTestApp(t, { clock });
    const insert = app.services.db.$client.prepare(
      `insert into questions (id, channel, external_id, text, author_handle, status, wave, created_at, received_at, sla_due_at, updated_at)
     values (?, 'test', ?, 'my tv has no sound', 'customer', 'offered', 0, ?, ?, ?, ?)`,
    );
    for (let hour = 0; hour < 4 * 24; hour++) {
      const at = start + hour * HOUR + 60_000;
      insert.run(`q${hour}`, `e${hour}`, at, at, at + HOUR, at);
    }
    // A cache of 30 hours: each request's window is longer, so each one evicts hours another may be counting on.
    const hours = createHourSummaries(app.services.data.metrics, clock, 30);
    const windows = [0, 1, 2].map(
      (day) => [start + day * 24 * HOUR, start + (day + 1) * 24 * HOUR + 6 * HOUR] as const,
    );
    const together = await Promise.all(windows.map(([from, to]) => hours.between(from, to)));
    for (const [i, [from, to]] of windows.entries()) {
      const received = together[i]!.reduce((n, part) => n + part.received, 0);
      t.equal(received, 30, `window ${i}: one question in each of its 30 hours`);
      t.same(together[i], await createHourSummaries(app.services.data.metrics, clock).between(from, to));
    }
  },
);
