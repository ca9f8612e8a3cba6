import { count, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { channelCursors, outbox } from '../../db/schema.js';
import type { ChannelHealthSchema } from '../contracts/api.js';

type ChannelHealth = z.infer<typeof ChannelHealthSchema>;

/** Each public channel reports its state here; /health and the dashboard read it. */
export function createChannelStatus() {
  const channels = new Map<string, ChannelHealth>();
  return {
    register(name: string): (patch: Partial<ChannelHealth>) => void {
      channels.set(name, { name, state: 'idle', lastPollAt: null, lastError: null, waitUntil: null });
      return (patch) => {
        channels.set(name, { ...channels.get(name)!, ...patch });
      };
    },
    list(): ChannelHealth[] {
      return [...channels.values()];
    },
  };
}
export type ChannelStatus = ReturnType<typeof createChannelStatus>;

function outboxCounts(db: Db): Map<string, { pending: number; failed: number }> {
  const rows = db
    .select({ channel: outbox.channel, state: outbox.state, n: count() })
    .from(outbox)
    .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
    .groupBy(outbox.channel, outbox.state)
    .all();
  const counts = new Map<string, { pending: number; failed: number }>();
  for (const row of rows) {
    const entry = counts.get(row.channel) ?? { pending: 0, failed: 0 };
    if (row.state === 'failed') entry.failed += row.n;
    else entry.pending += row.n;
    counts.set(row.channel, entry);
  }
  return counts;
}

/**
 * Every channel a manager should watch, with where its ingest stands and what waits to go out on it: those that
 * poll (their reported state and stored cursor), those that only post (an API channel's webhook), and any other
 * channel with replies in the outbox, which says "idle" and shows them waiting.
 */
export function channelHealth(db: Db, status: ChannelStatus, posting: Iterable<string>): ChannelHealth[] {
  const counts = outboxCounts(db);
  const cursors = new Map(
    db
      .select({ channel: channelCursors.channel, cursor: channelCursors.sinceId })
      .from(channelCursors)
      .all()
      .map((row) => [row.channel, row.cursor]),
  );
  const byName = new Map(status.list().map((c) => [c.name, c]));
  for (const name of [...posting, ...counts.keys()]) {
    if (!byName.has(name))
      byName.set(name, { name, state: 'idle', lastPollAt: null, lastError: null, waitUntil: null });
  }
  return [...byName.values()].map((c) => ({
    ...c,
    cursor: cursors.get(c.name) ?? null,
    outbox: counts.get(c.name) ?? { pending: 0, failed: 0 },
  }));
}
