import type { RateLimitSetting } from './types.js';

export const DAILY_APP_TWEETS = 'POST /2/tweets app-24hour';
export const DAILY_USER_TWEETS = 'POST /2/tweets user-24hour';

const FIFTEEN_MINUTES = 900;
const ONE_DAY = 86_400;
// Defaults never get in the way of benchmarks; tests opt into X's real numbers with X_RATE_LIMITS_2026.
const DEFAULT_LIMIT = 1_000_000;
const DEFAULT_DAILY_LIMIT = 1_000_000;

/** Per-user limits of the 2026 pay-per-use tier (X-API-NOTES §3.2). */
export const X_RATE_LIMITS_2026: Record<string, RateLimitSetting> = {
  'GET /2/users/me': { limit: 75 },
  'GET /2/users/:id/mentions': { limit: 300 },
  'GET /2/users/:id/tweets': { limit: 900 },
  'GET /2/tweets/search/recent': { limit: 300 },
  'POST /2/tweets': { limit: 100 },
  [DAILY_APP_TWEETS]: { limit: 10_000, windowSec: ONE_DAY },
  [DAILY_USER_TWEETS]: { limit: 10_000, windowSec: ONE_DAY },
};

export interface BucketState {
  limit: number;
  remaining: number;
  /** Epoch seconds. */
  reset: number;
}

class Bucket {
  private used = 0;
  private resetAtMs = 0;

  constructor(
    readonly limit: number,
    readonly windowSec: number,
  ) {}

  take(now: number): boolean {
    this.roll(now);
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  state(now: number): BucketState {
    this.roll(now);
    return { limit: this.limit, remaining: this.limit - this.used, reset: Math.ceil(this.resetAtMs / 1000) };
  }

  private roll(now: number): void {
    if (now < this.resetAtMs) return;
    this.used = 0;
    this.resetAtMs = now + this.windowSec * 1000;
  }
}

/** Fixed windows per route, like X's 15-minute buckets, plus the two 24-hour buckets of POST /2/tweets. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: () => number,
    private readonly settings: Record<string, number | RateLimitSetting> = {},
  ) {}

  set(route: string, limit: number, windowSec?: number): void {
    this.buckets.set(route, new Bucket(limit, windowSec ?? defaultWindow(route)));
  }

  /** Counts the request against every bucket of the route; returns the headers to send and whether it may proceed. */
  take(route: string): { allowed: boolean; headers: Record<string, string> } {
    const now = this.clock();
    const names = bucketNames(route);
    const buckets = names.map((name) => this.bucket(name));
    const allowed = buckets.every((bucket) => bucket.state(now).remaining > 0);
    if (allowed) buckets.forEach((bucket) => bucket.take(now));
    return { allowed, headers: this.headers(route) };
  }

  headers(route: string, override?: Partial<BucketState>): Record<string, string> {
    const now = this.clock();
    const headers: Record<string, string> = {};
    bucketNames(route).forEach((name, index) => {
      const state = { ...this.bucket(name).state(now), ...(index === 0 ? override : {}) };
      const prefix = ['x-rate-limit', 'x-app-limit-24hour', 'x-user-limit-24hour'][index];
      headers[`${prefix}-limit`] = String(state.limit);
      headers[`${prefix}-remaining`] = String(state.remaining);
      headers[`${prefix}-reset`] = String(state.reset);
    });
    return headers;
  }

  private bucket(name: string): Bucket {
    let bucket = this.buckets.get(name);
    if (!bucket) {
      const setting = this.settings[name];
      const { limit, windowSec } =
        typeof setting === 'number' ? { limit: setting, windowSec: undefined } : (setting ?? {});
      bucket = new Bucket(limit ?? defaultLimit(name), windowSec ?? defaultWindow(name));
      this.buckets.set(name, bucket);
    }
    return bucket;
  }
}

function bucketNames(route: string): string[] {
  return route === 'POST /2/tweets' ? [route, DAILY_APP_TWEETS, DAILY_USER_TWEETS] : [route];
}

function isDaily(name: string): boolean {
  return name === DAILY_APP_TWEETS || name === DAILY_USER_TWEETS;
}

function defaultLimit(name: string): number {
  return isDaily(name) ? DEFAULT_DAILY_LIMIT : DEFAULT_LIMIT;
}

function defaultWindow(name: string): number {
  return isDaily(name) ? ONE_DAY : FIFTEEN_MINUTES;
}
