import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import { PostError } from '../channel.js';

/** A readable one-line reason from whatever twitter-api-v2 threw. */
export function describeXError(error: unknown): string {
  if (error instanceof ApiResponseError) {
    const data = error.data as { detail?: string; title?: string } | undefined;
    return `X API ${error.code}: ${data?.detail ?? data?.title ?? error.message}`;
  }
  if (error instanceof ApiRequestError) {
    // twitter-api-v2 1.29 stores the cause as `_options.error`, while its `requestError` getter reads another field.
    const cause = (error as unknown as { _options?: { error?: Error } })._options?.error ?? error.requestError;
    return `X API unreachable: ${cause?.message ?? error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** When to try again after an error, or null when retrying cannot help (bad credentials, forbidden). */
export function retryDelayMs(error: unknown, attempt: number, now: number): { delayMs: number; waiting: boolean } {
  if (error instanceof ApiResponseError && error.code === 429) {
    const reset = error.rateLimit?.reset;
    const delayMs = reset
      ? Math.max(1000, reset * 1000 - now + 500)
      : Math.min(60_000 * 2 ** (attempt - 1), 15 * 60_000);
    return { delayMs, waiting: true };
  }
  if (error instanceof ApiResponseError && error.code < 500) return { delayMs: 5 * 60_000, waiting: false };
  return { delayMs: Math.min(2000 * 2 ** (attempt - 1), 5 * 60_000), waiting: false };
}

export function toPostError(error: unknown): PostError {
  const reason = describeXError(error);
  if (error instanceof ApiResponseError) {
    if (error.code === 429)
      return new PostError(
        'rate_limited',
        reason,
        error.rateLimit?.reset ? error.rateLimit.reset * 1000 + 500 : undefined,
      );
    if (error.code === 403 && /duplicate/i.test(reason)) return new PostError('duplicate', reason);
    if (error.code >= 500) return new PostError('transient', reason);
    return new PostError('permanent', reason);
  }
  return new PostError('transient', reason);
}
