// The demo's Bluesky and Mastodon fakes keep nothing between runs; Helpforce's database keeps every post it took in
// or made. At start each fake gets back, under their own ids, the posts the database holds for its network (the
// questions, then in thread order the customers' follow-ups and the brand's replies), so a question of an earlier
// run can still be answered: the Bluesky poster reads the parent post and the Mastodon one the customer's status
// before replying. Restored posts make no notifications (Helpforce has them), and new ones get ids above them.
import type { Db } from '../../db/client.js';
import { BLUESKY_CHANNEL } from '../../server/channels/bluesky/notification-poller.js';
import { MASTODON_CHANNEL } from '../../server/channels/mastodon/poller.js';
import type { FakeBluesky, KnownPost } from '../fake-bluesky/index.js';
import type { FakeMastodon, KnownStatus } from '../fake-mastodon/index.js';
import { compareIds, type QuestionRow, storedPosts } from './stored-posts.js';

const AT_POST = /^at:\/\/did:[^/]+\/app\.bsky\.feed\.post\/[^/]+$/;
const STATUS_ID = /^\d{1,20}$/;

/** Restores every post after its parent (when the parent is among them), whatever order the clocks gave. */
function restoreParentsFirst<T>(
  posts: T[],
  idOf: (post: T) => string,
  parentOf: (post: T) => string | undefined,
  restore: (post: T) => boolean,
): number {
  const pending = new Map(posts.map((post) => [idOf(post), post]));
  let restored = 0;
  const put = (post: T) => {
    pending.delete(idOf(post));
    const parent = parentOf(post);
    const waiting = parent === undefined ? undefined : pending.get(parent);
    if (waiting) put(waiting);
    if (restore(post)) restored++;
  };
  for (const post of posts) if (pending.has(idOf(post))) put(post);
  return restored;
}

export function syncFakeBlueskyWithDatabase(db: Db, fake: FakeBluesky): { restored: number } {
  const { roots, thread } = storedPosts(
    db,
    BLUESKY_CHANNEL,
    (id) => AT_POST.test(id),
    (a, b) => a.at - b.at || (a.externalId < b.externalId ? -1 : 1),
  );
  const posts: KnownPost[] = [
    ...roots.map((q) => ({
      uri: q.externalId,
      author: { handle: q.authorHandle, displayName: q.authorName ?? undefined },
      text: q.text,
      createdAt: new Date(q.createdAt),
      replyTo: q.inReplyToExternalId ?? undefined,
      langs: q.lang ? [q.lang] : undefined,
    })),
    ...thread.map((m) => ({
      uri: m.externalId,
      author: m.direction === 'out' ? undefined : { handle: m.authorHandle ?? m.root.authorHandle },
      text: m.text,
      createdAt: new Date(m.at),
      replyTo: m.inReplyTo,
    })),
  ].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return {
    restored: restoreParentsFirst(
      posts,
      (post) => post.uri,
      (post) => post.replyTo,
      (post) => fake.restorePost(post),
    ),
  };
}

export function syncFakeMastodonWithDatabase(db: Db, fake: FakeMastodon): { restored: number } {
  const { roots, thread } = storedPosts(
    db,
    MASTODON_CHANNEL,
    (id) => STATUS_ID.test(id),
    (a, b) => compareIds(a.externalId, b.externalId),
  );
  const authorOf = (q: QuestionRow) => ({
    acct: q.authorHandle,
    id: q.authorExternalId ?? undefined,
    displayName: q.authorName ?? undefined,
  });
  // The database keeps no status's visibility; the demo's customers post in public.
  const statuses: KnownStatus[] = [
    ...roots.map((q) => ({
      id: q.externalId,
      account: authorOf(q),
      text: q.text,
      createdAt: new Date(q.createdAt),
      inReplyToId: q.inReplyToExternalId ?? undefined,
      language: q.lang ?? undefined,
    })),
    ...thread.map((m) => ({
      id: m.externalId,
      account:
        m.direction === 'out'
          ? undefined
          : !m.authorHandle || m.authorHandle === m.root.authorHandle
            ? authorOf(m.root)
            : { acct: m.authorHandle },
      text: m.text,
      createdAt: new Date(m.at),
      inReplyToId: m.inReplyTo,
    })),
  ].sort((a, b) => compareIds(a.id, b.id));
  return {
    restored: restoreParentsFirst(
      statuses,
      (status) => status.id,
      (status) => status.inReplyToId,
      (status) => fake.restoreStatus(status),
    ),
  };
}

/** Both fakes the demo runs (either may be absent: a real account is configured instead). */
export function syncFakeSocialWithDatabase(
  db: Db,
  fakes: { bluesky?: FakeBluesky; mastodon?: FakeMastodon },
): { bluesky: number; mastodon: number } {
  return {
    bluesky: fakes.bluesky ? syncFakeBlueskyWithDatabase(db, fakes.bluesky).restored : 0,
    mastodon: fakes.mastodon ? syncFakeMastodonWithDatabase(db, fakes.mastodon).restored : 0,
  };
}
