// The Mastodon channel as a ChannelAdapter: the notification poller is its ingest, the poster its post and
// find-existing, and the instance's own character limit its length rule.
import type { mastodon } from 'masto';
import type { Clock } from '../../domain/clock.js';
import type { UnitOfWork } from '../../events/unit-of-work.js';
import type { ReadRepositories } from '../../repositories/index.js';
import { mastodonRule } from '../../domain/length-rules.js';
import type { ChannelStatus } from '../../services/channel-status.js';
import type { IngestService } from '../../services/ingest.js';
import type { ChannelAdapter } from '../channel.js';
import { createMastodonPoller, MASTODON_CHANNEL, type MastodonPoller } from './poller.js';
import { createMastodonPoster } from './poster.js';
import { statusUrl } from './status-text.js';

/** Mastodon's limit when an instance does not say otherwise. */
export const DEFAULT_MAX_CHARACTERS = 500;
/**
 * Room kept for the customer's handle the poster puts in front of the reply: "@" + a username (30 characters at
 * most on Mastodon; the domain of a remote one is not counted) + a space.
 */
export const ADDRESS_ROOM = 32;

interface Deps {
  client: mastodon.rest.Client;
  data: Pick<ReadRepositories, 'channelCursors'>;
  uow: UnitOfWork;
  clock: Clock;
  ingest: IngestService;
  status: ChannelStatus;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  intervalMs: number;
  /** The brand's server, for links to statuses. */
  serverUrl: string;
}

export interface MastodonAdapter extends ChannelAdapter {
  /** Tests and the demo poll by hand. */
  readonly poller: MastodonPoller;
  /** Reads the instance's character limit (once it succeeds, never again). */
  loadInstance(): Promise<void>;
  /** Where a status (the customer's or the brand's) opens on the brand's server. */
  postUrl(statusId: string, authorAcct: string): string;
}

/** What the expert may write: the instance's limit less the room for the customer's handle. */
export function mastodonReplyRule(maxCharacters: number): ReturnType<typeof mastodonRule> {
  return mastodonRule(Math.max(1, maxCharacters - ADDRESS_ROOM));
}

export function createMastodonAdapter(deps: Deps): MastodonAdapter {
  let length = mastodonReplyRule(DEFAULT_MAX_CHARACTERS);
  let instanceRead = false;

  async function loadInstance() {
    if (instanceRead) return;
    const instance = await deps.client.v2.instance.fetch();
    const max = instance.configuration?.statuses?.maxCharacters;
    if (typeof max === 'number' && max > 0) length = mastodonReplyRule(max);
    instanceRead = true;
  }

  const poller = createMastodonPoller({ ...deps, beforePoll: loadInstance });
  const poster = createMastodonPoster(deps.client, poller.brandId);
  return {
    name: MASTODON_CHANNEL,
    get length() {
      return length;
    },
    async post(item) {
      // Best effort: a post still goes out under the default limit when the instance cannot be read right now.
      await loadInstance().catch(() => undefined);
      return poster.post(item);
    },
    findExisting: poster.findExisting,
    start: poller.start,
    stop: poller.stop,
    poller,
    loadInstance,
    postUrl: (statusId, authorAcct) => statusUrl(deps.serverUrl, authorAcct, statusId),
  };
}
