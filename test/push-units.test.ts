// Push subscriptions, VAPID keys, the sender and the notifier over the asynchronous repositories, with no app around them: requests
// now interleave between awaits, and the decisions that depend on what is stored are made inside one unit of work,
// so racing callers cannot both act on the same reading.
import { createECDH, randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import t, { type Test } from 'tap';
import type { QuestionSummary } from '../server/contracts/api.js';
import { createManualClock } from '../server/domain/clock.js';
import { createNotifier } from '../server/listeners/notifier.js';
import { loadVapidKeys } from '../server/services/push-keys.js';
import { createPushSender } from '../server/services/push-sender.js';
import { createPushSubscriptionService } from '../server/services/push-subscriptions.js';
import type { PushTransport } from '../server/services/push-transport.js';
import type { Presenters } from '../server/services/presenters.js';
import type { RealtimeHub } from '../server/services/realtime-hub.js';
import { eventually } from './helpers/child-server.js';
import { storageHarness } from './helpers/storage.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} } as unknown as FastifyBaseLogger;

async function harness(t: Test) {
  const { data, uow, sql } = await storageHarness(t);
  const clock = createManualClock(Date.parse('2026-12-07T10:00:00Z'));
  const addUser = (id: string) =>
    sql.run(
      "insert into users (id, email, name, role, password_hash, created_at) values (?, ?, ?, 'expert', 'x', 0)",
      id,
      `${id}@test.helpforce`,
      id,
    );
  return { sql, data, uow, clock, addUser };
}

/** A browser's subscription keys: an uncompressed P-256 point and 16 bytes of auth secret. */
function keys() {
  const ecdh = createECDH('prime256v1');
  return { p256dh: ecdh.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') };
}

t.test('one endpoint subscribed twice at once is one subscription: the second request finds the first', async (t) => {
  const { sql, data, uow, clock, addUser } = await harness(t);
  await addUser('ann');
  await addUser('bob');
  const changed: string[] = [];
  // The address check answers after a turn of the event loop, as a DNS lookup would: both requests are past it
  // before either writes.
  const transport = { verify: () => new Promise<null>((resolve) => setImmediate(() => resolve(null))) };
  const subscriptions = createPushSubscriptionService({
    data,
    uow,
    clock,
    transport,
    onChange: (id) => changed.push(id),
  });
  const body = { endpoint: 'https://push.example.com/device-1', keys: keys() };
  const [first, second] = await Promise.all([
    subscriptions.subscribe('ann', body, 'phone'),
    subscriptions.subscribe('bob', body, 'phone'),
  ]);
  t.same(
    [first.created, second.created],
    [true, false],
    'the first creates it, the second finds it (a unique-key error without the unit)',
  );
  t.equal(first.subscription.id, second.subscription.id);
  t.same(
    await sql.column('select user_id from push_subscriptions'),
    ['bob'],
    'the device went with whoever subscribed it last',
  );
  t.same(changed, ['ann', 'ann', 'bob'], "ann's reachability changed twice (gained, lost), bob's once");
  t.same(
    (await subscriptions.list('bob')).map((s) => s.id),
    [first.subscription.id],
  );
  t.same(await subscriptions.list('ann'), []);
});

t.test('a subscription removed twice at once is removed once; the other request hears 404', async (t) => {
  const { sql, data, uow, clock, addUser } = await harness(t);
  await addUser('ann');
  const subscriptions = createPushSubscriptionService({
    data,
    uow,
    clock,
    transport: { verify: async () => null },
    onChange: () => {},
  });
  const { subscription } = await subscriptions.subscribe(
    'ann',
    { endpoint: 'https://push.example.com/d', keys: keys() },
    null,
  );
  await sql.run(
    `insert into notification_deliveries (id, kind, subscription_id, user_id, payload, ttl_seconds, state, next_attempt_at, created_at)
       values ('n1', 'push', ?, 'ann', '{}', 60, 'pending', 0, 0)`,
    subscription.id,
  );
  const outcomes = await Promise.allSettled([
    subscriptions.remove('ann', subscription.id),
    subscriptions.remove('ann', subscription.id),
  ]);
  t.same(
    outcomes.map((o) => o.status),
    ['fulfilled', 'rejected'],
  );
  t.match((outcomes[1] as PromiseRejectedResult).reason, { status: 404, code: 'not_found' });
  t.match(
    (await sql.all(`select state, last_error as "lastError" from notification_deliveries where id = 'n1'`))[0],
    { state: 'dropped', lastError: 'unsubscribed' },
    'what waited for the device is dropped with it',
  );
  t.equal(await subscriptions.forgetAll('ann', 'password changed'), 0, 'nothing left to forget');
});

t.test('two servers making VAPID keys at once on one database keep one pair', async (t) => {
  const { sql, data, uow, clock } = await harness(t);
  const [a, b] = await Promise.all([
    loadVapidKeys({ data, uow, clock }, { subject: 'mailto:push@test.helpforce' }),
    loadVapidKeys({ data, uow, clock }, { subject: 'mailto:push@test.helpforce' }),
  ]);
  t.equal(a.publicKey, b.publicKey);
  t.equal(a.privateKey, b.privateKey);
  t.equal(await sql.value("select count(*) from server_keys where name = 'vapid'"), 1);
  const configured = await loadVapidKeys(
    { data, uow, clock },
    { publicKey: 'BPub', privateKey: 'priv', subject: 'mailto:boss@desk.example' },
  );
  t.same(configured, { publicKey: 'BPub', privateKey: 'priv', subject: 'mailto:boss@desk.example' }, 'configured win');
});

t.test('wakes while the sender reads what is due never take a row twice nor exceed the concurrency', async (t) => {
  const { sql, data, uow, clock, addUser } = await harness(t);
  const devices = 6;
  for (let i = 0; i < devices; i++) {
    await addUser(`u${i}`);
    const { p256dh, auth } = keys();
    await sql.run(
      'insert into push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) values (?, ?, ?, ?, ?, 0)',
      `s${i}`,
      `u${i}`,
      `https://push.example.com/${i}`,
      p256dh,
      auth,
    );
    await sql.run(
      `insert into notification_deliveries (id, kind, subscription_id, user_id, topic, payload, urgency, ttl_seconds,
           state, next_attempt_at, created_at)
         values (?, 'push', ?, ?, 'q1', '{"type":"offer"}', 'high', 600, 'pending', ?, ?)`,
      `n${i}`,
      `s${i}`,
      `u${i}`,
      clock.now(),
      clock.now(),
    );
  }
  let out = 0;
  let most = 0;
  const sent: string[] = [];
  const transport = {
    checkForm: () => null,
    postPush: async (endpoint: string) => {
      out++;
      most = Math.max(most, out);
      sent.push(endpoint);
      await new Promise((resolve) => setTimeout(resolve, 20));
      out--;
      return { status: 201, headers: {} };
    },
    postJson: async () => 200,
    close() {},
  } as unknown as PushTransport;
  const sender = createPushSender({
    data,
    uow,
    clock,
    vapid: () => loadVapidKeys({ data, uow, clock }, { subject: 'mailto:push@test.helpforce' }),
    transport,
    log: silent,
    subscriptions: { forget: async () => {} },
    webhookUrl: () => null,
    concurrency: 2,
  });
  t.teardown(() => sender.stop());
  // Another request's unit holds the write lock: the sender's read of what is due waits for it, and a second wake
  // comes while it waits.
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  const held = uow.run(() => new Promise((resolve) => setTimeout(resolve, 50)));
  sender.wake();
  await turn();
  sender.wake();
  await turn();
  await sender.tick();
  await held;
  await sender.drain();
  t.equal(sent.length, devices, 'each row sent once');
  t.equal(new Set(sent).size, devices);
  t.ok(most <= 2, `at most 2 pushes out at once (saw ${most})`);
  t.same(await sql.column('select distinct state from notification_deliveries'), ['sent']);
  t.same(await sql.column('select distinct attempts from notification_deliveries'), [1]);
  t.equal(await sender.recover(), 0, "nothing left 'sending'");
});

t.test(
  'a notification batch that could not be written goes first when written again: no withdrawal before its offer',
  async (t) => {
    const { sql, data, uow, clock, addUser } = await harness(t);
    await addUser('u0');
    await sql.run(
      "insert into push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) values ('s0', 'u0', 'https://push.example.com/0', 'k', 'a', 0)",
    );
    let publish: ((type: string, data: unknown, to: { users?: Iterable<string> }) => void) | undefined;
    const hub = { onPublish: (listener: typeof publish) => (publish = listener) } as unknown as RealtimeHub;
    const question = {
      id: 'q1',
      text: 'my tv has no sound',
      status: 'offered',
      tags: [],
      author: { handle: 'cust' },
      slaDueAt: new Date(clock.now() + 1800_000).toISOString(),
    } as unknown as QuestionSummary;
    const warnings: string[] = [];
    let woken = 0;
    const notifier = createNotifier({
      uow,
      data,
      clock,
      hub,
      presenters: { summaryById: async () => question } as unknown as Presenters,
      webhook: () => ({ url: null, events: [] }),
      wake: () => woken++,
      config: { waveMs: 120_000 },
      log: { warn: (_: object, message: string) => warnings.push(message) },
    });
    const run = uow.run.bind(uow);
    let busy = true;
    uow.run = ((work) => {
      if (!busy) return run(work);
      busy = false;
      return Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    }) as typeof uow.run;
    const emit = (type: string, data: unknown, users: string[]) => publish?.(type, data, { users });
    emit(
      'question.offered',
      { question, offer: { expertId: 'u0', expiresAt: new Date(clock.now() + 120_000).toISOString() } },
      ['u0'],
    );
    // The write the event scheduled fails; flushing here as well would race it (on PostgreSQL the device read before
    // the write takes a round trip) and write the offer in a batch of its own.
    await eventually(() => warnings.length > 0, 'the failed write');
    t.same(warnings, ['notifications not written yet; trying again in a second']);
    t.equal(await sql.value('select count(*) from notification_deliveries'), 0, 'nothing written yet');
    clock.advance(1);
    emit('question.claimed', { question, expertId: 'u1', expertName: 'Bo' }, ['u0']);
    await notifier.flush();
    t.same(
      (
        await sql.all<{ payload: string | { type: string }; state: string }>(
          'select payload, state from notification_deliveries order by created_at, id',
        )
      ).map(({ payload, state }) => ({
        type: (typeof payload === 'string' ? JSON.parse(payload) : payload).type,
        state,
      })),
      [
        { type: 'offer', state: 'dropped' },
        { type: 'offer.withdrawn', state: 'pending' },
      ],
      'the offer was written first, and its withdrawal replaces it',
    );
    t.equal(woken, 1, 'the sender was woken once the batch was written');
  },
);
