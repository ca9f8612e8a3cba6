// What an XRPC failure means for the poller and the outbox. @atproto/xrpc throws XRPCError for every failure: its
// `status` is the HTTP status, or 1 when no answer came (network, timeout) and 2 when the answer broke the lexicon.
import { XRPCError } from '@atproto/api';
import { PostError } from '../channel.js';

/** Bluesky's rate-limit reset (`ratelimit-reset`, epoch seconds) in milliseconds, if the answer carried one. */
export function rateLimitResetMs(headers: Record<string, string | undefined> | undefined): number | undefined {
  const reset = Number(headers?.['ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? reset * 1000 : undefined;
}

export function describeBlueskyError(error: unknown): string {
  if (error instanceof XRPCError) {
    if (error.status < 100) return `Bluesky unreachable: ${error.message}`;
    return `Bluesky ${error.status} ${error.error ?? ''}: ${error.message}`.replace(' :', ':');
  }
  return error instanceof Error ? error.message : String(error);
}

/** An expired or revoked session: the agent drops it and the next call logs in again, so retrying helps. */
function isSessionError(error: XRPCError): boolean {
  return error.status === 401 || error.error === 'ExpiredToken' || error.error === 'InvalidToken';
}

/** When the poller tries again after an error; `waiting` when Bluesky said how long (a rate limit). */
export function retryDelayMs(error: unknown, attempt: number, now: number): { delayMs: number; waiting: boolean } {
  if (error instanceof XRPCError && error.status === 429) {
    const reset = rateLimitResetMs(error.headers);
    const delayMs = reset ? Math.max(1000, reset - now + 500) : Math.min(60_000 * 2 ** (attempt - 1), 15 * 60_000);
    return { delayMs, waiting: true };
  }
  if (error instanceof XRPCError && error.status >= 400 && error.status < 500 && !isSessionError(error))
    return { delayMs: 5 * 60_000, waiting: false };
  return { delayMs: Math.min(2000 * 2 ** (attempt - 1), 5 * 60_000), waiting: false };
}

export function toPostError(error: unknown): PostError {
  if (error instanceof PostError) return error;
  const reason = describeBlueskyError(error);
  if (!(error instanceof XRPCError)) return new PostError('transient', reason);
  if (error.status === 429) {
    const reset = rateLimitResetMs(error.headers);
    return new PostError('rate_limited', reason, reset === undefined ? undefined : reset + 500);
  }
  // putRecord with `swapRecord: null` refuses a key that holds a different record: the post exists already.
  if (error.error === 'InvalidSwap') return new PostError('duplicate', reason);
  if (error.status < 100 || error.status >= 500 || isSessionError(error)) return new PostError('transient', reason);
  return new PostError('permanent', reason);
}
