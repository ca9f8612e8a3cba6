// The HTTP side of webhook delivery: one POST to an address an admin typed in, only where the address policy allows
// (the public internet in production), with a deadline on the whole exchange and a bounded read of the answer.
// The host is resolved through a lookup that refuses non-public answers and the connection goes to the address it
// checked, so a name that changes between configuration and sending (DNS rebinding) cannot reach the desk's network.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkUrl, resolvedAllowed, type AddressRules } from '../../domain/address-policy.js';

export class AddressRefused extends Error {
  readonly code = 'endpoint_not_allowed';
}

export type Resolve = (
  hostname: string,
  options: { all: true },
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

export interface WebhookAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The start of the body (at most BODY_LIMIT bytes): enough for `{"id": …}`, never a receiver's whole page. */
  body: string;
}

const BODY_LIMIT = 4096;

export interface SenderOptions {
  /** Tests and the demo: loopback, private addresses and plain http are accepted. */
  allowLocal: boolean;
  timeoutMs?: number;
  resolve?: Resolve;
}

export function createWebhookSender({ allowLocal, timeoutMs = 10_000, resolve = dnsLookup as Resolve }: SenderOptions) {
  const rules: AddressRules = { allowLocal, httpWhenLocal: true };
  const lookup: LookupFunction = (hostname, options, callback) => {
    resolve(hostname, { all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = !resolvedAllowed(
        addresses.map((a) => a.address),
        rules,
      );
      if (refused) return callback(new AddressRefused(`${hostname} resolves to a non-public address`), '', 0);
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
  const agents = { 'https:': new https.Agent({ keepAlive: true, lookup }), 'http:': new http.Agent({ lookup }) };

  /** Why an address may not be configured (its form, then what its host resolves to now), or null. */
  async function verify(raw: string): Promise<string | null> {
    const verdict = checkUrl(raw, rules);
    if (!verdict.ok) return verdict.reason;
    if (allowLocal) return null;
    const host = verdict.url.hostname.replace(/^\[|\]$/g, '');
    try {
      const addresses = await new Promise<LookupAddress[]>((done, fail) =>
        resolve(host, { all: true }, (e, a) => (e ? fail(e) : done(a))),
      );
      return resolvedAllowed(
        addresses.map((a) => a.address),
        rules,
      )
        ? null
        : 'the host resolves to an address that is not on the public internet';
    } catch {
      return 'the host does not resolve';
    }
  }

  /** Resolves with the answer (any status); rejects on a refused address, a network error or the deadline. */
  function post(raw: string, headers: Record<string, string>, body: string): Promise<WebhookAnswer> {
    const verdict = checkUrl(raw, rules);
    if (!verdict.ok) return Promise.reject(new AddressRefused(verdict.reason));
    const { url } = verdict;
    const data = Buffer.from(body);
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(
        url,
        {
          method: 'POST',
          agent: agents[url.protocol as keyof typeof agents],
          headers: {
            ...headers,
            'content-type': 'application/json',
            'content-length': data.length,
            'user-agent': 'Helpforce',
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          let read = 0;
          const done = () =>
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          response.on('data', (chunk: Buffer) => {
            if (read < BODY_LIMIT) chunks.push(chunk.subarray(0, BODY_LIMIT - read));
            read += chunk.length;
            if (read >= BODY_LIMIT) {
              response.destroy();
              done();
            }
          });
          response.on('end', done);
          response.on('error', reject);
        },
      );
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      request.on('close', () => clearTimeout(deadline));
      request.on('error', reject);
      request.end(data);
    });
  }

  return {
    verify,
    post,
    close() {
      agents['https:'].destroy();
      agents['http:'].destroy();
    },
  };
}
export type WebhookSender = ReturnType<typeof createWebhookSender>;
