// Polls the brand's mentions timeline. since_id stays fixed while paging; the first page's newest_id becomes the next
// cursor, written in the same transaction as the questions it covers, so a crash at any point loses nothing and
// duplicates nothing (questions are also unique on channel + external id). Waits come from X's rate-limit headers.
import type { TweetV2, TwitterApi, UserV2 } from 'twitter-api-v2';
import type { Clock } from '../../domain/clock.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import type { IngestService } from '../../services/ingest.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import { describeXError, retryDelayMs } from './errors.js';
import { createPollLoop } from '../poll-loop.js';

export const X_CHANNEL = 'x';
const TWEET_FIELDS = [
  'created_at',
  'conversation_id',
  'in_reply_to_user_id',
  'referenced_tweets',
  'lang',
  'author_id',
] as const;
const MAX_PAGES = 8;
const MAX_BACKFILL_PAGES = 50;
const INGEST_CHUNK = 100;

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
interface Deps {
  client: TwitterApi;
  data: Pick<ReadRepositories, 'channelCursors'>;
  uow: UnitOfWork;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: Logger;
  intervalMs: number;
}

export function createMentionPoller({ client, data, uow, clock, ingest, status, log, intervalMs }: Deps) {
  const report = status.register(X_CHANNEL);
  let brandUsername: string | null = null;
  let brandId: string | null = null;

  async function brand(): Promise<string> {
    brandId ??= (await data.channelCursors.of(X_CHANNEL))?.brandUserId ?? null;
    if (brandId) return brandId;
    const me = (await client.v2.me()).data;
    brandId = me.id;
    brandUsername = me.username;
    const id = me.id;
    await uow.run((unit) => unit.channelCursors.setBrand(X_CHANNEL, id, clock.now()));
    return id;
  }

  async function sinceId(): Promise<string | undefined> {
    return (await data.channelCursors.of(X_CHANNEL))?.sinceId ?? undefined;
  }

  function toIngest(tweet: TweetV2, author: UserV2 | undefined) {
    const repliedTo = tweet.referenced_tweets?.find((r) => r.type === 'replied_to')?.id;
    return {
      channel: X_CHANNEL,
      externalId: tweet.id,
      text: tweet.text,
      author: {
        handle: author?.username ?? tweet.author_id ?? 'unknown',
        name: author?.name,
        externalId: tweet.author_id,
      },
      createdAt: tweet.created_at,
      inReplyToExternalId: repliedTo,
      conversationId: tweet.conversation_id,
      lang: tweet.lang,
    };
  }

  async function backfill(since: string, found: TweetV2[], authors: Map<string, UserV2>): Promise<TweetV2[]> {
    const username = brandUsername ?? (brandUsername = (await client.v2.me()).data.username);
    const oldest = found.reduce((min, t) => (BigInt(t.id) < BigInt(min) ? t.id : min), found[0]!.id);
    const search = await client.v2.search(`@${username} -is:retweet`, {
      since_id: since,
      until_id: oldest,
      max_results: 100,
      expansions: ['author_id'],
      'tweet.fields': [...TWEET_FIELDS],
      'user.fields': ['name', 'username'],
    });
    for (let page = 1; !search.done && page < MAX_BACKFILL_PAGES; page++) await search.fetchNext();
    for (const user of search.includes.users ?? []) authors.set(user.id, user);
    const seen = new Set(found.map((t) => t.id));
    const recovered = search.tweets.filter((t) => !seen.has(t.id));
    log.warn(
      { since, recovered: recovered.length, complete: search.done },
      'more mentions than X lists since the last poll: recovered the older ones from recent search',
    );
    return recovered;
  }

  /** One poll: every page since the cursor, stored oldest first, the new cursor with the last of them. */
  async function pollOnce(): Promise<{ ingested: number; waitMs: number }> {
    const me = await brand();
    const since = await sinceId();
    const timeline = await client.v2.userMentionTimeline(me, {
      ...(since ? { since_id: since } : {}),
      max_results: 100,
      expansions: ['author_id'],
      'tweet.fields': [...TWEET_FIELDS],
      'user.fields': ['name', 'username'],
    });
    const newest = timeline.meta.newest_id;
    for (let page = 1; !timeline.done && page < MAX_PAGES; page++) await timeline.fetchNext();
    const authors = new Map((timeline.includes.users ?? []).map((u) => [u.id, u]));
    const found = [...timeline.tweets];
    // X lists at most the 800 newest mentions (8 pages of 100). A bigger burst since the last poll is recovered from
    // recent search (the last 7 days), between the cursor and the oldest mention the timeline gave.
    if (since && !timeline.done) found.push(...(await backfill(since, found, authors)));
    const tweets = found.filter((t) => t.author_id !== me).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    // Stored a hundred at a time with the event loop free between: a poll of 800 in one transaction would hold every
    // other request meanwhile (docs/architecture.md, "Why some rules are so"). The cursor moves with the last hundred: after a crash half-way the next poll reads the
    // same pages again, and what was already stored is recognised by its external id, not stored twice.
    let ingested = 0;
    for (let start = 0; ; start += INGEST_CHUNK) {
      const chunk = tweets.slice(start, start + INGEST_CHUNK);
      const last = start + INGEST_CHUNK >= tweets.length;
      await ingest.ingestAll(
        chunk.map((tweet) => toIngest(tweet, tweet.author_id ? authors.get(tweet.author_id) : undefined)),
        last && newest
          ? (unit) => unit.channelCursors.advance(X_CHANNEL, { sinceId: newest, brandUserId: me }, clock.now())
          : undefined,
      );
      ingested += chunk.length;
      if (last) break;
      // A timer, not setImmediate: the loop passes through its I/O phase before the next hundred.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const limit = timeline.rateLimit;
    const waitMs = limit && limit.remaining === 0 ? Math.max(0, limit.reset * 1000 - clock.now() + 500) : 0;
    return { ingested, waitMs };
  }

  const loop = createPollLoop({
    clock,
    intervalMs,
    report,
    log,
    messages: { ingested: 'mentions ingested', failed: 'mention poll failed' },
    poll: pollOnce,
    retry: retryDelayMs,
    describe: describeXError,
  });

  return {
    pollOnce,
    brandId: brand,
    start: loop.start,
    stop: loop.stop,
  };
}
export type MentionPoller = ReturnType<typeof createMentionPoller>;
