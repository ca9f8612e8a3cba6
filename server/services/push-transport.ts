// Outgoing requests to addresses users typed in (push endpoints, the chat webhook). Every connection resolves its
// host through a lookup that refuses non-public answers, and connects to the address it checked, so a name that
// changes between the save-time check and the send (DNS rebinding) still cannot reach the desk's network.
// TLS trusts what Node trusts (its CA store plus NODE_EXTRA_CA_CERTS); `extraCa` adds a certificate beside those, for
// a push service stand-in with a self-signed certificate (tests, the demo).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { checkUrl, resolvedAllowed, type AddressRules } from '../domain/address-policy.js';

export class AddressRefused extends Error {
  readonly code = 'endpoint_not_allowed';
}

export interface TransportOptions { allowLocal: boolean; extraCa?: string; maxSockets?: number }

function guardedLookup(rules: AddressRules): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      if (!resolvedAllowed(addresses.map((a) => a.address), rules)) {
        return callback(new AddressRefused(`${hostname} resolves to an address that is not on the public internet`), '', 0);
      }
      if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export function createPushTransport({ allowLocal, extraCa, maxSockets = 64 }: TransportOptions) {
  const pushRules: AddressRules = { allowLocal };
  const webhookRules: AddressRules = { allowLocal, httpWhenLocal: true };
  const lookup = guardedLookup(pushRules);
  // One secure context built once: a `ca` option would be parsed into a new one per connection (~150 roots) and
  // joined into the agent's pool key on every request.
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
      const addresses = await new Promise<LookupAddress[]>((resolve, reject) => dnsLookup(host, { all: true }, (e, a) => (e ? reject(e) : resolve(a))));
      return resolvedAllowed(addresses.map((a) => a.address), pushRules) ? null : 'the host resolves to an address that is not on the public internet';
    } catch {
      return 'the host does not resolve';
    }
  }

  /** POSTs JSON to a webhook; resolves with the status (any), rejects on a refused address or a network error. */
  function postJson(raw: string, body: unknown, timeoutMs = 10_000): Promise<number> {
    const verdict = checkUrl(raw, webhookRules);
    if (!verdict.ok) return Promise.reject(new AddressRefused(verdict.reason));
    const { url } = verdict;
    const data = Buffer.from(JSON.stringify(body));
    const send = url.protocol === 'https:' ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const request = send(url, {
        method: 'POST', agent: url.protocol === 'https:' ? agent : plainAgent, timeout: timeoutMs,
        headers: { 'content-type': 'application/json', 'content-length': data.length, 'user-agent': 'Helpforce' },
      }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', reject);
      request.end(data);
    });
  }

  return {
    /** For web-push's `agent` option: every push goes through the guarded lookup. */
    agent,
    verify,
    /** The form-only check (no DNS), for a URL saved synchronously with the settings. */
    checkForm: (raw: string, kind: 'push' | 'webhook') => {
      const verdict = checkUrl(raw, kind === 'push' ? pushRules : webhookRules);
      return verdict.ok ? null : verdict.reason;
    },
    postJson,
    close() { agent.destroy(); plainAgent.destroy(); },
  };
}
export type PushTransport = ReturnType<typeof createPushTransport>;
