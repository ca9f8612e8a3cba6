// What goes in and out on each channel, as the channels' admin page and /health show it: the channels questions
// arrived on, and the replies waiting in the outbox per channel.
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { outbox } from '../../db/schema.js';

export interface OutboxCount {
  /** Waiting to be sent, or being sent now. */
  pending: number;
  failed: number;
}

export function createChannelTrafficRepository(db: Db) {
  return {
    read: {
      /** Channels questions arrived on, one index seek each: a skip scan over (channel, external_id). */
      async seen(): Promise<string[]> {
        const rows = db.all<{ channel: string }>(sql`
          with recursive seen(channel) as (
            select min(channel) from questions
            union all
            select (select min(channel) from questions where channel > seen.channel) from seen where seen.channel is not null
          )
          select channel from seen where channel is not null`);
        return rows.map((row) => row.channel);
      },

      /** Each channel's replies in the outbox that are not done; a channel with none is absent. */
      async outboxCounts(): Promise<Map<string, OutboxCount>> {
        const rows = db
          .select({ channel: outbox.channel, state: outbox.state, n: count() })
          .from(outbox)
          .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
          .groupBy(outbox.channel, outbox.state)
          .all();
        const counts = new Map<string, OutboxCount>();
        for (const row of rows) {
          const entry = counts.get(row.channel) ?? { pending: 0, failed: 0 };
          if (row.state === 'failed') entry.failed += row.n;
          else entry.pending += row.n;
          counts.set(row.channel, entry);
        }
        return counts;
      },

      /** Replies waiting to go out on the channel, or going out now. */
      async waitingOn(channel: string): Promise<number> {
        const row = db
          .select({ n: count() })
          .from(outbox)
          .where(and(eq(outbox.channel, channel), inArray(outbox.state, ['pending', 'sending'])))
          .get();
        return row?.n ?? 0;
      },
    },
    write: {},
  };
}
