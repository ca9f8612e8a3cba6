// A receiver of Helpforce's channel webhooks, written as a desk's integrator would write one: it checks the signature
// with node:crypto from the documented scheme (docs/channels.md, "Webhooks"), not with the server's code, refuses a
// stale timestamp, and applies each delivery once whatever the number of attempts (the Idempotency-Key). Tests queue
// faults on it: an error status, a 429 with Retry-After, a dropped connection before or after the delivery took
// effect, a slow answer. Run alone: `tsx dev/webhook-receiver.ts <secret> [port]` prints what it accepts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';

export interface Delivery {
  key: string;
  body: { id: string; questionId?: string; channel: string; inReplyTo: string; text: string; createdAt: string };
  /** The receiver's own id, answered as `{"id": …}` (and again to every repeat of the same key). */
  receiptId: string;
}

export type Fault =
  | { status: number; retryAfter?: string }
  /** Closes the connection without an answer: `before` the delivery took effect, or `after` (a lost answer). */
  | { drop: 'before' | 'after' }
  | { delayMs: number };

export interface ReceiverOptions {
  /** The secrets accepted (a receiver mid-rotation may hold two); a function to change them while running. */
  secrets: string[] | (() => string[]);
  toleranceS?: number;
  now?: () => number;
  port?: number;
}

export interface Attempt {
  key: string | null;
  outcome: 'accepted' | 'repeat' | 'rejected' | 'fault';
  reason?: string;
}

function verify(header: string | undefined, raw: string, secrets: string[], nowS: number, toleranceS: number) {
  if (!header) return 'no signature';
  const parts = header.split(',').map((part) => part.split('=', 2) as [string, string | undefined]);
  const t = parts.find(([name]) => name === 't')?.[1];
  const given = parts.filter(([name]) => name === 'v1').map(([, value]) => value ?? '');
  if (!t || !/^\d+$/.test(t) || given.length === 0) return 'malformed signature';
  if (Math.abs(nowS - Number(t)) > toleranceS) return 'timestamp outside the tolerance';
  for (const secret of secrets) {
    const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex'));
    for (const value of given) {
      const candidate = Buffer.from(value);
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) return null;
    }
  }
  return 'signature mismatch';
}

export async function startWebhookReceiver(options: ReceiverOptions) {
  const { toleranceS = 300, now = Date.now } = options;
  const secrets = () => (typeof options.secrets === 'function' ? options.secrets() : options.secrets);
  const faults: Fault[] = [];
  const byKey = new Map<string, Delivery>();
  const deliveries: Delivery[] = [];
  const attempts: Attempt[] = [];
  let received = 0;

  function answer(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const keyHeader = request.headers['idempotency-key'];
    const key = typeof keyHeader === 'string' ? keyHeader : null;

    const fault = faults.shift();
    if (fault && 'delayMs' in fault) await new Promise((done) => setTimeout(done, fault.delayMs));
    if (fault && 'status' in fault) {
      attempts.push({ key, outcome: 'fault', reason: String(fault.status) });
      return answer(
        response,
        fault.status,
        { error: 'injected' },
        fault.retryAfter ? { 'retry-after': fault.retryAfter } : {},
      );
    }
    if (fault && 'drop' in fault && fault.drop === 'before') {
      attempts.push({ key, outcome: 'fault', reason: 'dropped before' });
      return request.socket.destroy();
    }

    const refused = verify(
      request.headers['helpforce-signature'] as string | undefined,
      raw,
      secrets(),
      Math.floor(now() / 1000),
      toleranceS,
    );
    if (refused) {
      attempts.push({ key, outcome: 'rejected', reason: refused });
      return answer(response, 400, { error: refused });
    }
    if (!key) {
      attempts.push({ key, outcome: 'rejected', reason: 'no Idempotency-Key' });
      return answer(response, 400, { error: 'no Idempotency-Key' });
    }
    let delivery = byKey.get(key);
    attempts.push({ key, outcome: delivery ? 'repeat' : 'accepted' });
    if (!delivery) {
      delivery = { key, body: JSON.parse(raw) as Delivery['body'], receiptId: `msg-${++received}` };
      byKey.set(key, delivery);
      deliveries.push(delivery);
    }
    if (fault && 'drop' in fault) return request.socket.destroy();
    answer(response, 200, { id: delivery.receiptId });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/helpforce`,
    /** Deliveries that took effect, one per Idempotency-Key. */
    deliveries,
    /** Every request, in order, with what the receiver made of it. */
    attempts,
    /** Faults applied to the next requests, one each, in order. */
    inject(...next: Fault[]) {
      faults.push(...next);
    },
    close(): Promise<void> {
      server.closeAllConnections();
      return new Promise((done) => server.close(() => done()));
    },
  };
}
export type WebhookReceiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [secret, port] = process.argv.slice(2);
  if (!secret) throw new Error('usage: tsx dev/webhook-receiver.ts <secret> [port]');
  const receiver = await startWebhookReceiver({ secrets: [secret], port: Number(port ?? 0) });
  console.log(`webhook receiver on ${receiver.url}`);
  setInterval(() => {
    for (const delivery of receiver.deliveries.splice(0)) console.log(JSON.stringify(delivery));
  }, 500);
}
