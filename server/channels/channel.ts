// One public network behind one interface: the outbox posts through it, the reply composer measures with its length
// rule, and the app starts and stops its ingest with the server. X is one (channels/x/adapter.ts); another network is
// a folder beside it, registered in the composition root (app.ts). Docs: docs/architecture.md, "Adding a channel".
import type { LengthRule } from '../domain/attribution.js';

export type { LengthRule } from '../domain/attribution.js';

export interface OutgoingPost {
  /** Stable across every attempt at the same reply (its id): an idempotency key, or a record key a network accepts. */
  key: string;
  text: string;
  /** The customer's post the reply threads under. */
  inReplyTo: string;
  notBefore: number;
}

/**
 * How a post failed, which decides what the outbox does next: wait until `retryAt` (rate_limited), back off and ask
 * the network first (transient), look for the earlier post (duplicate), or give up and show Retry (permanent).
 */
export type PostErrorKind = 'rate_limited' | 'transient' | 'duplicate' | 'permanent';
export class PostError extends Error {
  constructor(
    readonly kind: PostErrorKind,
    message: string,
    readonly retryAt?: number,
  ) {
    super(message);
    this.name = 'PostError';
  }
}

export interface ChannelAdapter {
  /** The `channel` of the questions it serves, e.g. "x". */
  readonly name: string;
  /** How the network counts a post, links included; a reply that does not fit is refused before review. */
  readonly length: LengthRule;
  /** Posts a reply as the brand, threaded under `inReplyTo`. Fails with a PostError. */
  post(item: OutgoingPost): Promise<{ externalId: string }>;
  /**
   * The id of a brand post already replying to `inReplyTo` with this text, if any. The outbox asks before every
   * retry, so a post whose answer was lost (a timeout, a crash) is found rather than made twice.
   */
  findExisting(item: OutgoingPost): Promise<string | null>;
  /** Where a post on the network opens in a browser (the customer's, or the brand's reply); none for an API channel. */
  postUrl?(externalId: string, authorHandle: string): string | null;
  /**
   * Starts taking in the network's mentions as questions (idempotent on channel + external id, the cursor stored
   * with them), reporting its state to the channel status board that /health shows. A post-only channel has none.
   */
  start?(): void;
  /** Stops ingesting and waits for the work in flight. */
  stop?(): Promise<void>;
}
