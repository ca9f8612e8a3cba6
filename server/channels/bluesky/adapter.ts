// The Bluesky channel as a ChannelAdapter: the notification poller is its ingest, the poster its post and
// find-existing, and 300 graphemes its length rule (app.bsky.feed.post's `maxGraphemes`).
import type { Clock } from '../../domain/clock.js';
import type { ReadRepositories } from '../../repositories/index.js';
import { blueskyPostUrl } from '../../domain/channel-display.js';
import { graphemeRule } from '../../domain/length-rules.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import type { IngestService } from '../../services/ingest.js';
import type { ChannelAdapter } from '../channel.js';
import { BLUESKY_CHANNEL, createNotificationPoller, type NotificationPoller } from './notification-poller.js';
import { createBlueskyPoster } from './poster.js';
import type { BlueskySession } from './session.js';

export const BLUESKY_LENGTH_RULE = graphemeRule(300);

interface Deps {
  session: BlueskySession;
  data: Pick<ReadRepositories, 'channelCursors'>;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  intervalMs: number;
}

export interface BlueskyAdapter extends ChannelAdapter {
  /** Tests and the demo poll by hand. */
  readonly poller: NotificationPoller;
}

export function createBlueskyAdapter(deps: Deps): BlueskyAdapter {
  const poller = createNotificationPoller(deps);
  const poster = createBlueskyPoster(deps.session);
  return {
    name: BLUESKY_CHANNEL,
    length: BLUESKY_LENGTH_RULE,
    post: poster.post,
    findExisting: poster.findExisting,
    postUrl: blueskyPostUrl,
    start: poller.start,
    stop: poller.stop,
    poller,
  };
}
