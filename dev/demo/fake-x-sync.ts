// The demo's fake X lives in this process, Helpforce's memory of it in the database. At start the fake is put in step
// with the database: every post Helpforce stored (questions, follow-ups, the brand's replies) exists on it under its
// own id, so a thread from before a restart can still be answered, and new posts get ids above the stored cursor, so
// the mention poller (which asks for what is newer than its since_id) finds them. The fake's state file keeps the
// rest; this covers a file that is missing, unreadable or older than the database (a kill between two saves).
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelCursors } from '../../db/schema.js';
import { X_CHANNEL } from '../../server/channels/x/mention-poller.js';
import type { FakeX, KnownPost } from '../fake-x/index.js';
import { compareIds, storedPosts } from './stored-posts.js';

const X_ID = /^\d{1,19}$/;

export function syncFakeXWithDatabase(db: Db, fakeX: FakeX): { restored: number } {
  const { roots, thread } = storedPosts(
    db,
    X_CHANNEL,
    (id) => X_ID.test(id),
    (a, b) => compareIds(a.externalId, b.externalId),
  );
  const posts: KnownPost[] = [
    ...roots.map((q) => ({
      id: q.externalId,
      text: q.text,
      lang: q.lang ?? undefined,
      createdAt: new Date(q.createdAt),
      author: { username: q.authorHandle, name: q.authorName ?? undefined, id: q.authorExternalId ?? undefined },
      inReplyToTweetId: q.inReplyToExternalId ?? undefined,
    })),
    ...thread.map((m) => ({
      id: m.externalId,
      text: m.text,
      createdAt: new Date(m.at),
      inReplyToTweetId: m.inReplyTo,
      author:
        m.direction === 'out'
          ? undefined
          : m.authorHandle && m.authorHandle !== m.root.authorHandle
            ? { username: m.authorHandle }
            : { username: m.root.authorHandle, id: m.root.authorExternalId ?? undefined },
    })),
  ];

  let restored = 0;
  for (const post of posts.sort((a, b) => compareIds(a.id, b.id))) if (fakeX.restorePost(post)) restored++;
  const cursor = db
    .select({ sinceId: channelCursors.sinceId })
    .from(channelCursors)
    .where(eq(channelCursors.channel, X_CHANNEL))
    .get()?.sinceId;
  if (cursor) fakeX.continueAbove(cursor);
  return { restored };
}

/** Beside the database and named after it (data/helpforce.db → data/helpforce.fake-x.json): each database has its
 * own X. None for an in-memory database, which forgets everything anyway. */
export function fakeXStateFile(databasePath: string): string | undefined {
  if (databasePath === ':memory:' || databasePath.startsWith('file:')) return undefined;
  const path = resolve(databasePath);
  return join(dirname(path), `${basename(path, extname(path))}.fake-x.json`);
}

/** The state file for a demo starting on `databasePath`. One whose database is gone is from a demo someone reset by
 * deleting the database: it goes too, or the new database's first poll would read the old posts as new questions. */
export function fakeXStateFor(databasePath: string): string | undefined {
  const file = fakeXStateFile(databasePath);
  if (file && !existsSync(resolve(databasePath))) rmSync(file, { force: true });
  return file;
}
