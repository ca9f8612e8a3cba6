export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

export interface FakeAccount {
  id: string;
  username: string;
  /** `username` on this server, `username@domain` for an account of another server. */
  acct: string;
  displayName: string;
  domain: string | null;
  createdAt: Date;
}

export interface FakeStatus {
  id: string;
  accountId: string;
  /** What the author typed (Mastodon keeps it as the status source); `content` is its HTML. */
  text: string;
  content: string;
  visibility: Visibility;
  inReplyToId: string | null;
  inReplyToAccountId: string | null;
  /** Accounts the text mentions (resolved as Mastodon resolves them): the ones it reaches. */
  mentionIds: string[];
  language: string | null;
  createdAt: Date;
}

export interface FakeNotification {
  id: string;
  type: 'mention';
  /** Whose notification it is. */
  ownerId: string;
  accountId: string;
  statusId: string;
  createdAt: Date;
  /**
   * Held back by the notification policy (Mastodon 4.3's default filters private mentions from accounts one does not
   * follow): listed only with include_filtered=true.
   */
  filtered: boolean;
}

export interface NewMention {
  text: string;
  /** A customer; with `domain` an account of another server, addressed as `username@domain`. */
  account: { username: string; domain?: string; displayName?: string };
  visibility?: Visibility;
  inReplyToId?: string;
  /** The HTML as the customer's server sent it, instead of the fake's rendering of `text`. */
  html?: string;
  language?: string;
}

/** A status known from an earlier run (the demo's database), to be put back as it was. */
export interface KnownStatus {
  id: string;
  /** A customer, by `username` or `username@domain`, and the account id it had; the brand when absent. */
  account?: { acct: string; id?: string; displayName?: string };
  text: string;
  createdAt: Date;
  inReplyToId?: string;
  visibility?: Visibility;
  language?: string;
}

export interface FaultRule {
  method?: string;
  /** Matched against the path without query string. */
  path?: string | RegExp;
  status?: number;
  /** For a 429: when the quota comes back (X-RateLimit-Reset). */
  resetInSec?: number;
  /** Close the connection: 'before' the handler runs, or 'after' it ran (a post is stored, its answer lost). */
  drop?: 'before' | 'after';
  /** Never answer once the handler ran (a status is stored): the client waits until it or the server gives up. */
  hang?: 'after';
  times?: number;
  /** Let this many matching requests through first (a fault on the third page of a poll). */
  skip?: number;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: string;
  status: number;
  idempotencyKey?: string;
  at: number;
}

export interface FakeMastodonOptions {
  port?: number;
  host?: string;
  /** This server's domain: local accounts have no domain in their acct. */
  domain?: string;
  brand?: { username?: string; displayName?: string };
  accessToken?: string;
  /** configuration.statuses.max_characters of /api/v2/instance. Default 500. */
  maxCharacters?: number;
  /** Requests per window per token (Mastodon: 300 per 5 minutes). */
  rateLimit?: { limit: number; windowSec: number };
  clock?: () => number;
}

export interface FakeMastodon {
  url: string;
  accessToken: string;
  brand: FakeAccount;
  domain: string;
  /** A customer's status that mentions the brand (the brand's handle is put in front unless the text has it). */
  addMention(input: NewMention): FakeStatus;
  /** A customer's status as given, mentioning the brand or not. */
  addStatus(input: NewMention): FakeStatus;
  /**
   * A status of an earlier run put back under its own id (and its author under theirs) without a notification:
   * the demo restores what its database holds. Restore parents first; new ids stay above the restored ones. False
   * when the id is not a status id or is taken.
   */
  restoreStatus(status: KnownStatus): boolean;
  statuses(): FakeStatus[];
  /** The brand's statuses replying to `inReplyToId` (or all of its replies). */
  brandReplies(inReplyToId?: string): FakeStatus[];
  /** The accts a status reaches by mention. */
  mentioned(statusId: string): string[];
  account(id: string): FakeAccount | undefined;
  setMaxCharacters(max: number): void;
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  requests: LoggedRequest[];
  close(): Promise<void>;
}
