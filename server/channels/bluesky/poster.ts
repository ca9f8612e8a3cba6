// Posting replies as the brand. The reply is threaded with `reply {root, parent}` (a strong ref, `{uri, cid}`, each),
// read from the customer's post at post time; links and mentions become facets with UTF-8 byte offsets (RichText).
// The record key is derived from the reply's id and written with `swapRecord: null` (create only): a retry after a
// lost answer lands on the same key and never makes a second post.
import { RichText, XRPCError, type AppBskyRichtextFacet, type ComAtprotoRepoStrongRef } from '@atproto/api';
import type { ChannelAdapter, OutgoingPost } from '../channel.js';
import { PostError } from '../channel.js';
import { toPostError } from './errors.js';
import { recordKeyFor } from './record-key.js';
import type { BlueskySession } from './session.js';

export const POST_COLLECTION = 'app.bsky.feed.post';
const normalize = (text: string) => text.normalize('NFC').replace(/\s+/g, ' ').trim();
const MAX_PAGES = 5;

interface ReplyRecord {
  text?: unknown;
  reply?: { root?: ComAtprotoRepoStrongRef.Main; parent?: ComAtprotoRepoStrongRef.Main };
}

/** A mention whose handle did not resolve has an empty DID, which no PDS accepts: it stays plain text. */
function resolvable(facets: AppBskyRichtextFacet.Main[] | undefined): AppBskyRichtextFacet.Main[] | undefined {
  const kept = facets?.filter((facet) =>
    facet.features.every((feature) => !('did' in feature) || (typeof feature.did === 'string' && feature.did !== '')),
  );
  return kept?.length ? kept : undefined;
}

export function createBlueskyPoster(session: BlueskySession): Pick<ChannelAdapter, 'post' | 'findExisting'> {
  const { agent } = session;

  async function replyRefs(parentUri: string) {
    const { data } = await agent.app.bsky.feed.getPosts({ uris: [parentUri] });
    const parent = data.posts[0];
    if (!parent) throw new PostError('permanent', `Bluesky: the post ${parentUri} is gone (deleted or blocked)`);
    const parentRef = { uri: parent.uri, cid: parent.cid };
    const root = (parent.record as ReplyRecord).reply?.root;
    return { root: root?.uri && root.cid ? { uri: root.uri, cid: root.cid } : parentRef, parent: parentRef };
  }

  async function byRecordKey(did: string, item: OutgoingPost): Promise<string | null> {
    try {
      const { data } = await agent.com.atproto.repo.getRecord({
        repo: did,
        collection: POST_COLLECTION,
        rkey: recordKeyFor(item.key),
      });
      return data.uri;
    } catch (error) {
      if (error instanceof XRPCError && error.error === 'RecordNotFound') return null;
      throw error;
    }
  }

  /** A reply made another way (by hand in the Bluesky app) is found among the brand's newest records. */
  async function byContent(did: string, item: OutgoingPost): Promise<string | null> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const { data } = await agent.com.atproto.repo.listRecords({
        repo: did,
        collection: POST_COLLECTION,
        limit: 100,
        cursor,
      });
      const match = data.records.find((r) => {
        const value = r.value as ReplyRecord;
        return (
          value.reply?.parent?.uri === item.inReplyTo &&
          typeof value.text === 'string' &&
          normalize(value.text) === normalize(item.text)
        );
      });
      if (match) return match.uri;
      cursor = data.cursor;
      if (!cursor || data.records.length === 0) return null;
    }
    return null;
  }

  return {
    async post(item: OutgoingPost) {
      try {
        const { did } = await session.account();
        const reply = await replyRefs(item.inReplyTo);
        const rich = new RichText({ text: item.text });
        await rich.detectFacets(agent);
        const { data } = await agent.com.atproto.repo.putRecord({
          repo: did,
          collection: POST_COLLECTION,
          rkey: recordKeyFor(item.key),
          record: {
            $type: POST_COLLECTION,
            text: rich.text,
            facets: resolvable(rich.facets),
            reply,
            createdAt: new Date(item.notBefore).toISOString(),
          },
          // The lexicon makes swapRecord nullable (null: "only if the key is free"); the generated type omits null.
          swapRecord: null as unknown as string,
        });
        return { externalId: data.uri };
      } catch (error) {
        throw toPostError(error);
      }
    },

    async findExisting(item: OutgoingPost) {
      try {
        const { did } = await session.account();
        return (await byRecordKey(did, item)) ?? (await byContent(did, item));
      } catch (error) {
        throw toPostError(error);
      }
    },
  };
}
