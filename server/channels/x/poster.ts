// Posting replies as the brand: `POST /2/tweets {text, reply:{in_reply_to_tweet_id}}`. Reconciliation reads the brand's
// own timeline since the customer's post (a reply always has a larger id than its parent) for the same text.
import type { TwitterApi } from 'twitter-api-v2';
import type { ChannelAdapter, OutgoingPost } from '../channel.js';
import { toPostError } from './errors.js';

const normalize = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();
const MAX_PAGES = 5;

export function createXPoster(
  client: TwitterApi,
  brandId: () => Promise<string>,
): Pick<ChannelAdapter, 'post' | 'findExisting'> {
  return {
    async post(item: OutgoingPost) {
      try {
        const { data } = await client.v2.reply(item.text, item.inReplyTo);
        return { externalId: data.id };
      } catch (error) {
        throw toPostError(error);
      }
    },

    async findExisting(item: OutgoingPost) {
      try {
        const timeline = await client.v2.userTimeline(await brandId(), {
          since_id: item.inReplyTo,
          max_results: 100,
          'tweet.fields': ['referenced_tweets', 'created_at'],
        });
        for (let page = 1; ; page++) {
          const match = timeline.tweets.find(
            (t) =>
              t.referenced_tweets?.some((r) => r.type === 'replied_to' && r.id === item.inReplyTo) &&
              normalize(t.text) === normalize(item.text),
          );
          if (match) return match.id;
          if (timeline.done || page >= MAX_PAGES) return null;
          await timeline.fetchNext();
        }
      } catch (error) {
        throw toPostError(error);
      }
    },
  };
}
