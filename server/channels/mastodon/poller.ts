// Polls the brand's mention notifications. `min_id` is the cursor: Mastodon answers with the page just above it, so
// following the `prev` links walks forward page by page to the newest with nothing skipped (`since_id` would return
// the newest page and skip the middle of a burst). Each page is stored in one transaction with the cursor moved to
// its newest notification: a crash between pages resumes at the next page, and a page read twice is recognised by its
// status ids, never stored twice. Polling rather than the streaming API: a stream replays nothing after a reconnect,
// so the poll would still be needed to fill its gaps (docs/channels.md).
import type { mastodon } from 'masto';
import type { IngestQuestion } from '../../contracts/api.js';
import type { Clock } from '../../domain/clock.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import type { IngestService } from '../../services/ingest.js';
import { describeMastodonError, exhaustedUntil, retryDelayMs } from './errors.js';
import { statusText } from './status-text.js';
import { createPollLoop } from '../poll-loop.js';

export const MASTODON_CHANNEL = 'mastodon';
/** Mastodon's default page of notifications; it allows up to 80. */
const PAGE_SIZE = 40;

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}
interface Deps {
  client: mastodon.rest.Client;
  data: Pick<ReadRepositories, 'channelCursors'>;
  uow: UnitOfWork;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: Logger;
  intervalMs: number;
  /** Runs before every poll: the adapter reads the instance's limits here until it has them. */
  beforePoll?: () => Promise<void>;
}

const byId = (a: { id: string }, b: { id: string }) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

export function toIngest(status: mastodon.v1.Status): IngestQuestion {
  return {
    channel: MASTODON_CHANNEL,
    externalId: status.id,
    // A content warning is the customer's own summary of what follows: kept in front of the words it hides.
    text: [status.spoilerText, statusText(status.content)].filter(Boolean).join('\n\n') || '(no text)',
    // The network's own way to show a person: `user` on the brand's server, `user@domain` elsewhere.
    author: {
      handle: status.account.acct,
      name: status.account.displayName || undefined,
      externalId: status.account.id,
    },
    createdAt: status.createdAt,
    inReplyToExternalId: status.inReplyToId ?? undefined,
    lang: status.language ?? undefined,
  };
}

export function createMastodonPoller({ client, data, uow, clock, ingest, status, log, intervalMs, beforePoll }: Deps) {
  const report = status.register(MASTODON_CHANNEL);
  const stored = () => data.channelCursors.of(MASTODON_CHANNEL);
  let brandId: string | null = null;

  async function brand(): Promise<string> {
    brandId ??= (await stored())?.brandUserId ?? null;
    if (brandId) return brandId;
    const account = await client.v1.accounts.verifyCredentials();
    brandId = account.id;
    await uow.run((unit) => unit.channelCursors.setBrand(MASTODON_CHANNEL, account.id, clock.now()));
    return account.id;
  }

  async function storePage(notifications: mastodon.v1.Notification[], me: string): Promise<number> {
    let newest = '0';
    for (const n of notifications) if (BigInt(n.id) > BigInt(newest)) newest = n.id;
    const statuses = notifications
      .flatMap((n) => (n.type === 'mention' && n.status ? [n.status] : []))
      .filter((s) => s.account.id !== me)
      .sort(byId);
    await ingest.ingestAll(statuses.map(toIngest), (unit) =>
      unit.channelCursors.advance(MASTODON_CHANNEL, { sinceId: newest, brandUserId: me }, clock.now()),
    );
    return statuses.length;
  }

  /** One poll: every page above the cursor, oldest first, each stored with the cursor it reaches. */
  async function pollOnce(): Promise<{ ingested: number; waitMs: number }> {
    await beforePoll?.();
    const me = await brand();
    const cursor = (await stored())?.sinceId ?? undefined;
    // Without a cursor (the first start) only the newest page is read: older mentions predate the desk.
    // include_filtered: Mastodon's default notification policy holds back private mentions from accounts the brand
    // does not follow, which is every customer's direct question (servers before 4.3 ignore the parameter).
    const params: mastodon.rest.v1.ListNotificationsParams & { includeFiltered: boolean } = {
      types: ['mention'],
      limit: PAGE_SIZE,
      includeFiltered: true,
      ...(cursor ? { minId: cursor } : {}),
    };
    const pages = client.v1.notifications.list.$raw(params).setDirection('prev');
    let ingested = 0;
    let waitUntil: number | undefined;
    for await (const page of pages) {
      waitUntil = exhaustedUntil(page.headers);
      if (page.data.length === 0) break;
      ingested += await storePage(page.data, me);
      if (waitUntil) break;
      // A timer, not setImmediate: other requests get the event loop between pages.
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    // An account with no mention yet starts from the beginning, so the first burst after it is read whole.
    if (!cursor)
      await uow.run(async (unit) => {
        if ((await unit.channelCursors.of(MASTODON_CHANNEL))?.sinceId) return;
        await unit.channelCursors.advance(MASTODON_CHANNEL, { sinceId: '0', brandUserId: me }, clock.now());
      });
    return { ingested, waitMs: waitUntil ? Math.max(0, waitUntil - clock.now() + 500) : 0 };
  }

  const loop = createPollLoop({
    clock,
    intervalMs,
    report,
    log,
    messages: { ingested: 'mastodon mentions ingested', failed: 'mastodon poll failed' },
    poll: pollOnce,
    retry: retryDelayMs,
    describe: describeMastodonError,
  });

  return {
    pollOnce,
    /** One poll with the status board updated, as the timer runs it; returns the delay before the next. */
    cycle: loop.cycle,
    brandId: brand,
    cursor: async () => (await stored())?.sinceId ?? null,
    start: loop.start,
    stop: loop.stop,
  };
}
export type MastodonPoller = ReturnType<typeof createMastodonPoller>;
