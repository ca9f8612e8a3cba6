// Outgoing requests to addresses users typed in (push endpoints, the chat webhook). Every connection resolves its
// host through a lookup that refuses non-public answers, and connects to the address it checked, so a name that
// changes between the save-time check and the send (DNS rebinding) still cannot reach the desk's network.
// TLS trusts what Node trusts (its CA store plus NODE_EXTRA_CA_CERTS); `extraCa` adds a certificate beside those, for
// a push service stand-in with a self-signed certificate (tests, the demo).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { checkUrl, resolvedAllowed, type AddressRules } from '../domain/address-policy.js';

export class AddressRefused extends Error {
  readonly code = 'endpoint_not_allowed';
}

export interface TransportOptions {
  allowLocal: boolean;
  extraCa?: string;
  maxSockets?: number;
}

/** How a name is resolved: the system's resolver, or one a test puts in its place. */
export type Resolve = (
  hostname: string,
  options: { all: true },
  callback: (error: Error | null, addresses: LookupAddress[]) => void,
) => void;

/** How much of an answer's body is read: nothing in it is used, and a body without end must not hold a send. */
const BODY_LIMIT = 4096;

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
}

function guardedLookup(rules: AddressRules, resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (
        !resolvedAllowed(
          addresses.map((a) => a.address),
          rules,
        )
      ) {
        return callback(
          new AddressRefused(`${hostname} resolves to an address that is not on the public internet`),
          '',
          0,
        );
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * One POST with a deadline on the whole exchange: a socket timeout alone lets a server that drips a byte now and then
 * hold the request for ever. Resolves with the status once the answer's head arrives; the body is drained and
 * dropped, cut off past BODY_LIMIT or at the deadline.
 */
function post(
  url: URL,
  agent: http.Agent,
  headers: OutgoingHttpHeaders,
  body: Buffer | null,
  deadlineMs: number,
): Promise<Answer> {
  const send = url.protocol === 'https:' ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const request = send(url, { method: 'POST', agent, headers }, (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > BODY_LIMIT) request.destroy();
      });
      response.on('error', () => {});
      response.on('close', () => clearTimeout(deadline));
    });
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${deadlineMs} ms`)), deadlineMs);
    request.on('close', () => clearTimeout(deadline));
    request.on('error', reject);
    request.end(body ?? undefined);
  });
}

export function createPushTransport(
  { allowLocal, extraCa, maxSockets = 64 }: TransportOptions,
  resolve: Resolve = dnsLookup as Resolve,
) {
  const pushRules: AddressRules = { allowLocal };
  const webhookRules: AddressRules = { allowLocal, httpWhenLocal: true };
  const lookup = guardedLookup(pushRules, resolve);
  // One secure context built once: a `ca` option would be parsed into a new one per connection (every root
  // certificate) and joined into the agent's pool key on every request.
  const secureContext = extraCa ? createSecureContext({ ca: [...rootCertificates, extraCa] }) : undefined;
  const agent = new https.Agent({ keepAlive: true, maxSockets, lookup, ...(secureContext ? { secureContext } : {}) });
  const plainAgent = new http.Agent({ keepAlive: true, maxSockets: 4, lookup });

  /** The whole check for an address about to be stored: its form, then what its host resolves to now. */
  async function verify(raw: string, kind: 'push' | 'webhook'): Promise<string | null> {
    const verdict = checkUrl(raw, kind === 'push' ? pushRules : webhookRules);
    if (!verdict.ok) return verdict.reason;
    if (allowLocal) return null;
    const host = verdict.url.hostname.replace(/^\[|\]$/g, '');
    try {
      const addresses = await new Promise<LookupAddress[]>((done, fail) =>
        resolve(host, { all: true }, (e, a) => (e ? fail(e) : done(a))),
      );
      return resolvedAllowed(
        addresses.map((a) => a.address),
        pushRules,
      )
        ? null
        : 'the host resolves to an address that is not on the public internet';
    } catch {
      return 'the host does not resolve';
    }
  }

  /** POSTs JSON to a webhook; resolves with the status (any), rejects on a refused address or a network error. */
  async function postJson(raw: string, body: unknown, deadlineMs = 15_000): Promise<number> {
    const verdict = checkUrl(raw, webhookRules);
    if (!verdict.ok) throw new AddressRefused(verdict.reason);
    const { url } = verdict;
    const data = Buffer.from(JSON.stringify(body));
    const headers = { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': 'Helpforce' };
    return (await post(url, url.protocol === 'https:' ? agent : plainAgent, headers, data, deadlineMs)).status;
  }

  /** POSTs an encrypted push (web-push's request details) to a push endpoint. */
  async function postPush(
    raw: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | null,
    deadlineMs: number,
  ): Promise<Answer> {
    const verdict = checkUrl(raw, pushRules);
    if (!verdict.ok) throw new AddressRefused(verdict.reason);
    return post(verdict.url, agent, headers, body, deadlineMs);
  }

  return {
    verify,
    /** The form-only check (no DNS), for a URL saved synchronously with the settings. */
    checkForm: (raw: string, kind: 'push' | 'webhook') => {
      const verdict = checkUrl(raw, kind === 'push' ? pushRules : webhookRules);
      return verdict.ok ? null : verdict.reason;
    },
    postJson,
    postPush,
    close() {
      agent.destroy();
      plainAgent.destroy();
    },
  };
}
export type PushTransport = ReturnType<typeof createPushTransport>;
