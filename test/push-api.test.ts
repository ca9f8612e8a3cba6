// Push subscriptions over HTTP: the VAPID key, subscribing (idempotent per endpoint), listing, deleting one's own,
// refusing endpoints that point into the desk's network, and keys that survive a restart.
import t from 'tap';
import { buildApp } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { as, createUser, tempDatabasePath, testConfig } from './helpers/app.js';
import { buildPushApp, pushService } from './helpers/push-service.js';

t.test('subscribe, list, delete; the same endpoint again is the same subscription', async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service);
  const expert = await createUser(app, 'expert');
  const other = await createUser(app, 'expert');

  const key = await as(app, expert).get('/api/push/vapid-public-key');
  t.equal(key.statusCode, 200);
  t.equal(
    Buffer.from(key.json().key, 'base64url').length,
    65,
    'the VAPID public key is an uncompressed P-256 point, URL-safe base64',
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/api/push/vapid-public-key' })).statusCode,
    401,
    'signed-in users only',
  );

  const device = service.subscribe();
  const first = await as(app, expert).post('/api/me/push-subscriptions', device);
  t.equal(first.statusCode, 201);
  const { id, createdAt } = first.json().subscription;
  t.ok(id && createdAt);
  const again = await as(app, expert).post('/api/me/push-subscriptions', device);
  t.equal(
    again.statusCode,
    201,
    'the same endpoint again is not a second subscription (201, the same id: idempotent per endpoint)',
  );
  t.equal(again.json().subscription.id, id);

  const listed = (await as(app, expert).get('/api/me/push-subscriptions')).json().items;
  t.equal(listed.length, 1);
  t.match(listed[0], { id, createdAt, lastSuccessAt: null });
  t.same((await as(app, other).get('/api/me/push-subscriptions')).json().items, [], 'each user sees their own devices');

  t.equal(
    (await as(app, other).delete(`/api/me/push-subscriptions/${id}`)).statusCode,
    404,
    "nobody deletes another user's device",
  );
  const moved = await as(app, other).post('/api/me/push-subscriptions', device);
  t.equal(moved.json().subscription.id, id, 'a device subscribed by someone else moves to them');
  t.same((await as(app, expert).get('/api/me/push-subscriptions')).json().items, []);
  t.equal((await as(app, other).delete(`/api/me/push-subscriptions/${id}`)).statusCode, 204);
  t.same((await as(app, other).get('/api/me/push-subscriptions')).json().items, []);
  t.equal((await as(app, other).delete(`/api/me/push-subscriptions/${id}`)).statusCode, 404);
});

t.test('bad keys are refused with 400', async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service);
  const expert = await createUser(app, 'expert');
  const device = service.subscribe();
  for (const keys of [
    { p256dh: device.keys.p256dh.slice(0, 40), auth: device.keys.auth },
    { p256dh: Buffer.alloc(65, 7).toString('base64url'), auth: device.keys.auth },
    { p256dh: device.keys.p256dh, auth: Buffer.alloc(8).toString('base64url') },
    { p256dh: 'not base64!', auth: device.keys.auth },
  ]) {
    t.equal(
      (await as(app, expert).post('/api/me/push-subscriptions', { ...device, keys })).statusCode,
      400,
      JSON.stringify(keys).slice(0, 60),
    );
  }
});

t.test("endpoints into the desk's network are refused unless local endpoints are allowed", async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service, { allowLocal: false });
  const expert = await createUser(app, 'expert');
  const keys = service.subscribe().keys;
  for (const endpoint of [
    service.subscribe().endpoint,
    'https://localhost/push/1',
    'https://10.1.2.3/x',
    'https://192.168.0.10/x',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/x',
    'https://[::1]/x',
    'https://[fd00::1]/x',
    'https://[fe80::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://[::ffff:a00:1]/x',
    'https://224.0.0.1/x',
    'http://push.example.com/x',
    'https://user:pw@push.example.com/x',
    'https://intranet/x',
    'https://printer.local/x',
  ]) {
    const response = await as(app, expert).post('/api/me/push-subscriptions', { endpoint, keys });
    t.equal(response.statusCode, 422, endpoint);
    t.equal(response.json().error.code, 'endpoint_not_allowed');
  }
  t.same((await as(app, expert).get('/api/me/push-subscriptions')).json().items, [], 'nothing was stored');
});

t.test('VAPID keys are made once and kept across a restart on the same database; configured keys win', async (t) => {
  const databasePath = tempDatabasePath(t);
  const keyOf = async () => {
    const app = await buildApp(testConfig(t, { databasePath }), { logger: false, timers: false });
    const admin = await import('./helpers/app.js').then((m) => m.login(app, m.ADMIN.email, m.ADMIN.password));
    const key = (await as(app, admin).get('/api/push/vapid-public-key')).json().key as string;
    await app.close();
    return key;
  };
  const first = await keyOf();
  t.equal(await keyOf(), first, 'the same public key after a restart');

  const config = loadConfig({
    VAPID_PUBLIC_KEY: 'BPub',
    VAPID_PRIVATE_KEY: 'priv',
    ADMIN_EMAIL: 'boss@desk.example',
    ADMIN_PASSWORD: 'long-enough-1',
  });
  t.match(config.app.push, {
    allowLocalEndpoints: false,
    vapid: { publicKey: 'BPub', privateKey: 'priv', subject: 'mailto:boss@desk.example' },
  });
  t.throws(() => loadConfig({ VAPID_PUBLIC_KEY: 'BPub' }), /set together/);
  t.throws(() => loadConfig({ VAPID_SUBJECT: 'someone' }), /VAPID_SUBJECT/);
  t.equal(loadConfig({ PUSH_ALLOW_LOCAL_ENDPOINTS: 'true' }).app.push?.allowLocalEndpoints, true);
});

t.test('a user keeps at most ten devices: an eleventh replaces the oldest', async (t) => {
  const service = await pushService(t);
  const app = await buildPushApp(t, service);
  const expert = await createUser(app, 'expert');
  const ids: string[] = [];
  for (let i = 0; i < 11; i++)
    ids.push((await as(app, expert).post('/api/me/push-subscriptions', service.subscribe())).json().subscription.id);
  const listed = (await as(app, expert).get('/api/me/push-subscriptions'))
    .json()
    .items.map((s: { id: string }) => s.id);
  t.equal(listed.length, 10);
  t.notOk(listed.includes(ids[0]), 'the first device went');
  t.ok(listed.includes(ids[10]));
});
