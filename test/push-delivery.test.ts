// What is pushed, to whom, and how it is sent: through the push service stand-in, which verifies the VAPID JWT and
// decrypts each payload as a browser would. Experts here have no tab open: push is how they hear.
import t, { type Test } from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import type { PushPayload } from '../server/contracts/push.js';
import { ADMIN, as, createUser, login, seedTags } from './helpers/app.js';
import { buildPushApp, pushService, webhookReceiver, type PushServiceStandIn } from './helpers/push-service.js';
import type { App } from '../server/app.js';
import { PostError, type ChannelAdapter } from '../server/channels/channel.js';
import { X_LENGTH_RULE } from '../server/domain/attribution.js';

async function setup(t: Test, options: { experts?: number } = {}) {
  const service = await pushService(t);
  const clock = createManualClock(Date.now());
  const app = await buildPushApp(t, service, {
    clock,
    routing: { k: 3, waveMs: 120_000, escalateMs: 600_000, slaMs: 30 * 60_000 },
  });
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const experts = [];
  for (let i = 0; i < (options.experts ?? 1); i++) {
    const expert = await createUser(app, 'expert', {
      name: `Expert ${i}`,
      profile: { skills: [{ tag: 'tv', level: 5 - i }], capacity: 2 },
    });
    const device = service.subscribe();
    t.equal((await as(app, expert).post('/api/me/push-subscriptions', device)).statusCode, 201);
    experts.push({ ...expert, deviceId: device.endpoint.split('/').at(-1)! });
  }
  const manager = await createUser(app, 'manager', { name: 'Mona Manager' });
  const ingest = async (text = 'my tv soundbar has no sound over hdmi, please help') =>
    (
      await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: `q-${Math.random()}`,
        text,
        author: { handle: 'cust' },
      })
    ).json().question;
  const settle = async () => {
    await app.services.notifier.flush();
    await app.services.push.sender.drain();
  };
  return { service, clock, app, admin, experts, manager, ingest, settle };
}

const payloads = (service: PushServiceStandIn, deviceId: string) =>
  service.received.filter((m) => m.subscriptionId === deviceId).map((m) => m.payload as PushPayload);

t.test(
  'an offer reaches a subscribed expert with no tab open: decrypted payload, topic, urgency and TTL',
  async (t) => {
    const { service, app, experts, ingest, settle } = await setup(t);
    t.notOk(app.services.hub.isOnline(experts[0]!.user.id), 'the expert has no live connection');
    const question = await ingest();
    t.equal(question.status, 'offered', 'a reachable expert is offered the question');
    await settle();
    t.same(service.refused, [], 'the push service accepted the VAPID JWT and could decrypt the payload');
    t.equal(
      app.services.push.sender.stats().sendingFrom,
      'thread',
      'pushes are encrypted and sent on their own thread, not the event loop',
    );
    t.equal(service.received.length, 1);
    const [message] = service.received;
    t.match(message!.payload, {
      type: 'offer',
      questionId: question.id,
      title: 'New question from @cust',
      url: `/#/q/${question.id}`,
      tag: `q${question.id}`,
      body: /“my tv soundbar has no sound over hdmi, please help”\n#tv\n2 minutes left to claim/,
    });
    t.equal(message!.headers.urgency, 'high', 'offers are urgent');
    t.equal(message!.headers.topic, `q${question.id}`, 'one topic per question');
    t.ok(
      message!.headers.ttl > 100 && message!.headers.ttl <= 120,
      `the TTL is the offer's remaining window (${message!.headers.ttl} s)`,
    );
    t.match(message!.vapid, { aud: service.url, sub: /^mailto:/ });
    t.equal(
      message!.vapid.k,
      (await as(app, experts[0]!).get('/api/push/vapid-public-key')).json().key,
      "signed with the server's VAPID key",
    );
    const listed = (await as(app, experts[0]!).get('/api/me/push-subscriptions')).json().items;
    t.ok(listed[0].lastSuccessAt, 'the device shows when it last received a push');

    await settle();
    t.equal(service.received.length, 1, 'a row once sent is not sent again');
  },
);

t.test(
  'claimed by someone else: the others get offer.withdrawn with the same topic; the claimer gets nothing',
  async (t) => {
    const { service, app, experts, ingest, settle } = await setup(t, { experts: 3 });
    const question = await ingest();
    await settle();
    t.equal(service.received.length, 3, 'each of the three offered experts got the offer');
    t.equal((await as(app, experts[1]!).post(`/api/questions/${question.id}/claim`)).statusCode, 200);
    await settle();
    t.same(
      payloads(service, experts[1]!.deviceId).map((p) => p.type),
      ['offer'],
      'the claimer is not notified of their own claim',
    );
    for (const other of [experts[0]!, experts[2]!]) {
      const mine = service.received.filter((m) => m.subscriptionId === other.deviceId);
      t.same(
        mine.map((m) => (m.payload as PushPayload).type),
        ['offer', 'offer.withdrawn'],
      );
      t.equal(mine[1]!.headers.topic, mine[0]!.headers.topic, 'the withdrawal replaces the offer (same topic)');
      t.match(mine[1]!.payload, { questionId: question.id, tag: `q${question.id}`, body: /Expert 1 is answering/ });
    }
  },
);

t.test('assignment, mention and review decisions reach the expert', async (t) => {
  const { service, app, admin, experts, manager, ingest, settle } = await setup(t, { experts: 2 });
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: true } });
  const question = await ingest('my tv remote does not pair');
  await settle();
  const assigned = await as(app, manager).post(`/api/questions/${question.id}/assign`, {
    expertId: experts[0]!.user.id,
  });
  t.equal(assigned.statusCode, 200);
  await settle();
  t.match(payloads(service, experts[0]!.deviceId).at(-1), {
    type: 'assigned',
    questionId: question.id,
    title: 'A question was assigned to you',
  });
  t.match(
    payloads(service, experts[1]!.deviceId).at(-1),
    { type: 'offer.withdrawn' },
    'the other offered expert hears it is gone',
  );

  const note = await as(app, manager).post(`/api/questions/${question.id}/notes`, {
    text: `@${experts[1]!.user.name} can you check the pairing steps?`,
  });
  t.equal(note.statusCode, 201);
  await settle();
  t.match(payloads(service, experts[1]!.deviceId).at(-1), {
    type: 'mention',
    title: 'Mona Manager mentioned you',
    body: /pairing steps/,
  });

  const handoff = await as(app, experts[0]!).post(`/api/questions/${question.id}/handoff`, {
    expertId: experts[1]!.user.id,
    note: 'you know remotes better',
  });
  t.equal(handoff.statusCode, 200);
  await settle();
  const last = payloads(service, experts[1]!.deviceId).at(-1)!;
  t.match(
    last,
    { type: 'assigned', body: /you know remotes better/ },
    'a hand-off is one notification carrying its note',
  );

  const submitted = await as(app, experts[1]!).post(`/api/questions/${question.id}/replies`, {
    text: 'Hold the home and back buttons for 5 seconds to pair it again.',
  });
  t.equal(submitted.statusCode, 201, submitted.body);
  const rejected = await as(app, manager).post(`/api/replies/${submitted.json().reply.id}/reject`, {
    feedback: 'Say which remote model this is for',
  });
  t.equal(rejected.statusCode, 200);
  await settle();
  t.match(payloads(service, experts[1]!.deviceId).at(-1), {
    type: 'reply.rejected',
    title: 'Your answer needs changes',
    body: 'Say which remote model this is for',
  });
  const second = await as(app, experts[1]!).post(`/api/questions/${question.id}/replies`, {
    text: 'For the model 3 remote: hold home and back for 5 seconds.',
  });
  await as(app, manager).post(`/api/replies/${second.json().reply.id}/approve`, {});
  await settle();
  t.match(payloads(service, experts[1]!.deviceId).at(-1), { type: 'reply.approved', url: `/#/q/${question.id}` });
  t.same(service.refused, []);
});

async function managerDevice(app: App, service: PushServiceStandIn, session: Awaited<ReturnType<typeof createUser>>) {
  const device = service.subscribe();
  await as(app, session).post('/api/me/push-subscriptions', device);
  return device.endpoint.split('/').at(-1)!;
}

t.test('managers hear of escalations, SLA at risk and breached, and the chat webhook gets the same', async (t) => {
  const { service, app, clock, admin, manager, ingest, settle } = await setup(t, { experts: 0 });
  const managerDeviceId = await managerDevice(app, service, manager);
  const hook = await webhookReceiver(t);
  const saved = await as(app, admin).put('/api/settings', {
    alertWebhook: { url: hook.url, events: ['question.escalated', 'sla.at_risk', 'sla.breached', 'post.failed'] },
  });
  t.equal(saved.statusCode, 200, saved.body);
  t.equal(
    (await as(app, manager).get('/api/settings')).json().alertWebhook.url,
    null,
    'only admins read the webhook address',
  );
  const question = await ingest('hdmi port on my tv is loose');

  clock.advance(600_001);
  await app.services.dispatcher.tick();
  await settle();
  t.match(payloads(service, managerDeviceId).at(-1), {
    type: 'question.escalated',
    questionId: question.id,
    title: 'Escalated: nobody claimed it',
  });
  t.match(hook.bodies.at(-1), {
    text: /Escalated: nobody claimed it.*question\.escalated/s,
    blocks: [{ type: 'section' }],
  });

  clock.advance(18 * 60_000);
  await app.services.dispatcher.tick();
  await settle();
  t.match(payloads(service, managerDeviceId).at(-1), { type: 'sla.at_risk', body: /Due in 2 minutes/ });
  await app.services.dispatcher.tick();
  await settle();
  t.equal(payloads(service, managerDeviceId).filter((p) => p.type === 'sla.at_risk').length, 1, 'announced once');

  clock.advance(3 * 60_000);
  await app.services.dispatcher.tick();
  await settle();
  t.match(payloads(service, managerDeviceId).at(-1), { type: 'sla.breached', body: /Overdue by 1 minute/ });
  t.same(
    hook.bodies.map((b) => (b as { text: string }).text.match(/\((\S+), question/)?.[1]),
    ['question.escalated', 'sla.at_risk', 'sla.breached'],
  );

  const test = await as(app, admin).post('/api/settings/alert-webhook/test', {});
  t.same(test.json(), { ok: true, status: 200 });
  t.match(hook.bodies.at(-1), { text: /test of the desk’s alert webhook/ });
  hook.status = 500;
  t.same((await as(app, admin).post('/api/settings/alert-webhook/test', { url: hook.url })).json(), {
    ok: false,
    status: 500,
  });
  t.equal((await as(app, manager).post('/api/settings/alert-webhook/test', {})).statusCode, 403, 'admins only');
});

t.test('the webhook address follows the same rules as push endpoints', async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service, { allowLocal: false });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  for (const url of ['http://127.0.0.1:9/hook', 'https://10.0.0.5/hook', 'https://localhost/hook']) {
    const saved = await as(app, admin).put('/api/settings', { alertWebhook: { url, events: ['sla.breached'] } });
    t.equal(saved.statusCode, 422, url);
    t.equal(saved.json().error.code, 'endpoint_not_allowed');
    t.equal((await as(app, admin).post('/api/settings/alert-webhook/test', { url })).statusCode, 422);
  }
});

t.test('410 from the push service deletes the subscription and drops what was waiting for it', async (t) => {
  const { service, app, experts, ingest, settle } = await setup(t);
  service.forget(experts[0]!.deviceId);
  await ingest();
  await settle();
  t.same((await as(app, experts[0]!).get('/api/me/push-subscriptions')).json().items, [], 'the subscription is gone');
  const states = app.services.db.$client.prepare('select state from notification_deliveries').pluck().all();
  t.same(states, ['dropped']);
  const next = await ingest('another tv with hdmi trouble');
  t.notOk(
    next.status === 'offered' &&
      app.services.db.$client
        .prepare('select 1 from offers where question_id = ? and expert_id = ?')
        .get(next.id, experts[0]!.user.id),
    'with no device and no tab, the expert is no longer reachable',
  );
});

t.test('429 with Retry-After is retried no sooner than asked; 5xx backs off; a 400 fails', async (t) => {
  const { service, app, clock, ingest, settle } = await setup(t);
  service.answer({ status: 429, headers: { 'retry-after': '30' } });
  await ingest();
  await settle();
  const row = () =>
    app.services.db.$client
      .prepare(
        'select state, attempts, next_attempt_at as nextAttemptAt, last_error as lastError from notification_deliveries',
      )
      .get() as Record<string, unknown>;
  t.match(row(), { state: 'pending', attempts: 1, lastError: '429' });
  t.equal(row().nextAttemptAt, clock.now() + 30_000, 'the next attempt waits for Retry-After');
  service.answer(null);
  clock.advance(29_000);
  await settle();
  t.equal(service.received.length, 0, 'not before Retry-After');
  clock.advance(1_000);
  await settle();
  t.equal(service.received.length, 1, 'delivered once Retry-After passed');
  t.match(row(), { state: 'sent', attempts: 2 });

  service.answer({ status: 503 });
  await ingest('tv number two has a dead hdmi port');
  await settle();
  const retrying = app.services.db.$client
    .prepare("select attempts, next_attempt_at - ? as wait from notification_deliveries where state = 'pending'")
    .get(clock.now()) as { attempts: number; wait: number };
  t.same(retrying, { attempts: 1, wait: 2000 }, 'a 5xx without Retry-After backs off');
  service.answer({ status: 400 });
  clock.advance(2_000);
  await settle();
  t.equal(
    app.services.db.$client
      .prepare("select count(*) from notification_deliveries where state = 'failed'")
      .pluck()
      .get(),
    1,
    'a 4xx other than 404/410/429 fails for good',
  );
  t.equal(
    app.services.db.$client.prepare('select failures from push_subscriptions').pluck().get(),
    2,
    'failures are counted on the subscription',
  );
});

t.test(
  'a restart reconciles: an open offer with no notification gets one; one already sent is not sent again',
  async (t) => {
    const { service, app, experts, ingest, settle } = await setup(t, { experts: 2 });
    await ingest();
    await settle();
    t.equal(service.received.length, 2);
    // As if the server died between the offer's commit and writing its notification.
    app.services.db.$client.prepare('delete from notification_deliveries where user_id = ?').run(experts[1]!.user.id);
    t.equal(await app.services.notifier.reconcile(), 1, 'the missing one is queued');
    await settle();
    t.same(
      service.received.map((m) => m.subscriptionId).sort(),
      [experts[0]!.deviceId, experts[1]!.deviceId, experts[1]!.deviceId].sort(),
    );
    t.equal(await app.services.notifier.reconcile(), 0, 'and nothing twice');
  },
);

t.test('a reply that fails to post alerts managers by push and on the chat webhook', async (t) => {
  const service = await pushService(t);
  const poster: ChannelAdapter = {
    name: 'api',
    length: X_LENGTH_RULE,
    async post() {
      throw new PostError('permanent', 'the customer deleted their post');
    },
    async findExisting() {
      return null;
    },
  };
  const app = await buildPushApp(t, service, { channelAdapters: [poster] });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const hook = await webhookReceiver(t);
  await as(app, admin).put('/api/settings', {
    alertWebhook: { url: hook.url, events: ['post.failed'] },
    reviewPolicy: { minApproved: 0, reviewAll: false },
  });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
  const manager = await createUser(app, 'manager');
  const managerDeviceId = await managerDevice(app, service, manager);
  const question = (
    await as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: 'fails-1',
      text: 'where is my order',
      author: { handle: 'c' },
    })
  ).json().question;
  await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
  t.equal(
    (await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'It ships today.' })).statusCode,
    201,
  );
  await app.services.outbox.run();
  await app.services.notifier.flush();
  await app.services.push.sender.drain();
  t.match(payloads(service, managerDeviceId).at(-1), {
    type: 'post.failed',
    questionId: question.id,
    body: /the customer deleted their post/,
  });
  t.equal(hook.bodies.length, 1, 'escalations were not asked for on this webhook, failed posts were');
  t.match(hook.bodies[0], { text: /Reply failed to post\* \(post\.failed/ });
});

t.test('a question dismissed while offered withdraws its open offers', async (t) => {
  const { service, app, clock, experts, manager, ingest, settle } = await setup(t, { experts: 2 });
  const question = await ingest();
  await settle();
  t.equal(service.received.length, 2);
  clock.advance(30_000);
  t.equal((await as(app, manager).post(`/api/questions/${question.id}/dismiss`, { reason: 'spam' })).statusCode, 200);
  await settle();
  for (const expert of experts) {
    t.match(payloads(service, expert.deviceId).at(-1), {
      type: 'offer.withdrawn',
      title: 'Question closed',
      questionId: question.id,
    });
  }
});
