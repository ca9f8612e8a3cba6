// The X channel as a ChannelAdapter: the mention poller is its ingest, the poster its post and find-existing, and
// twitter-text's weighted count its length rule.
import type { TwitterApi } from 'twitter-api-v2';
import type { Clock } from '../../domain/clock.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import { X_LENGTH_RULE } from '../../domain/attribution.js';
import { xPostUrl } from '../../domain/channel-display.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import type { IngestService } from '../../services/ingest.js';
import type { ChannelAdapter } from '../channel.js';
import { createMentionPoller, X_CHANNEL, type MentionPoller } from './mention-poller.js';
import { createXPoster } from './poster.js';

interface Deps {
  client: TwitterApi;
  data: Pick<ReadRepositories, 'channelCursors'>;
  uow: UnitOfWork;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  intervalMs: number;
}

export interface XAdapter extends ChannelAdapter {
  /** Tests and the demo poll by hand. */
  readonly poller: MentionPoller;
}

export function createXAdapter(deps: Deps): XAdapter {
  const poller = createMentionPoller(deps);
  const poster = createXPoster(deps.client, poller.brandId);
  return {
    name: X_CHANNEL,
    length: X_LENGTH_RULE,
    post: poster.post,
    findExisting: poster.findExisting,
    postUrl: xPostUrl,
    start: poller.start,
    stop: poller.stop,
    poller,
  };
}
