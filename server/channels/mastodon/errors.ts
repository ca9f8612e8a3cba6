// What masto threw, as the outbox and the poller need it. A Mastodon error body is `{"error": "…"}`; the rate limit
// is in the X-RateLimit-* headers of every answer, its reset an ISO 8601 time (not seconds, as on X).
import { MastoHttpError } from 'masto';
import { PostError } from '../channel.js';

/** When a 429 says the quota comes back, in ms since the epoch. */
export function rateLimitResetAt(error: unknown): number | undefined {
  if (!(error instanceof MastoHttpError) || !(error.cause instanceof Response)) return undefined;
  return resetAt(error.cause.headers);
}

/** The reset time of headers whose quota is used up, else undefined. */
export function exhaustedUntil(headers: Headers): number | undefined {
  return headers.get('x-ratelimit-remaining') === '0' ? resetAt(headers) : undefined;
}

function resetAt(headers: Headers): number | undefined {
  const reset = headers.get('x-ratelimit-reset');
  const at = reset ? Date.parse(reset) : Number.NaN;
  return Number.isNaN(at) ? undefined : at;
}

/** A readable one-line reason from whatever masto threw. */
export function describeMastodonError(error: unknown): string {
  if (error instanceof MastoHttpError) return `Mastodon API ${error.statusCode}: ${error.message}`;
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `Mastodon API unreachable: ${error.message}${cause}`;
  }
  return String(error);
}

/** When to poll again after an error; `waiting` when the server asked us to (429). */
export function retryDelayMs(error: unknown, attempt: number, now: number): { delayMs: number; waiting: boolean } {
  if (error instanceof MastoHttpError && error.statusCode === 429) {
    const reset = rateLimitResetAt(error);
    const delayMs = reset ? Math.max(1000, reset - now + 500) : Math.min(60_000 * 2 ** (attempt - 1), 15 * 60_000);
    return { delayMs, waiting: true };
  }
  // A bad token or a revoked scope does not heal by itself: poll rarely until someone fixes it.
  if (error instanceof MastoHttpError && error.statusCode < 500) return { delayMs: 5 * 60_000, waiting: false };
  return { delayMs: Math.min(2000 * 2 ** (attempt - 1), 5 * 60_000), waiting: false };
}

/**
 * Mastodon has no duplicate-content refusal (a repeated Idempotency-Key returns the first status instead), so a
 * failure is a wait, a retry after asking first, or final: a 4xx such as 422 (too long) or 404 (the customer's post
 * is gone) will fail the same way every time.
 */
export function toPostError(error: unknown): PostError {
  const reason = describeMastodonError(error);
  if (error instanceof MastoHttpError) {
    if (error.statusCode === 429) {
      const reset = rateLimitResetAt(error);
      return new PostError('rate_limited', reason, reset === undefined ? undefined : reset + 500);
    }
    if (error.statusCode >= 500 || error.statusCode === 408) return new PostError('transient', reason);
    return new PostError('permanent', reason);
  }
  return new PostError('transient', reason);
}
