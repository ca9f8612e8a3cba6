// On PostgreSQL the insight digest and recognition run on the analytics thread too (services/analytics.ts), over a
// pool of the thread's own: the same answers as computed on the event loop.
import t from 'tap';
import { createManualClock } from '../../server/domain/clock.js';
import { createInsightService } from '../../server/services/insights.js';
import { createRecognitionService } from '../../server/services/recognition.js';
import { as, buildTestApp, createUser, seedTags } from '../helpers/app.js';
import { answer, ask } from '../helpers/knowledge.js';

process.env.HELPFORCE_TEST_ENGINE = 'postgres';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const RANGE = { from: new Date(NOW - 7 * 24 * 3600_000).toISOString(), to: new Date(NOW + 3600_000).toISOString() };
const query = `from=${encodeURIComponent(RANGE.from)}&to=${encodeURIComponent(RANGE.to)}`;

t.test('the digest and recognition come from the thread, equal to a computation on the event loop', async (t) => {
  const clock = createManualClock(NOW);
  const app = await buildTestApp(t, { clock });
  t.equal(app.services.storage.engine, 'postgres');
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const asked = [];
  for (const text of ['No sound over HDMI on my TV', 'My TV has no sound over HDMI', 'Laptop battery drains fast'])
    asked.push(await ask(app, manager, text));
  await answer(app, { manager, expert: jane }, asked[0]!, 'Turn on HDMI-CEC.');

  const insights = await as(app, manager).get(`/api/insights?${query}`);
  const recognition = await as(app, manager).get(`/api/recognition?${query}`);
  t.equal(insights.statusCode, 200);
  t.equal(recognition.statusCode, 200);
  t.equal(app.services.analytics.mode(), 'thread', 'computed on the thread');
  t.ok(app.services.analytics.running(), 'which is up');
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
  t.ok(
    recognition.json().experts.some((e: { name: string }) => e.name === 'Jane'),
    'recognition names the expert who answered',
  );
});
