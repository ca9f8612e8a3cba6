import type { z } from 'zod';
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
