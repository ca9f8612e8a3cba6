import type { z } from 'zod';
import type { ChannelHealthSchema } from '../contracts/api.js';
import type { ReadRepositories } from '../repositories/index.js';

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

/**
 * Every channel a manager should watch, with where its ingest stands and what waits to go out on it: those that
 * poll (their reported state and stored cursor), those that only post (an API channel's webhook), and any other
 * channel with replies in the outbox, which says "idle" and shows them waiting.
 */
export async function channelHealth(
  data: Pick<ReadRepositories, 'channelCursors' | 'channelTraffic'>,
  status: ChannelStatus,
  posting: Iterable<string>,
): Promise<ChannelHealth[]> {
  const counts = await data.channelTraffic.outboxCounts();
  const cursors = new Map((await data.channelCursors.all()).map((row) => [row.channel, row.sinceId]));
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
