// The SLA watch pages through a backlog (after downtime) without losing any question: ones already past their
// deadline in an at-risk page, and many due at the same millisecond, are all read once.
import t from 'tap';
import { openDatabase } from '../db/client.js';
import type { QuestionSummary } from '../server/contracts/api.js';
import { createManualClock } from '../server/domain/clock.js';
import { createEventBus, createUnitOfWork } from '../server/events/unit-of-work.js';
import { createSlaWatch } from '../server/listeners/sla-watch.js';
import { createRepositories, readSides } from '../server/repositories/index.js';
import { as, buildTestApp, createUser } from './helpers/app.js';

t.test('a backlog of 180 questions: 30 breached, 150 at risk with one due time — each announced once', async (t) => {
  const clock = createManualClock(Date.parse('2026-12-06T09:00:00Z'));
  const slaMs = 30 * 60_000;
  const app = await buildTestApp(t, { clock, routing: { slaMs } });
  const manager = await createUser(app, 'manager');
  const announced: { event: string; id: string }[] = [];
  const watch = createSlaWatch({
    data: app.services.data,
    uow: app.services.uow,
    clock,
    presenters: app.services.presenters,
    slaMs,
    announce: async (_unit, alerts) => {
      for (const { event, question } of alerts) announced.push({ event, id: question.id });
    },
  });
  const ingest = async (n: number, prefix: string) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      const created = await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: `${prefix}-${i}`,
        text: `question ${prefix} ${i}`,
        author: { handle: 'c' },
      });
      ids.push(created.json().question.id);
    }
    return ids;
  };
  const early = await ingest(30, 'early');
  clock.advance(10 * 60_000);
  const late = await ingest(150, 'late');
  // The server was down from here until both groups crossed: the early ones are breached, the late ones at risk.
  clock.advance(29 * 60_000);
  for (let tick = 0; tick < 6; tick++) await watch.tick(clock.now());
  const of = (event: string, ids: string[]) => announced.filter((a) => a.event === event && ids.includes(a.id));
  t.equal(of('sla.breached', early).length, 30, 'every breached question announced');
  t.equal(of('sla.at_risk', late).length, 150, 'every at-risk question announced, though they share one due time');
  t.equal(new Set(announced.map((a) => `${a.event}:${a.id}`)).size, announced.length, 'none twice');
  t.equal(of('sla.at_risk', early).length, 0, 'a question already past its deadline is a breach, not "at risk"');
});

t.test(
  'ticks that overlap announce once; a failed announcement leaves the marks, so it is announced again',
  async (t) => {
    const db = openDatabase(':memory:');
    t.teardown(() => db.$client.close());
    const repositories = createRepositories(db);
    const data = readSides(repositories);
    const uow = createUnitOfWork(db, repositories, createEventBus({ error() {} }));
    const clock = createManualClock(Date.parse('2026-12-07T09:00:00Z'));
    const slaMs = 30 * 60_000;
    for (const id of ['q1', 'q2'])
      db.$client
        .prepare(
          `insert into questions (id, channel, external_id, text, author_handle, status, created_at, received_at,
           sla_due_at, updated_at) values (?, 'api', ?, 'help', 'c', 'new', ?, ?, ?, ?)`,
        )
        .run(id, id, clock.now(), clock.now(), clock.now() + slaMs, clock.now());
    const announced: string[] = [];
    let failNext = false;
    const watchOn = () =>
      createSlaWatch({
        data,
        uow,
        clock,
        presenters: {
          summaries: async (rows) => rows.map((row) => ({ id: row.id }) as unknown as QuestionSummary),
        },
        slaMs,
        announce: async (unit, alerts) => {
          await unit.notifications.insert([]);
          if (failNext) {
            failNext = false;
            throw new Error('the disk is full');
          }
          for (const { event, question } of alerts) announced.push(`${event}:${question.id}`);
        },
      });
    const watch = watchOn();
    clock.advance(slaMs - 60_000);
    failNext = true;
    await t.rejects(watch.tick(clock.now()), /the disk is full/);
    t.same(announced, [], 'nothing announced');
    await Promise.all([watch.tick(clock.now()), watch.tick(clock.now()), watch.tick(clock.now())]);
    t.same(announced, ['sla.at_risk:q1', 'sla.at_risk:q2'], 'announced by the next tick, once though three overlapped');
    // A restart reads the marks the announcing unit stored.
    const restarted = watchOn();
    await restarted.tick(clock.now());
    clock.advance(2 * 60_000);
    await restarted.tick(clock.now());
    t.same(announced, ['sla.at_risk:q1', 'sla.at_risk:q2', 'sla.breached:q1', 'sla.breached:q2'], 'and nothing twice');
  },
);
