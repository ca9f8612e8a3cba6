// Found in review of the push work: a withdrawal goes only to those whose offer this claim ended, and a customer's
// words cannot inject Slack markup into the desk's channel.
import t from 'tap';
import type { PushPayload } from '../server/contracts/push.js';
import { createManualClock } from '../server/domain/clock.js';
import { chatMessage, escapeChatText } from '../server/listeners/push-messages.js';
import { as, createUser, seedTags } from './helpers/app.js';
import { buildPushApp, pushService } from './helpers/push-service.js';

t.test('a withdrawal reaches only the experts whose offer this claim or assignment ended', async (t) => {
  const service = await pushService(t);
  const clock = createManualClock(Date.now());
  const app = await buildPushApp(t, service, {
    clock,
    routing: { k: 2, waveMs: 120_000, escalateMs: 600_000, slaMs: 30 * 60_000 },
  });
  await seedTags(app);
  const experts: (Awaited<ReturnType<typeof createUser>> & { deviceId: string })[] = [];
  for (let i = 0; i < 4; i++) {
    const expert = await createUser(app, 'expert', {
      name: `Expert ${i}`,
      profile: { skills: [{ tag: 'tv', level: 5 - i }], capacity: 3 },
    });
    const device = service.subscribe();
    await as(app, expert).post('/api/me/push-subscriptions', device);
    experts.push({ ...expert, deviceId: device.endpoint.split('/').at(-1)! });
  }
  const manager = await createUser(app, 'manager');
  const settle = async () => {
    await app.services.notifier.flush();
    await app.services.push.sender.drain();
  };
  const types = (i: number) =>
    service.received
      .filter((m) => m.subscriptionId === experts[i]!.deviceId)
      .map((m) => (m.payload as PushPayload).type);

  const question = (
    await as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: 'w-1',
      text: 'tv hdmi has no sound',
      author: { handle: 'c' },
    })
  ).json().question;
  await settle();
  t.same([0, 1, 2, 3].map(types), [['offer'], ['offer'], [], []], 'the first wave: experts 0 and 1');
  t.equal((await as(app, experts[0]!).post(`/api/questions/${question.id}/claim`)).statusCode, 200);
  await settle();
  t.same(types(1), ['offer', 'offer.withdrawn'], 'expert 1 hears it is taken');
  t.equal((await as(app, experts[0]!).post(`/api/questions/${question.id}/release`)).statusCode, 200);
  await settle();
  const secondWave = [2, 3].filter((i) => types(i).includes('offer'));
  t.ok(secondWave.length > 0, 'released, it goes to the next wave');
  t.equal(
    (
      await as(app, manager).post(`/api/questions/${question.id}/assign`, {
        expertId: experts[secondWave[0]!]!.user.id,
      })
    ).statusCode,
    200,
  );
  await settle();
  t.same(types(1), ['offer', 'offer.withdrawn'], 'expert 1, whose offer ended at the first claim, is not told again');
  for (const i of secondWave.slice(1))
    t.same(
      types(i),
      ['offer', 'offer.withdrawn'],
      `expert ${i}, offered in the second wave, hears the assignment ended it`,
    );
  t.same(types(secondWave[0]!), ['offer', 'assigned'], 'the assignee hears of the assignment');
});

t.test("a customer's words cannot ping the channel or disguise a link in the chat webhook", async (t) => {
  t.equal(
    escapeChatText('<!channel> a & b <https://evil.example|Open ticket>'),
    '&lt;!channel&gt; a &amp; b &lt;https://evil.example|Open ticket&gt;',
  );
  const message = chatMessage(
    {
      payload: {
        type: 'question.escalated',
        questionId: 'q1',
        title: 'Question escalated',
        body: '“<!channel> refund now <https://evil.example|Open ticket>” from @x',
        url: '/#/q/q1',
        tag: 'qq1',
      },
      urgency: 'high',
      ttlSeconds: 3600,
      topic: 'qq1',
    } as never,
    'question.escalated',
  );
  t.notMatch(message.text, /<!channel>|<https:/, 'no Slack control sequence survives');
  t.match(message.text, /&lt;!channel&gt;/);
});

t.test('a changed or reset password and a deactivated account end the devices they let subscribe', async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service, {});
  const { ADMIN, login } = await import('./helpers/app.js');
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const devices = async (who: Awaited<ReturnType<typeof createUser>>) =>
    (await as(app, who).get('/api/me/push-subscriptions')).json().items.length;
  const subscribed = async () => {
    const expert = await createUser(app, 'expert', { profile: { signature: 'PX' } });
    for (let i = 0; i < 2; i++)
      t.equal((await as(app, expert).post('/api/me/push-subscriptions', service.subscribe())).statusCode, 201);
    t.equal(await devices(expert), 2);
    return expert;
  };
  const changer = await subscribed();
  t.equal(
    (
      await as(app, changer).post('/api/me/password', {
        currentPassword: changer.password,
        newPassword: 'a-brand-new-password-1',
      })
    ).statusCode,
    204,
  );
  t.equal(
    await devices(changer),
    0,
    'a changed password: no device hears with the old one (the client subscribes its own again)',
  );

  const forgetful = await subscribed();
  t.equal(
    (await as(app, admin).post(`/api/users/${forgetful.user.id}/password`, { temporaryPassword: 'temporary-pass-1' }))
      .statusCode,
    204,
  );
  t.equal(
    app.services.db.$client
      .prepare('select count(*) n from push_subscriptions where user_id = ?')
      .pluck()
      .get(forgetful.user.id),
    0,
    'a reset password',
  );

  const leaving = await subscribed();
  t.equal((await as(app, admin).patch(`/api/users/${leaving.user.id}`, { active: false })).statusCode, 200);
  t.equal(
    app.services.db.$client
      .prepare('select count(*) n from push_subscriptions where user_id = ?')
      .pluck()
      .get(leaving.user.id),
    0,
    'a deactivated account',
  );
});
