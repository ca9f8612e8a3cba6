// How a receiver knows a delivery came from this desk and is fresh: the scheme Stripe documents for its webhooks.
// The header carries the time of sending and an HMAC-SHA256, keyed with the channel's secret, of "<time>.<raw body>";
// signing the time with the body is what lets a receiver refuse a captured request replayed later.
import { createHmac, randomBytes } from 'node:crypto';

export const SIGNATURE_HEADER = 'Helpforce-Signature';

/** A new channel secret: 32 random bytes, prefixed so that one found in a paste or a log is recognisable. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * `t=<unix seconds>,v1=<hex>`, one v1 per secret: during a rotation the previous secret signs too, so a receiver still
 * holding it keeps accepting deliveries until it has the new one.
 */
export function signatureHeader(secrets: readonly string[], nowMs: number, body: string): string {
  const timestamp = Math.floor(nowMs / 1000);
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`)].join(',');
}
