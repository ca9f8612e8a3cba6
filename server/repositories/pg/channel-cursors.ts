// Channel cursors on PostgreSQL: the same reads and writes as ../channel-cursors.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { channelCursors } from '../../../db/pg/schema.js';
import type { createChannelCursorRepository as sqliteChannelCursors } from '../channel-cursors.js';

const cursorColumns = {
  channel: channelCursors.channel,
  sinceId: channelCursors.sinceId,
  brandUserId: channelCursors.brandUserId,
};

export function createChannelCursorRepository(db: PgDb): ReturnType<typeof sqliteChannelCursors> {
  return {
    read: {
      async of(channel: string) {
        const [row] = await db
          .select(cursorColumns)
          .from(channelCursors)
          .where(eq(channelCursors.channel, channel))
          .limit(1);
        return row;
      },

      async all() {
        return db.select(cursorColumns).from(channelCursors);
      },
    },
    write: {
      async setBrand(channel: string, brandUserId: string, now: number) {
        await db
          .insert(channelCursors)
          .values({ channel, brandUserId, updatedAt: now })
          .onConflictDoUpdate({ target: channelCursors.channel, set: { brandUserId } });
      },

      async advance(channel: string, cursor: { sinceId: string; brandUserId: string }, now: number) {
        await db
          .insert(channelCursors)
          .values({ channel, ...cursor, updatedAt: now })
          .onConflictDoUpdate({ target: channelCursors.channel, set: { ...cursor, updatedAt: now } });
      },
    },
  };
}
