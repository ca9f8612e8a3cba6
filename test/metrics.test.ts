// Metrics are merged from per-hour summaries cached in memory: they must always equal a fresh computation, also
// after a question in an already summarised hour changes.
import t from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { createMetricsService } from '../server/services/metrics.js';
import { buildTestApp, createUser, seedTags } from './helpers/app.js';

const HOUR = 3_600_000;

t.test('cached hours follow later changes, and match a fresh computation', async (t) => {
  const clock = createManualClock(Date.parse('2026-03-02T09:30:00Z'));
  const app = await buildTestApp(t, { clock });
  await seedTags(app);
  const expert = await createUser(app, 'expert', { profile: { signature: 'EX', skills: [{ tag: 'tv', level: 4 }], capacity: 50 } });
  const manager = (await createUser(app, 'manager')).user;
  const { ingest, questions, replies, metrics } = app.services;
  const ids: string[] = [];
  for (let hour = 0; hour < 30; hour++) {
    for (let i = 0; i < 3; i++) {
      ids.push(ingest.ingest({ channel: 'api', externalId: `m-${hour}-${i}`, text: 'my tv has no sound over hdmi', author: { handle: 'cust' } }).question.id);
      clock.advance(60_000);
    }
    clock.advance(HOUR - 180_000);
  }
  const fresh = () => createMetricsService({ db: app.services.db, clock }).compute({});
  const daily = metrics.compute({});
  t.same(daily, fresh(), 'first computation equals a fresh one');
  t.equal(daily.total, 90);
  t.same(daily.volume.map((v) => v.bucket), ['2026-03-02T00:00:00.000Z', '2026-03-03T00:00:00.000Z'], 'a week is counted per day');
  t.equal(metrics.compute({ from: new Date(clock.now() - 24 * HOUR).toISOString() }).volume.length, 24, 'a day is counted per hour');

  questions.claim(expert.user, ids[4]!);
  replies.submit(expert.user, ids[4]!, 'Turn on HDMI-CEC on both and power-cycle them.');
  questions.dismiss(manager, ids[7]!, 'spam');
  const changed = metrics.compute({});
  t.same(changed, fresh(), 'changes to questions of old hours show at once');
  t.equal(changed.byStatus.dismissed, 1);
  t.equal(changed.byExpert[0]?.expertId, expert.user.id);
  t.equal(changed.timeToClaimMs.count, 1);

  clock.advance(HOUR);
  t.same(metrics.compute({}), fresh(), 'and stay equal as time moves on');
  const edges = { from: '2026-03-02T10:30:30Z', to: '2026-03-02T13:30:30Z' };
  t.equal(metrics.compute(edges).total, 9, 'partial hours at both ends count only their part');
  t.same(metrics.compute(edges), createMetricsService({ db: app.services.db, clock }).compute(edges));
  t.same(metrics.compute({ from: '2026-03-02T13:00:00Z', to: '2026-03-02T12:00:00Z' }).total, 0, 'an empty window is empty');
});
