// Where each polling channel's ingest resumes (X's since_id, Mastodon's min_id, Bluesky's newest indexedAt) and the
// brand's own account on it. A poller moves its cursor in the unit that stores the posts it covers, so the cursor
// never passes a post that was not stored, nor stays behind one that was.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { channelCursors } from '../../db/schema.js';

export interface ChannelCursor {
  channel: string;
  sinceId: string | null;
  brandUserId: string | null;
}

const cursorColumns = {
  channel: channelCursors.channel,
  sinceId: channelCursors.sinceId,
  brandUserId: channelCursors.brandUserId,
};

export function createChannelCursorRepository(db: Db) {
  return {
    read: {
      async of(channel: string): Promise<ChannelCursor | undefined> {
        return db.select(cursorColumns).from(channelCursors).where(eq(channelCursors.channel, channel)).get();
      },

      async all(): Promise<ChannelCursor[]> {
        return db.select(cursorColumns).from(channelCursors).all();
      },
    },
    write: {
      /** Keeps the brand's account id, learnt from the network once, so a restart does not ask again. */
      async setBrand(channel: string, brandUserId: string, now: number): Promise<void> {
        db.insert(channelCursors)
          .values({ channel, brandUserId, updatedAt: now })
          .onConflictDoUpdate({ target: channelCursors.channel, set: { brandUserId } })
          .run();
      },

      /** Moves the cursor; call it in the unit that stores the posts it covers. */
      async advance(channel: string, cursor: { sinceId: string; brandUserId: string }, now: number): Promise<void> {
        db.insert(channelCursors)
          .values({ channel, ...cursor, updatedAt: now })
          .onConflictDoUpdate({ target: channelCursors.channel, set: { ...cursor, updatedAt: now } })
          .run();
      },
    },
  };
}
export type ChannelCursorRepository = ReturnType<typeof createChannelCursorRepository>;
