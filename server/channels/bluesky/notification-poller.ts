// Polls the brand's notifications for mentions, replies and quotes. listNotifications pages from the newest back and
// has no "since" parameter, so the cursor stored is the newest `indexedAt` taken in; a poll pages back until it
// reaches it. The cursor is written in the same transaction as the questions it covers: a crash at any point loses
// nothing, and a post seen twice (the one at the cursor, or after a crash) is recognised by its at:// URI.
import type { AppBskyNotificationListNotifications } from '@atproto/api';
import type { IngestQuestion } from '../../contracts/api.js';
import type { Clock } from '../../domain/clock.js';
import type { Unit } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import type { IngestService } from '../../services/ingest.js';
import { describeBlueskyError, rateLimitResetMs, retryDelayMs } from './errors.js';
import type { BlueskySession } from './session.js';
import { createPollLoop } from '../poll-loop.js';

export const BLUESKY_CHANNEL = 'bluesky';
const REASONS = ['mention', 'reply', 'quote'];
const PAGE_SIZE = 100;
/** Pages read back to the cursor in one poll; the first poll of an account reads one page, not its whole history. */
const MAX_PAGES = 20;
const INGEST_CHUNK = 100;

type Notification = AppBskyNotificationListNotifications.Notification;
interface PostRecord {
  text?: unknown;
  createdAt?: unknown;
  langs?: unknown;
  reply?: { parent?: { uri?: unknown }; root?: { uri?: unknown } };
}

interface Deps {
  session: BlueskySession;
  data: Pick<ReadRepositories, 'channelCursors'>;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  intervalMs: number;
}

/** A customer's post as a question; a reply names its parent, so ingest threads one under the brand's answer. */
export function toIngest(notification: Notification): IngestQuestion | null {
  const record = notification.record as PostRecord;
  if (typeof record.text !== 'string' || record.text.trim() === '') return null;
  const parent = record.reply?.parent?.uri;
  const root = record.reply?.root?.uri;
  const lang = Array.isArray(record.langs) && typeof record.langs[0] === 'string' ? record.langs[0] : undefined;
  return {
    channel: BLUESKY_CHANNEL,
    externalId: notification.uri,
    text: record.text,
    author: {
      handle: notification.author.handle,
      name: notification.author.displayName || undefined,
      externalId: notification.author.did,
    },
    createdAt: typeof record.createdAt === 'string' ? new Date(record.createdAt).toISOString() : undefined,
    inReplyToExternalId: typeof parent === 'string' ? parent : undefined,
    conversationId: typeof root === 'string' ? root : notification.uri,
    lang,
  };
}

/**
 * The cursor: the newest `indexedAt` taken in, and the posts taken at that very millisecond (two posts can share
 * it), so the next poll takes what is newer, or as new but not yet seen.
 */
interface Mark {
  at: string;
  uris: string[];
}

function parseMark(stored: string): Mark | undefined {
  try {
    const mark = JSON.parse(stored) as Mark;
    return typeof mark.at === 'string' && Array.isArray(mark.uris) ? mark : undefined;
  } catch {
    return undefined;
  }
}

function isNew(notification: Notification, mark: Mark | undefined): boolean {
  if (!mark) return true;
  const at = Date.parse(notification.indexedAt);
  const markAt = Date.parse(mark.at);
  return at > markAt || (at === markAt && !mark.uris.includes(notification.uri));
}

/** The cursor after taking `found`, as stored; undefined when nothing new came. */
function nextMark(found: Notification[], mark: Mark | undefined): string | undefined {
  if (found.length === 0) return undefined;
  const newest = Math.max(...found.map((n) => Date.parse(n.indexedAt)));
  const atNewest = found.filter((n) => Date.parse(n.indexedAt) === newest).map((n) => n.uri);
  const carried = mark && Date.parse(mark.at) === newest ? mark.uris : [];
  return JSON.stringify({ at: new Date(newest).toISOString(), uris: [...new Set([...carried, ...atNewest])] });
}

export function createNotificationPoller({ session, data, clock, ingest, status, log, intervalMs }: Deps) {
  const report = status.register(BLUESKY_CHANNEL);

  async function storedMark(): Promise<Mark | undefined> {
    const row = await data.channelCursors.of(BLUESKY_CHANNEL);
    return row?.sinceId ? parseMark(row.sinceId) : undefined;
  }

  /** One poll: every page back to the cursor, stored oldest first, the new cursor with the last of them. */
  async function pollOnce(): Promise<{ ingested: number; waitMs: number }> {
    const brand = await session.account();
    const mark = await storedMark();
    const found: Notification[] = [];
    let cursor: string | undefined;
    let waitMs = 0;
    for (let page = 0; page < (mark ? MAX_PAGES : 1); page++) {
      const { data, headers } = await session.agent.app.bsky.notification.listNotifications({
        reasons: REASONS,
        limit: PAGE_SIZE,
        cursor,
      });
      const reset = headers['ratelimit-remaining'] === '0' ? rateLimitResetMs(headers) : undefined;
      waitMs = reset ? Math.max(0, reset - clock.now() + 500) : 0;
      const fresh = data.notifications.filter((n) => isNew(n, mark));
      found.push(...fresh);
      cursor = data.cursor;
      if (fresh.length < data.notifications.length || !cursor || data.notifications.length === 0) break;
      if (page === MAX_PAGES - 1) log.warn({ mark }, 'more notifications since the last poll than one poll reads');
    }
    const newest = nextMark(found, mark);
    const posts = found
      .filter((n) => REASONS.includes(n.reason) && n.author.did !== brand.did)
      .sort((a, b) => Date.parse(a.indexedAt) - Date.parse(b.indexedAt))
      .map(toIngest)
      .filter((post): post is IngestQuestion => post !== null);
    const writeCursor = (unit: Unit, sinceId: string) =>
      unit.channelCursors.advance(BLUESKY_CHANNEL, { sinceId, brandUserId: brand.did }, clock.now());
    for (let start = 0; ; start += INGEST_CHUNK) {
      const last = start + INGEST_CHUNK >= posts.length;
      await ingest.ingestAll(
        posts.slice(start, start + INGEST_CHUNK),
        last && newest ? (unit) => writeCursor(unit, newest) : undefined,
      );
      if (last) break;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return { ingested: posts.length, waitMs };
  }

  const loop = createPollLoop({
    clock,
    intervalMs,
    report,
    log,
    messages: { ingested: 'Bluesky notifications ingested', failed: 'Bluesky notification poll failed' },
    poll: pollOnce,
    retry: retryDelayMs,
    describe: describeBlueskyError,
  });

  return {
    pollOnce,
    /** One poll with the status board updated, as the timer runs it; returns the delay before the next. */
    cycle: loop.cycle,
    start: loop.start,
    stop: loop.stop,
  };
}
export type NotificationPoller = ReturnType<typeof createNotificationPoller>;
