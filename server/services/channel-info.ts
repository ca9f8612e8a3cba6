// What the client needs about a question's channel to show it as its network does: the name in words, the rule its
// reply counter counts by, and where the customer's post and the brand's replies open.
import type { ChannelAdapter } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import type { ChannelInfo, Reply } from '../contracts/api.js';
import { channelLabel, isNetwork, ruleInfo, X_RULE_INFO, type LengthRuleInfo } from '../domain/channel-display.js';

export interface ChannelRule {
  name: string;
  label: string;
  network: boolean;
  length: LengthRuleInfo;
}

/**
 * Where a brand reply opens. A Mastodon status address names its account, and the adapter knows the customer's acct
 * but not the brand's, so a Mastodon reply shows its id instead of a link that would not open.
 */
function replyUrl(adapter: ChannelAdapter | undefined, externalId: string): string | null {
  if (!adapter?.postUrl || adapter.name === 'mastodon') return null;
  return adapter.postUrl(externalId, '');
}

export function createChannelInfo(registry: ChannelRegistry) {
  return {
    /** Every channel with an adapter, and the rule a question on any other channel is counted by (X's). */
    rules(): { items: ChannelRule[]; fallback: LengthRuleInfo } {
      const items = registry
        .list()
        .map((adapter) => ({
          name: adapter.name,
          label: channelLabel(adapter.name),
          network: isNetwork(adapter.name),
          length: ruleInfo(adapter.length),
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
      return { items, fallback: X_RULE_INFO };
    },

    of(question: {
      channel: string;
      externalId: string;
      author: { handle: string };
      replies: Pick<Reply, 'id' | 'externalId' | 'delivery'>[];
    }): { channelInfo: ChannelInfo; replyUrls: Record<string, string> } {
      const adapter = registry.get(question.channel);
      const replyUrls: Record<string, string> = {};
      for (const reply of question.replies) {
        if (reply.delivery !== 'sent' || !reply.externalId) continue;
        const url = replyUrl(adapter, reply.externalId);
        if (url) replyUrls[reply.id] = url;
      }
      return {
        channelInfo: {
          label: channelLabel(question.channel),
          network: isNetwork(question.channel),
          length: ruleInfo(registry.lengthRule(question.channel)),
          postUrl: adapter?.postUrl?.(question.externalId, question.author.handle) ?? null,
        },
        replyUrls,
      };
    },
  };
}
export type ChannelInfoService = ReturnType<typeof createChannelInfo>;
