// Posting replies as the brand: `POST /api/v1/statuses {status, in_reply_to_id, visibility}` with the reply's key as
// Idempotency-Key, so a retry whose first answer was lost returns the status already made instead of a second one.
// The customer's status is read first: the reply is addressed to them by full handle and seen by nobody the
// customer's post was hidden from. Reconciliation reads the brand's own statuses back to the customer's.
import type { mastodon } from 'masto';
import type { ChannelAdapter, OutgoingPost } from '../channel.js';
import { toPostError } from './errors.js';
import { addressed, comparableText, replyVisibility, statusText } from './status-text.js';

const PAGE_SIZE = 40;
const MAX_PAGES = 5;

export function createMastodonPoster(
  client: mastodon.rest.Client,
  brandId: () => Promise<string>,
): Pick<ChannelAdapter, 'post' | 'findExisting'> {
  /** The text as it will be posted: it depends on who wrote the customer's status. */
  async function compose(item: OutgoingPost) {
    const customer = await client.v1.statuses.$select(item.inReplyTo).fetch();
    return { customer, text: addressed(item.text, customer.account.acct) };
  }

  return {
    async post(item: OutgoingPost) {
      try {
        const { customer, text } = await compose(item);
        const status = await client.v1.statuses.create(
          { status: text, inReplyToId: customer.id, visibility: replyVisibility(customer.visibility) },
          { requestInit: { headers: { 'Idempotency-Key': item.key } } },
        );
        return { externalId: status.id };
      } catch (error) {
        throw toPostError(error);
      }
    },

    async findExisting(item: OutgoingPost) {
      try {
        const { text } = await compose(item);
        const wanted = comparableText(text);
        const pages = client.v1.accounts.$select(await brandId()).statuses.list({ limit: PAGE_SIZE });
        let page = 0;
        for await (const statuses of pages) {
          const match = statuses.find(
            (s) => s.inReplyToId === item.inReplyTo && comparableText(statusText(s.content)) === wanted,
          );
          if (match) return match.id;
          // Newest first: a reply is newer than the post it answers, so nothing older than it can be the one.
          const older = statuses.length === 0 || statuses.some((s) => BigInt(s.id) <= BigInt(item.inReplyTo));
          if (older || ++page >= MAX_PAGES) return null;
        }
        return null;
      } catch (error) {
        throw toPostError(error);
      }
    },
  };
}
