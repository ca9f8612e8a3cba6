// Restarts on the same database: an offer whose notification was never written gets one at start, one already sent
// is not sent again, and an SLA mark announced before the restart is not announced again after it.
import t from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import type { PushPayload } from '../server/contracts/push.js';
import { as, createUser, login, ADMIN, seedTags, tempDatabasePath } from './helpers/app.js';
import { buildPushApp, pushService } from './helpers/push-service.js';

t.test('a restart sends what a crash left unwritten, and nothing twice', async (t) => {
  const service = await pushService(t);
  const databasePath = tempDatabasePath(t);
  const clock = createManualClock(Date.now());
  const routing = { k: 3, waveMs: 3_600_000, escalateMs: 3_600_000, slaMs: 30 * 60_000 };
  const first = await buildPushApp(t, service, { databasePath, clock, routing });
  await seedTags(first);
  const admin = await login(first, ADMIN.email, ADMIN.password);
  const experts = [];
  for (let i = 0; i < 2; i++) {
    const expert = await createUser(first, 'expert', { profile: { skills: [{ tag: 'tv', level: 3 }] } });
    await as(first, expert).post('/api/me/push-subscriptions', service.subscribe());
    experts.push(expert);
  }
  const manager = await createUser(first, 'manager');
  await as(first, manager).post('/api/me/push-subscriptions', service.subscribe());
  await as(first, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const question = (
    await as(first, manager).post('/api/questions', {
      channel: 'api',
      externalId: 'r-1',
      text: 'my tv has no hdmi signal',
      author: { handle: 'c' },
    })
  ).json().question;
  await first.services.notifier.flush();
  await first.services.push.sender.drain();
  clock.advance(25 * 60_000);
  await first.services.dispatcher.tick();
  await first.services.notifier.flush();
  await first.services.push.sender.drain();
  const types = () => service.received.map((m) => (m.payload as PushPayload).type);
  t.same(types().sort(), ['offer', 'offer', 'sla.at_risk']);
  // The server dies after committing an offer but before its notification row was written.
  first.services.db.$client.prepare('delete from notification_deliveries where user_id = ?').run(experts[1]!.user.id);
  await first.close();

  const second = await buildPushApp(t, service, { databasePath, clock, routing });
  await second.services.push.sender.drain();
  t.same(
    types().sort(),
    ['offer', 'offer', 'offer', 'sla.at_risk'],
    'the lost offer notification goes out at start, the sent one does not',
  );
  t.equal(
    service.received.at(-1)!.payload && (service.received.at(-1)!.payload as PushPayload).questionId,
    question.id,
  );
  await second.services.dispatcher.tick();
  await second.services.notifier.flush();
  await second.services.push.sender.drain();
  t.equal(
    types().filter((type) => type === 'sla.at_risk').length,
    1,
    'the SLA at risk is not announced again after the restart',
  );
  clock.advance(6 * 60_000);
  await second.services.dispatcher.tick();
  await second.services.notifier.flush();
  await second.services.push.sender.drain();
  t.equal(types().filter((type) => type === 'sla.breached').length, 1, 'the breach is still announced, once');
});
