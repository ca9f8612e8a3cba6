// A Web Push service stand-in (RFC 8030) for tests and the demo: an HTTPS server on 127.0.0.1 with a self-signed
// certificate made at start. It checks what a real push service checks — the VAPID JWT (RFC 8292: ES256 signed with
// the key in `k`, audience = this origin, expiry within 24 hours) — and, holding each subscription's private key as a
// browser would, decrypts the aes128gcm payload (RFC 8291/8188) and records the message. It can be told to answer
// 410, 429, 5xx or slowly, to accept a message only after a while, or to behave as a hostile endpoint that drips
// its answer a byte at a time. Not used by the production server.
import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  type ECDH,
} from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedPush {
  subscriptionId: string;
  headers: { ttl: number; urgency: string | null; topic: string | null };
  payload: unknown;
  vapid: { aud: string; exp: number; sub: string; k: string };
  at: number;
}

export interface PushAnswer {
  status: number;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Records the message only after this long (a slow network before the push service): later ones may overtake it. */
  acceptAfterMs?: number;
  /** Never finishes the answer: drips its head ('head', a header line at a time) or its body ('body') every dripMs. */
  drip?: 'head' | 'body';
  dripMs?: number;
}

interface Device {
  ecdh: ECDH;
  auth: Buffer;
  publicKey: Buffer;
}

// ---- a self-signed certificate, DER by hand (node:crypto signs, but has no certificate builder) ----
const der = (tag: number, content: Buffer) => {
  const n = content.length;
  const length = n < 128 ? Buffer.from([n]) : n < 256 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 255]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
};
const seq = (...items: Buffer[]) => der(0x30, Buffer.concat(items));
const oid = (dotted: string) => {
  const [a, b, ...rest] = dotted.split('.').map(Number) as [number, number, ...number[]];
  const bytes = [40 * a + b];
  for (const value of rest) {
    const parts = [value & 127];
    for (let v = value >> 7; v > 0; v >>= 7) parts.unshift((v & 127) | 128);
    bytes.push(...parts);
  }
  return der(0x06, Buffer.from(bytes));
};
const integer = (bytes: Buffer) => der(0x02, bytes[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
const time = (date: Date) => der(0x17, Buffer.from(`${date.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
const name = (cn: string) => seq(der(0x31, seq(oid('2.5.4.3'), der(0x0c, Buffer.from(cn)))));

/** `hostnames`: names the certificate is valid for besides 127.0.0.1 and localhost. */
export function selfSignedCertificate(commonName = 'Helpforce push stand-in', hostnames: string[] = []) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const algorithm = seq(oid('1.2.840.10045.4.3.2'));
  // A DER integer is minimal: a serial must not start with a zero byte (one in 256 random ones would).
  const serial = randomBytes(8);
  serial[0] = (serial[0]! & 0x7f) | 0x40;
  const now = Date.now();
  const extensions = seq(
    seq(oid('2.5.29.19'), der(0x01, Buffer.from([0xff])), der(0x04, seq(der(0x01, Buffer.from([0xff]))))),
    seq(
      oid('2.5.29.17'),
      der(
        0x04,
        seq(
          der(0x87, Buffer.from([127, 0, 0, 1])),
          ...['localhost', ...hostnames].map((host) => der(0x82, Buffer.from(host))),
        ),
      ),
    ),
  );
  const tbs = seq(
    der(0xa0, integer(Buffer.from([2]))),
    integer(serial),
    algorithm,
    name(commonName),
    seq(time(new Date(now - 3600_000)), time(new Date(now + 30 * 24 * 3600_000))),
    name(commonName),
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, extensions),
  );
  const signature = sign('sha256', tbs, privateKey);
  const certificate = seq(tbs, algorithm, der(0x03, Buffer.concat([Buffer.from([0]), signature])));
  const pem = `-----BEGIN CERTIFICATE-----\n${certificate
    .toString('base64')
    .match(/.{1,64}/g)!
    .join('\n')}\n-----END CERTIFICATE-----\n`;
  return { cert: pem, key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}

// ---- RFC 8291 ----
const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest();
const info = (label: string) => Buffer.concat([Buffer.from(`Content-Encoding: ${label}\0`), Buffer.from([1])]);

/** Decrypts an aes128gcm Web Push body for the device holding `ecdh` and `auth`. */
export function decryptPayload(body: Buffer, device: Device): Buffer {
  const salt = body.subarray(0, 16);
  const idLength = body[20]!;
  const senderKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const shared = device.ecdh.computeSecret(senderKey);
  const ikm = hmac(
    hmac(device.auth, shared),
    Buffer.concat([Buffer.from('WebPush: info\0'), device.publicKey, senderKey, Buffer.from([1])]),
  );
  const prk = hmac(salt, ikm);
  const decipher = createDecipheriv(
    'aes-128-gcm',
    hmac(prk, info('aes128gcm')).subarray(0, 16),
    hmac(prk, info('nonce')).subarray(0, 12),
  );
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error('no final-record delimiter');
  return padded.subarray(0, end);
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>` as a push service does; returns the claims or throws why not. */
export function verifyVapid(header: string | undefined, origin: string, now = Date.now()) {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? '');
  if (!match) throw new Error('no VAPID authorization');
  const [, token, k] = match as unknown as [string, string, string];
  const [head, body, signature] = token.split('.') as [string, string, string];
  const raw = Buffer.from(k, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) throw new Error('k is not an uncompressed P-256 point');
  const key = createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: raw.subarray(1, 33).toString('base64url'),
      y: raw.subarray(33).toString('base64url'),
    },
    format: 'jwk',
  });
  if (JSON.parse(Buffer.from(head, 'base64url').toString()).alg !== 'ES256') throw new Error('the JWT is not ES256');
  if (
    !verify(
      'sha256',
      Buffer.from(`${head}.${body}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    )
  )
    throw new Error('bad JWT signature');
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  if (claims.aud !== origin) throw new Error(`aud ${claims.aud} is not ${origin}`);
  const seconds = now / 1000;
  if (!(claims.exp > seconds) || claims.exp > seconds + 24 * 3600 + 60) throw new Error('exp is not within 24 hours');
  if (!/^(mailto:|https:)/.test(claims.sub ?? '')) throw new Error('sub is not a mailto: or https: URL');
  return { ...claims, k };
}

export interface PushServiceStandIn {
  url: string;
  /** The certificate to trust for it (config push.extraCa). */
  ca: string;
  /** A new browser-side subscription: what PushSubscription.toJSON() gives. */
  subscribe(): { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  received: ReceivedPush[];
  /** Requests refused (bad VAPID, undecryptable payload): a correct sender makes none. */
  refused: { subscriptionId: string; reason: string }[];
  requests: number;
  /** How to answer the next requests (null: 201 at once); a function decides per request. */
  answer(next: PushAnswer | ((subscriptionId: string) => PushAnswer | null) | null): void;
  forget(subscriptionId: string): void;
  waitFor(predicate: (messages: ReceivedPush[]) => boolean, timeoutMs?: number): Promise<ReceivedPush[]>;
  close(): Promise<void>;
}

/**
 * `keep`: how many received messages to remember (the demo runs for hours); all by default. `hostnames`: other names
 * its certificate holds (a test resolving a public-looking name to it).
 */
export async function startPushService(
  options: { port?: number; keep?: number; hostnames?: string[] } = {},
): Promise<PushServiceStandIn> {
  const { cert, key } = selfSignedCertificate(undefined, options.hostnames);
  const devices = new Map<string, Device>();
  const received: ReceivedPush[] = [];
  const refused: { subscriptionId: string; reason: string }[] = [];
  let answer: Parameters<PushServiceStandIn['answer']>[0] = null;
  let requests = 0;
  let origin = '';
  const server: Server = createServer({ cert, key }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const subscriptionId = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')?.[1] ?? '';
      const timers: NodeJS.Timeout[] = [];
      response.on('close', () => timers.forEach(clearTimeout));
      const reply = ({ status, headers, delayMs, drip, dripMs = 1000 }: PushAnswer) =>
        timers.push(
          setTimeout(() => {
            if (!drip) return response.writeHead(status, headers).end();
            if (drip === 'body') response.writeHead(status, headers).write('x');
            else response.socket?.write(`HTTP/1.1 ${status} Dripping\r\n`);
            timers.push(
              setInterval(
                () => (drip === 'body' ? response.write('x') : response.socket?.write('x-drip: 1\r\n')),
                dripMs,
              ),
            );
          }, delayMs ?? 0),
        );
      const decided = typeof answer === 'function' ? answer(subscriptionId) : answer;
      const device = devices.get(subscriptionId);
      if (request.method !== 'POST' || !device) return reply({ status: 410 });
      try {
        const vapid = verifyVapid(request.headers.authorization, origin);
        if (request.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
        const payload = JSON.parse(decryptPayload(Buffer.concat(chunks), device).toString('utf8')) as unknown;
        if (decided && (decided.status < 200 || decided.status > 299)) return reply(decided);
        const accept = () => {
          received.push({
            subscriptionId,
            payload,
            vapid,
            at: Date.now(),
            headers: {
              ttl: Number(request.headers.ttl),
              urgency: (request.headers.urgency as string) ?? null,
              topic: (request.headers.topic as string) ?? null,
            },
          });
          if (options.keep !== undefined && received.length > options.keep)
            received.splice(0, received.length - options.keep);
          reply(decided ?? { status: 201 });
        };
        if (decided?.acceptAfterMs) timers.push(setTimeout(accept, decided.acceptAfterMs));
        else accept();
      } catch (error) {
        refused.push({ subscriptionId, reason: (error as Error).message });
        reply({ status: 400 });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counter = 0;
  return {
    url: origin,
    ca: cert,
    received,
    refused,
    get requests() {
      return requests;
    },
    subscribe() {
      const ecdh = createECDH('prime256v1');
      const publicKey = ecdh.generateKeys();
      const auth = randomBytes(16);
      const id = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(4).toString('hex')}`;
      devices.set(id, { ecdh, auth, publicKey });
      return {
        endpoint: `${origin}/push/${id}`,
        expirationTime: null,
        keys: { p256dh: publicKey.toString('base64url'), auth: auth.toString('base64url') },
      };
    },
    answer(next) {
      answer = next;
    },
    forget(subscriptionId) {
      devices.delete(subscriptionId);
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > until)
          throw new Error(
            `push stand-in: timed out; received ${JSON.stringify(received.map((m) => m.payload))}, refused ${JSON.stringify(refused)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
