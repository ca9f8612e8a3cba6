export interface FakeUser {
  id: string;
  username: string;
  name: string;
  createdAt: Date;
}

export interface FakeTweet {
  id: string;
  text: string;
  authorId: string;
  conversationId: string;
  inReplyToTweetId?: string;
  inReplyToUserId?: string;
  lang: string;
  createdAt: Date;
}

export interface NewMention {
  text: string;
  author: { username: string; name?: string; id?: string };
  inReplyToTweetId?: string;
  lang?: string;
  createdAt?: Date;
}

export interface FaultRule {
  method?: string;
  /** Matched against the path without query string, or against the route pattern ('/2/users/:id/mentions'). */
  path?: string | RegExp;
  status?: number;
  resetInSec?: number;
  drop?: 'before' | 'after';
  /** Never answer: `true`/'before' before the handler runs; 'after' once it ran (X stored the post, the reply never comes). */
  hang?: boolean | 'before' | 'after';
  delayMs?: number;
  times?: number;
  probability?: number;
}

export interface RateLimitSetting {
  limit: number;
  windowSec?: number;
}

export interface FakeXOptions {
  port?: number;
  host?: string;
  brand?: { id?: string; username?: string; name?: string };
  logger?: boolean;
  /** Keyed by route ('GET /2/users/:id/mentions') or by a daily bucket name (DAILY_APP_TWEETS, DAILY_USER_TWEETS). */
  rateLimits?: Record<string, number | RateLimitSetting>;
  clock?: () => number;
  /** Used for FaultRule.probability; pass a seeded generator (seededRandom) for reproducible load tests. */
  random?: () => number;
  /** X's 2026 self-serve rule: the brand may only reply to posts that mention it. Default true. */
  enforceReplyRule?: boolean;
  /** Keep posts and accounts in this JSON file across restarts: read at start, saved when changed and at close. */
  stateFile?: string;
  /** How often changes are saved to `stateFile`. Default 2000. */
  saveIntervalMs?: number;
  /** Where an unreadable or unwritable `stateFile` is reported. Default console.warn. */
  warn?: (problem: string) => void;
}

/** A post X held before a restart, under its own id. */
export interface KnownPost {
  id: string;
  text: string;
  /** The customer who wrote it; none for the brand's own posts. */
  author?: NewMention['author'];
  inReplyToTweetId?: string;
  lang?: string;
  createdAt: Date;
}

/** `status` is what the handler produced; 0 when no response was sent (hang, drop before). */
export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface FakeX {
  url: string;
  brand: { id: string; username: string; name: string };
  credentials: { appKey: string; appSecret: string; accessToken: string; accessSecret: string };
  addMention(input: NewMention): FakeTweet;
  /** A customer post that does not have to mention the brand (e.g. for keyword search). */
  addTweet(input: NewMention): FakeTweet;
  tweets(): FakeTweet[];
  brandReplies(inReplyToTweetId?: string): FakeTweet[];
  /** Puts back a post X held before a restart (its parent first); false when X has it already. */
  restorePost(post: KnownPost): boolean;
  /** New posts get ids above `id` (a client's since_id skips everything at or below it). */
  continueAbove(id: string): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  setRateLimit(route: string, limit: number, windowSec?: number): void;
  requests: LoggedRequest[];
  close(): Promise<void>;
}
