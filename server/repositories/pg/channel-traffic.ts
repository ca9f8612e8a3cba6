// Channel traffic on PostgreSQL: the same reads as ../channel-traffic.ts, over db/pg/schema.ts.
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { outbox } from '../../../db/pg/schema.js';
import type { OutboxCount, createChannelTrafficRepository as sqliteChannelTraffic } from '../channel-traffic.js';

export function createChannelTrafficRepository(db: PgDb): ReturnType<typeof sqliteChannelTraffic> {
  return {
    read: {
      async seen() {
        const { rows } = await db.execute(sql`
          with recursive seen(channel) as (
            select min(channel) from questions
            union all
            select (select min(channel) from questions where channel > seen.channel) from seen where seen.channel is not null
          )
          select channel from seen where channel is not null`);
        return rows.map((row) => row.channel as string);
      },

      async outboxCounts() {
        const rows = await db
          .select({ channel: outbox.channel, state: outbox.state, n: count() })
          .from(outbox)
          .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
          .groupBy(outbox.channel, outbox.state);
        const counts = new Map<string, OutboxCount>();
        for (const row of rows) {
          const entry = counts.get(row.channel) ?? { pending: 0, failed: 0 };
          if (row.state === 'failed') entry.failed += row.n;
          else entry.pending += row.n;
          counts.set(row.channel, entry);
        }
        return counts;
      },

      async waitingOn(channel: string) {
        const [row] = await db
          .select({ n: count() })
          .from(outbox)
          .where(and(eq(outbox.channel, channel), inArray(outbox.state, ['pending', 'sending'])));
        return row?.n ?? 0;
      },
    },
    write: {},
  };
}
