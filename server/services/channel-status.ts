import type { z } from 'zod';
import type { ChannelHealthSchema } from '../contracts/api.js';
import type { ReadRepositories } from '../repositories/index.js';

export type ChannelHealth = z.infer<typeof ChannelHealthSchema>;

/**
 * Each public channel reports its state here; /health and the dashboard read it. Only the leader's pollers run
 * (server/cluster/leadership.ts), so a follower's own pollers all say "idle": it shows the states the leader last
 * sent it (`adopt`) in their place.
 */
export function createChannelStatus() {
  const channels = new Map<string, ChannelHealth>();
  let leaders: ChannelHealth[] = [];
  const listeners: (() => void)[] = [];
  return {
    register(name: string): (patch: Partial<ChannelHealth>) => void {
      channels.set(name, { name, state: 'idle', lastPollAt: null, lastError: null, waitUntil: null });
      return (patch) => {
        channels.set(name, { ...channels.get(name)!, ...patch });
        for (const listener of listeners) listener();
      };
    },
    list(): ChannelHealth[] {
      const merged = new Map(channels);
      for (const state of leaders) merged.set(state.name, state);
      return [...merged.values()];
    },
    /** This node's own pollers' states, which a leader sends the others. */
    own(): ChannelHealth[] {
      return [...channels.values()];
    },
    /** One of this node's pollers changed state. */
    onChange(listener: () => void): void {
      listeners.push(listener);
    },
    /** The leader's states, shown instead of this node's idle pollers; none once this node leads. */
    adopt(states: ChannelHealth[]): void {
      leaders = states;
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
