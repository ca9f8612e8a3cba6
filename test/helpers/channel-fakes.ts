// Adapters under the real networks' names with their real length rules and links, posting into memory: for tests
// of what the client is told about a channel, where starting the fake Bluesky or Mastodon servers would be heavy.
import type { ChannelAdapter } from '../../server/channels/channel.js';
import { mastodonReplyRule } from '../../server/channels/mastodon/adapter.js';
import { statusUrl } from '../../server/channels/mastodon/status-text.js';
import { X_LENGTH_RULE, type LengthRule } from '../../server/domain/attribution.js';
import { blueskyPostUrl, xPostUrl } from '../../server/domain/channel-display.js';
import { graphemeRule } from '../../server/domain/length-rules.js';

export const MASTODON_SERVER = 'https://social.example';

function fake(
  name: string,
  length: LengthRule,
  postUrl: (id: string, handle: string) => string | null,
  idOf: (n: number) => string,
) {
  const posts: { id: string; text: string; inReplyTo: string }[] = [];
  const adapter: ChannelAdapter = {
    name,
    length,
    async post(item) {
      const id = idOf(posts.length + 1);
      posts.push({ id, text: item.text, inReplyTo: item.inReplyTo });
      return { externalId: id };
    },
    async findExisting(item) {
      return posts.find((p) => p.inReplyTo === item.inReplyTo && p.text === item.text)?.id ?? null;
    },
    postUrl,
  };
  return { adapter, posts };
}

/** X, Bluesky (300 graphemes) and Mastodon (an instance allowing `mastodonMax`), as their adapters count and link. */
export function fakeNetworks(mastodonMax = 500) {
  return {
    x: fake('x', X_LENGTH_RULE, xPostUrl, (n) => `19000000000000000${n}`),
    bluesky: fake(
      'bluesky',
      graphemeRule(300),
      blueskyPostUrl,
      (n) => `at://did:plc:brand/app.bsky.feed.post/3brand${n}`,
    ),
    mastodon: fake(
      'mastodon',
      mastodonReplyRule(mastodonMax),
      (id, acct) => statusUrl(MASTODON_SERVER, acct, id),
      (n) => `11300000000000000${n}`,
    ),
  };
}
