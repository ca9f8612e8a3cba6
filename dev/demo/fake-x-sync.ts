// The demo's fake X lives in this process, Helpforce's memory of it in the database. At start the fake is put in step
// with the database: every post Helpforce stored (questions, follow-ups, the brand's replies) exists on it under its
// own id, so a thread from before a restart can still be answered, and new posts get ids above the stored cursor, so
// the mention poller (which asks for what is newer than its since_id) finds them. The fake's state file keeps the
// rest; this covers a file that is missing, unreadable or older than the database (a kill between two saves).
import { existsSync, rmSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelCursors, messages, questions } from '../../db/schema.js';
import { X_CHANNEL } from '../../server/channels/x/mention-poller.js';
import type { FakeX, KnownPost } from '../fake-x/index.js';

const X_ID = /^\d{1,19}$/;

export function syncFakeXWithDatabase(db: Db, fakeX: FakeX): { restored: number } {
  const roots = db
    .select()
    .from(questions)
    .where(eq(questions.channel, X_CHANNEL))
    .all()
    .filter((q) => X_ID.test(q.externalId));
  const rootOf = new Map(roots.map((q) => [q.id, q]));
  const thread = db
    .select({
      questionId: messages.questionId,
      direction: messages.direction,
      externalId: messages.externalId,
      text: messages.text,
      authorHandle: messages.authorHandle,
      at: messages.at,
    })
    .from(messages)
    .innerJoin(questions, eq(questions.id, messages.questionId))
    .where(and(eq(questions.channel, X_CHANNEL), isNotNull(messages.externalId)))
    .all()
    .filter((m) => X_ID.test(m.externalId!) && rootOf.has(m.questionId))
    .sort((a, b) => compareIds(a.externalId!, b.externalId!));

  const posts: KnownPost[] = roots.map((q) => ({
    id: q.externalId,
    text: q.text,
    lang: q.lang ?? undefined,
    createdAt: new Date(q.createdAt),
    author: { username: q.authorHandle, name: q.authorName ?? undefined, id: q.authorExternalId ?? undefined },
    inReplyToTweetId: q.inReplyToExternalId ?? undefined,
  }));
  // A later post in a thread answers the one before it: the brand the customer, a follow-up the brand.
  const latestIn = new Map(roots.map((q) => [q.id, q.externalId]));
  for (const message of thread) {
    const root = rootOf.get(message.questionId)!;
    posts.push({
      id: message.externalId!,
      text: message.text,
      createdAt: new Date(message.at),
      inReplyToTweetId: latestIn.get(root.id),
      author:
        message.direction === 'out'
          ? undefined
          : message.authorHandle && message.authorHandle !== root.authorHandle
            ? { username: message.authorHandle }
            : { username: root.authorHandle, id: root.authorExternalId ?? undefined },
    });
    latestIn.set(root.id, message.externalId!);
  }

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

function compareIds(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
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
