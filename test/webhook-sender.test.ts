// The webhook adapter and its HTTP sender on their own: which answers are delivered, retried or failed for good, the
// address policy at configuration and again at send time (a name that resolves into the desk's network), and the
// independent receiver refusing what it cannot verify.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { startWebhookReceiver } from '../dev/webhook-receiver.js';
import { PostError } from '../server/channels/channel.js';
import { createWebhookAdapter, retryAfterMs } from '../server/channels/webhook/adapter.js';
import { createWebhookSender, type Resolve } from '../server/channels/webhook/sender.js';
import { signatureHeader, signatureOf } from '../server/channels/webhook/signature.js';
import { createManualClock } from '../server/domain/clock.js';

const POST = { key: 'reply-1', text: 'Unmute it. ^JD', inReplyTo: 'mail-1', notBefore: Date.now() };

/** A resolver that answers every name with the given addresses (or fails), so no test asks a real DNS server. */
function resolverTo(addresses: string[] | Error): Resolve {
  return (_hostname, _options, callback) =>
    addresses instanceof Error
      ? callback(addresses, [])
      : callback(
          null,
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        );
}

/** A server answering every request with `handler`'s status, headers and body. */
async function server(t: Test, handler: () => { status: number; headers?: Record<string, string>; body?: string }) {
  const http = createServer((_request, response) => {
    const { status, headers = {}, body = '' } = handler();
    response.writeHead(status, headers);
    response.end(body);
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  t.teardown(() => {
    http.closeAllConnections();
    http.close();
  });
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/hook`;
}

function adapterFor(t: Test, url: string, timeoutMs = 2_000) {
  const sender = createWebhookSender({ allowLocal: true, timeoutMs });
  t.teardown(() => sender.close());
  return createWebhookAdapter({
    channel: 'email',
    clock: createManualClock(Date.now()),
    target: () => ({ url, secrets: ['whsec_test'] }),
    send: sender.post,
    questionOf: async () => undefined,
  });
}

t.test('at configuration, a name that resolves into a private network is refused', async (t) => {
  const check = (addresses: string[] | Error) =>
    createWebhookSender({ allowLocal: false, resolve: resolverTo(addresses) }).verify('https://hooks.example.com/in');
  t.equal(await check(['93.184.216.34']), null, 'a public address is accepted');
  t.equal(
    await check(['93.184.216.34', '10.1.2.3']),
    'the host resolves to an address that is not on the public internet',
  );
  t.equal(
    await check(['::ffff:169.254.169.254']),
    'the host resolves to an address that is not on the public internet',
  );
  t.equal(await check(new Error('ENOTFOUND')), 'the host does not resolve');
});

t.test('at send time too: a name that now resolves to loopback is not connected to', async (t) => {
  const receiver = await startWebhookReceiver({ secrets: ['whsec_test'] });
  t.teardown(() => receiver.close());
  const port = new URL(receiver.url).port;
  const sender = createWebhookSender({ allowLocal: false, resolve: resolverTo(['127.0.0.1']) });
  t.teardown(() => sender.close());
  const adapter = createWebhookAdapter({
    channel: 'email',
    clock: createManualClock(Date.now()),
    target: () => ({ url: `https://rebound.example.com:${port}/hook`, secrets: ['whsec_test'] }),
    send: sender.post,
    questionOf: async () => undefined,
  });
  const error = await adapter.post(POST).catch((e: unknown) => e);
  t.ok(error instanceof PostError);
  t.match(error, { kind: 'permanent', message: /address refused: rebound\.example\.com resolves to a non-public/ });
  t.equal(receiver.attempts.length, 0, 'nothing reached the receiver');
  await t.rejects(sender.post('http://plain.example.com/', {}, '{}'), /only https/, 'plain http is refused');
});

t.test('what each answer means for the outbox', async (t) => {
  let answer: { status: number; headers?: Record<string, string>; body?: string } = { status: 200 };
  const url = await server(t, () => answer);
  const adapter = adapterFor(t, url);
  const outcome = async () => {
    try {
      return await adapter.post(POST);
    } catch (error) {
      return error instanceof PostError ? { kind: error.kind, message: error.message, retryAt: error.retryAt } : error;
    }
  };

  answer = { status: 204 };
  t.same(await outcome(), { externalId: 'reply-1' }, 'a 2xx without an id keeps the reply id');
  answer = { status: 200, body: '{"id": 42}' };
  t.same(await outcome(), { externalId: 'reply-1' }, 'an id that is not a string is not taken');
  answer = { status: 202, body: JSON.stringify({ id: 'ticket-9', pad: 'x'.repeat(10_000) }) };
  t.same(await outcome(), { externalId: 'reply-1' }, 'a body cut at the limit is not JSON');
  answer = { status: 201, body: JSON.stringify({ id: 'ticket-9' }) };
  t.same(await outcome(), { externalId: 'ticket-9' });
  answer = { status: 503 };
  t.match(await outcome(), { kind: 'transient', message: 'the webhook answered 503' });
  answer = { status: 408 };
  t.match(await outcome(), { kind: 'transient' });
  answer = { status: 429, headers: { 'retry-after': 'soon' } };
  t.match(await outcome(), { kind: 'transient' }, 'a Retry-After that is neither seconds nor a date is ignored');
  answer = { status: 503, headers: { 'retry-after': '7' } };
  t.match(await outcome(), { kind: 'rate_limited' });
  answer = { status: 302, headers: { location: 'https://elsewhere.example.com/' } };
  t.match(await outcome(), {
    kind: 'permanent',
    message: 'the webhook answered 302 (a redirect; set the final address)',
  });
  answer = { status: 410 };
  t.match(await outcome(), { kind: 'permanent', message: 'the webhook answered 410' });
  t.equal(await adapter.findExisting(POST), null, 'a webhook cannot be asked: the Idempotency-Key dedupes');
});

t.test('a receiver that does not answer in time is a transient failure', async (t) => {
  const receiver = await startWebhookReceiver({ secrets: ['whsec_test'] });
  t.teardown(() => receiver.close());
  receiver.inject({ delayMs: 1_000 });
  const error = await adapterFor(t, receiver.url, 200)
    .post(POST)
    .catch((e: unknown) => e);
  t.match(error, { kind: 'transient', message: /the webhook did not answer: no answer within 200 ms/ });
});

t.test('Retry-After as seconds, as a date, or a date already past', async (t) => {
  t.equal(retryAfterMs('120', 1_000), 121_000);
  t.equal(retryAfterMs(['5'], 0), 5_000);
  t.equal(retryAfterMs('Thu, 01 Jan 1970 00:00:00 GMT', 9_000), 9_000, 'a past date means now');
  t.equal(retryAfterMs(undefined, 0), null);
});

t.test('the independent receiver refuses what it cannot verify', async (t) => {
  const receiver = await startWebhookReceiver({ secrets: ['whsec_new', 'whsec_old'] });
  t.teardown(() => receiver.close());
  const body = JSON.stringify({ id: 'r1', channel: 'email', inReplyTo: 'm1', text: 'hi', createdAt: '' });
  const now = Date.now();
  const send = (headers: Record<string, string>) =>
    fetch(receiver.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const signed = (secrets: string[], at = now) => ({
    'helpforce-signature': signatureHeader(secrets, at, body),
    'idempotency-key': 'r1',
  });

  t.equal((await send({ 'idempotency-key': 'r1' })).status, 400, 'no signature');
  t.equal((await send({ 'helpforce-signature': 'v1=abc', 'idempotency-key': 'r1' })).status, 400, 'no time');
  t.equal((await send(signed(['whsec_other']))).status, 400, 'another secret');
  t.equal((await send(signed(['whsec_new'], now - 6 * 60_000))).status, 400, 'six minutes old');
  t.equal((await send({ 'helpforce-signature': signed(['whsec_new'])['helpforce-signature'] })).status, 400, 'no key');
  t.equal((await send(signed(['whsec_rotated', 'whsec_old']))).status, 200, 'either v1 may match');
  t.equal((await send(signed(['whsec_new']))).status, 200, 'a repeat is answered the same');
  t.same(
    receiver.attempts.map((a) => a.reason ?? a.outcome),
    [
      'no signature',
      'malformed signature',
      'signature mismatch',
      'timestamp outside the tolerance',
      'no Idempotency-Key',
      'accepted',
      'repeat',
    ],
  );
  t.equal(receiver.deliveries.length, 1);
  t.equal(
    signatureOf('whsec_new', 1_700_000_000, '{}'),
    'dfd0c4ddb107e3a391f1dc89c9ba0bec585e31e42f82d6c6673f3d9b3a3429a8',
    'the HMAC openssl computes for "1700000000.{}"',
  );
  t.equal(signatureHeader(['a', 'b'], 1_700_000_000_999, '{}').split(',').length, 3, 't and one v1 per secret');
});
