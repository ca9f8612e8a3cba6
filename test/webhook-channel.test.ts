// Outgoing webhooks for API channels: an admin gives a channel (email, chat, …) an address and gets its secret once;
// an approved reply on that channel is POSTed there, signed, retried with backoff and delivered once, checked by an
// independent receiver (dev/webhook-receiver.ts); a channel with no delivery says its replies were not sent.
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { startWebhookReceiver, type Fault } from '../dev/webhook-receiver.js';
import { buildApp, REDACTED_PATHS } from '../server/app.js';
import { retryAfterMs } from '../server/channels/webhook/adapter.js';
import { DEFAULT_VAPID_SUBJECT } from '../server/config.js';
import { createManualClock } from '../server/domain/clock.js';
import { ADMIN, as, createUser, login, testConfig } from './helpers/app.js';

interface Options {
  /** Loopback receivers are accepted (tests, the demo); off, only public https addresses are. */
  allowLocal?: boolean;
  logs?: string[];
}

async function setup(t: Test, { allowLocal = true, logs }: Options = {}) {
  const clock = createManualClock(Date.now());
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs?.push(String(chunk));
      done();
    },
  });
  const config = {
    ...testConfig(t),
    push: { allowLocalEndpoints: allowLocal, vapid: { subject: DEFAULT_VAPID_SUBJECT } },
  };
  const app = await buildApp(config, {
    clock,
    timers: false,
    logger: logs ? { level: 'trace', redact: REDACTED_PATHS, stream } : false,
  });
  t.teardown(() => app.close());
  await app.ready();
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await app.services.settings.update({ reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
  const manager = await createUser(app, 'manager');
  let asked = 0;

  /** A question on `channel` answered by the expert (no review): its reply is in the outbox when this returns. */
  const answer = async (channel: string, text = 'Unmute it.') => {
    asked++;
    const question = (
      await as(app, manager).post('/api/questions', {
        channel,
        externalId: `${channel}-thread-${asked}`,
        text: 'my tv is silent',
        author: { handle: 'maria@example.com' },
      })
    ).json().question as { id: string; externalId: string };
    await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    const submitted = await as(app, expert).post(`/api/questions/${question.id}/replies`, { text });
    t.equal(submitted.statusCode, 201, 'the reply is accepted');
    return question;
  };
  const detail = async (questionId: string) => (await as(app, manager).get(`/api/questions/${questionId}`)).json();
  const drain = async () => {
    await app.services.outbox.idle();
    await app.services.outbox.run();
  };
  const configure = async (channel: string, url: string) => {
    const saved = await as(app, admin).put(`/api/channels/${channel}/webhook`, { url });
    t.equal(saved.statusCode, 201, `the ${channel} webhook is created`);
    return saved.json().secret as string;
  };
  return { app, clock, admin, manager, expert, answer, detail, drain, configure };
}

/** A receiver holding the secret the server hands out once (set after configuration). */
async function receiver(t: Test, now?: () => number) {
  const secret = { current: [] as string[] };
  const started = await startWebhookReceiver({ secrets: () => secret.current, now });
  t.teardown(() => started.close());
  return Object.assign(started, { trust: (...secrets: string[]) => (secret.current = secrets) });
}

t.test('only an admin configures a webhook; its secret is shown once', async (t) => {
  const { app, admin, manager } = await setup(t);
  const hooks = await receiver(t);
  t.equal((await as(app, manager).put('/api/channels/email/webhook', { url: hooks.url })).statusCode, 403);
  t.equal((await as(app, manager).get('/api/channels')).statusCode, 403, 'nor lists the channels');

  const created = await as(app, admin).put('/api/channels/email/webhook', { url: hooks.url });
  t.equal(created.statusCode, 201);
  const { secret } = created.json();
  t.match(secret, /^whsec_[A-Za-z0-9_-]{43}$/);
  t.match(created.json().channel, { name: 'email', delivery: 'webhook', webhook: { url: hooks.url } });

  const listed = await as(app, admin).get('/api/channels');
  t.notOk(listed.body.includes(secret), 'the list never carries the secret');
  t.match(listed.json().items, [{ name: 'email', delivery: 'webhook' }]);
  t.notOk((await as(app, admin).get('/api/settings')).body.includes(secret), 'nor do the settings');

  const moved = await as(app, admin).put('/api/channels/email/webhook', { url: `${hooks.url}/v2` });
  t.equal(moved.statusCode, 200, 'a new address for the same channel');
  t.equal(moved.json().secret, null, 'keeps the secret and does not show it again');

  t.equal(
    (await as(app, admin).put('/api/channels/x/webhook', { url: hooks.url })).json().error.code,
    'network_channel',
  );
  t.equal((await as(app, admin).put('/api/channels/E-mail!/webhook', { url: hooks.url })).statusCode, 400);
  t.equal((await as(app, admin).post('/api/channels/chat/webhook/rotate')).statusCode, 404);
});

t.test('addresses off the public internet are refused when the webhook is configured', async (t) => {
  const { app, admin } = await setup(t, { allowLocal: false });
  for (const url of [
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.5/hook',
    'https://[::1]/hook',
    'https://localhost/hook',
    'http://hooks.example.com/plain-http',
    'https://user:pass@hooks.example.com/',
  ]) {
    const refused = await as(app, admin).put('/api/channels/email/webhook', { url });
    t.equal(refused.statusCode, 422, url);
    t.equal(refused.json().error.code, 'endpoint_not_allowed', url);
  }
  t.same((await as(app, admin).get('/api/channels')).json().items, [], 'nothing was stored');
});

t.test('an approved reply on a configured channel is delivered once, signed, and answers the question', async (t) => {
  const { app, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  const question = await answer('email');
  await drain();
  await drain();

  t.equal(hooks.deliveries.length, 1, 'exactly one delivery');
  t.same(
    hooks.attempts.map((a) => a.outcome),
    ['accepted'],
    'its signature verified',
  );
  const [delivery] = hooks.deliveries;
  const after = await detail(question.id);
  const [reply] = after.question.replies;
  t.match(delivery?.body, {
    id: reply.id,
    questionId: question.id,
    channel: 'email',
    inReplyTo: question.externalId,
    text: 'Unmute it. ^JD',
  });
  t.equal(delivery?.key, reply.id, 'the Idempotency-Key is the reply id');
  t.equal(after.question.status, 'answered');
  t.match(reply, { status: 'posted', delivery: 'sent', externalId: 'msg-1' }, "the receiver's id is kept");
  t.equal(app.services.channelAdapters.lengthRule('email').max, 2200, 'a webhook channel is not held to 280');
});

t.test('a 500 is retried with backoff; the question is answered once the receiver says 2xx', async (t) => {
  const { clock, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  hooks.inject({ status: 500 }, { status: 503 });
  const question = await answer('email');
  await drain();
  t.equal((await detail(question.id)).question.status, 'posting', 'still posting after a 500');
  await drain();
  t.equal(hooks.attempts.length, 1, 'nothing is sent again before the backoff');
  clock.advance(1_000);
  await drain();
  t.equal(hooks.attempts.length, 2, 'the second attempt after 1 s');
  clock.advance(1_000);
  await drain();
  t.equal(hooks.attempts.length, 2, 'the third waits twice as long');
  clock.advance(1_000);
  await drain();
  t.same(
    hooks.attempts.map((a) => a.outcome),
    ['fault', 'fault', 'accepted'],
  );
  t.equal(hooks.deliveries.length, 1);
  t.equal((await detail(question.id)).question.status, 'answered');
});

t.test('a 429 with Retry-After is waited out', async (t) => {
  const { clock, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('chat', hooks.url));
  hooks.inject({ status: 429, retryAfter: '30' });
  const question = await answer('chat');
  await drain();
  clock.advance(20_000);
  await drain();
  t.equal(hooks.attempts.length, 1, 'not before the receiver said');
  clock.advance(10_000);
  await drain();
  t.equal(hooks.deliveries.length, 1);
  t.equal((await detail(question.id)).question.status, 'answered');
  t.equal(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT', 0), Date.parse('2026-10-21T07:28:00Z'), 'or an HTTP date');
});

t.test('a 400 fails for good and shows Retry; the retry delivers', async (t) => {
  const { app, manager, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  hooks.inject({ status: 400 });
  const question = await answer('email');
  await drain();
  const failed = await detail(question.id);
  t.equal(failed.question.status, 'failed');
  t.equal(failed.question.replies[0].failureReason, 'the webhook answered 400');
  t.same((await app.webhookChannels.list())[0]?.outbox, { pending: 0, failed: 1 }, 'the channel counts it');

  t.equal((await as(app, manager).post(`/api/questions/${question.id}/retry`)).statusCode, 200);
  await drain();
  t.equal(hooks.deliveries.length, 1);
  t.equal((await detail(question.id)).question.status, 'answered');
});

t.test('a lost answer is sent again with the same key, and the receiver applies it once', async (t) => {
  const { clock, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  for (const fault of [{ drop: 'after' }, { drop: 'before' }] as Fault[]) {
    hooks.inject(fault);
    const question = await answer('email', `Unmute it (${JSON.stringify(fault)}).`);
    await drain();
    t.equal((await detail(question.id)).question.status, 'posting', 'no answer: not known to be delivered');
    clock.advance(1_000);
    await drain();
    t.equal((await detail(question.id)).question.status, 'answered');
  }
  t.same(
    hooks.attempts.map((a) => a.outcome),
    ['accepted', 'repeat', 'fault', 'accepted'],
  );
  t.equal(hooks.attempts[0]?.key, hooks.attempts[1]?.key, 'the retry carries the same Idempotency-Key');
  t.equal(hooks.deliveries.length, 2, 'one effect per reply');
});

t.test('a receiver that cannot verify refuses; a rotated secret signs beside the old one', async (t) => {
  const { app, admin, clock, answer, detail, drain, configure } = await setup(t);
  const hooks = await receiver(t, clock.now);
  const secret = await configure('email', hooks.url);
  hooks.trust('whsec_someone-else');
  const forged = await answer('email');
  await drain();
  t.match(hooks.attempts, [{ outcome: 'rejected', reason: 'signature mismatch' }]);
  t.equal((await detail(forged.id)).question.status, 'failed', 'a refused signature is a failure for good');

  const stale = await startWebhookReceiver({ secrets: [secret], now: () => clock.now() + 6 * 60_000 });
  t.teardown(() => stale.close());
  await as(app, admin).put('/api/channels/email/webhook', { url: stale.url });
  const late = await answer('email');
  await drain();
  t.match(stale.attempts, [{ outcome: 'rejected', reason: 'timestamp outside the tolerance' }]);
  t.equal((await detail(late.id)).question.status, 'failed');

  await as(app, admin).put('/api/channels/email/webhook', { url: hooks.url });
  const rotated = await as(app, admin).post('/api/channels/email/webhook/rotate');
  const fresh = rotated.json().secret;
  t.not(fresh, secret);
  hooks.trust(secret);
  await answer('email');
  await drain();
  t.equal(hooks.deliveries.length, 1, 'a receiver still on the old secret accepts during the grace day');
  hooks.trust(fresh);
  clock.advance(25 * 60 * 60_000);
  await answer('email');
  await drain();
  t.equal(hooks.deliveries.length, 2, 'and one on the new secret after it');
  t.equal(
    (await as(app, admin).get('/api/channels')).json().items[0].webhook.previousSecretUntil,
    null,
    'the old secret no longer signs',
  );
});

t.test('secrets never reach the logs', async (t) => {
  const logs: string[] = [];
  const { app, admin, answer, drain, configure } = await setup(t, { logs });
  const hooks = await receiver(t);
  const secret = await configure('email', hooks.url);
  const rotated = (await as(app, admin).post('/api/channels/email/webhook/rotate')).json().secret;
  hooks.trust(rotated);
  await answer('email');
  await drain();
  t.equal(hooks.deliveries.length, 1);
  t.ok(
    logs.some((line) => line.includes('channel webhook secret rotated')),
    'the logs were captured',
  );
  for (const value of [secret, rotated]) t.notOk(logs.join('\n').includes(value), 'no secret in any log line');
});

t.test('a channel with no delivery records the answer and says it was not sent', async (t) => {
  const { app, admin, answer, detail, drain, configure } = await setup(t);
  const question = await answer('api');
  await drain();
  const after = await detail(question.id);
  t.equal(after.question.status, 'answered', 'the question is answered');
  t.match(after.question.replies[0], { status: 'posted', delivery: 'none', externalId: null });
  t.match((await as(app, admin).get('/api/channels')).json().items, [{ name: 'api', delivery: 'none', webhook: null }]);

  const hooks = await receiver(t);
  hooks.trust(await configure('api', hooks.url));
  t.equal((await as(app, admin).delete('/api/channels/api/webhook')).json().delivery, 'none', 'removed again');
  const later = await answer('api');
  await drain();
  t.equal(hooks.deliveries.length, 0, 'a removed webhook gets nothing');
  t.equal((await detail(later.id)).question.replies[0].delivery, 'none');
});

t.test('a webhook is not removed while replies wait for it', async (t) => {
  const { app, admin, clock, answer, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  hooks.inject({ status: 503 });
  await answer('email');
  await drain();
  t.match((await as(app, admin).get('/api/channels')).json().items, [
    { name: 'email', outbox: { pending: 1, failed: 0 } },
  ]);
  const refused = await as(app, admin).delete('/api/channels/email/webhook');
  t.equal(refused.statusCode, 409);
  t.equal(refused.json().error.code, 'replies_waiting');
  clock.advance(1_000);
  await drain();
  t.equal(hooks.deliveries.length, 1);
  t.equal((await as(app, admin).delete('/api/channels/email/webhook')).statusCode, 200, 'once they are out');
  t.equal((await as(app, admin).delete('/api/channels/email/webhook')).statusCode, 404);
});

t.test('a reply queued while the webhook is being removed keeps it', async (t) => {
  const { app, clock, answer, drain, configure } = await setup(t);
  const hooks = await receiver(t);
  hooks.trust(await configure('email', hooks.url));
  hooks.inject({ status: 400 });
  const question = await answer('email');
  await drain();
  const failed = await app.services.data.outbox.failedFor(question.id);
  t.ok(failed, 'the reply failed for good: nothing waits on the channel');

  // A retry's unit is already queued when the removal starts: the removal counts what waits after it, not before.
  const { uow } = app.services;
  const retried = uow.run((unit) => unit.outbox.requeue(failed?.id ?? '', clock.now()));
  const removing = app.webhookChannels.remove('email');
  await retried;
  await t.rejects(removing, { code: 'replies_waiting' }, 'the removal sees the reply queued before it');
  t.match(await app.webhookChannels.list(), [{ name: 'email', delivery: 'webhook', outbox: { pending: 1 } }]);
  t.equal(app.services.channelAdapters.get('email')?.name, 'email', 'its adapter stays registered');
});

t.test('a configured webhook survives a restart', async (t) => {
  const config = {
    ...testConfig(t),
    push: { allowLocalEndpoints: true, vapid: { subject: DEFAULT_VAPID_SUBJECT } },
  };
  const hooks = await receiver(t);
  const first = await buildApp(config, { logger: false, timers: false });
  await first.ready();
  const admin = await login(first, ADMIN.email, ADMIN.password);
  await as(first, admin).put('/api/channels/email/webhook', { url: hooks.url });
  await first.close();

  const second = await buildApp(config, { logger: false, timers: false });
  await second.ready();
  t.equal(second.services.channelAdapters.get('email')?.name, 'email', 'its adapter is registered again');
  const again = await login(second, ADMIN.email, ADMIN.password);
  t.match((await as(second, again).get('/api/channels')).json().items, [{ name: 'email', delivery: 'webhook' }]);
  await second.close();

  const ownAdapter = {
    name: 'email',
    length: { max: 100, measure: (text: string) => text.length, unit: 'characters' },
    post: async () => ({ externalId: 'own-1' }),
    findExisting: async () => null,
  };
  const third = await buildApp(config, { logger: false, timers: false, channelAdapters: [ownAdapter] });
  t.teardown(() => third.close());
  await third.ready();
  t.equal(third.services.channelAdapters.get('email'), ownAdapter, 'an adapter of its own wins over a stored webhook');
  const admin3 = await login(third, ADMIN.email, ADMIN.password);
  t.match((await as(third, admin3).get('/api/channels')).json().items, [{ name: 'email', delivery: 'network' }]);
});
