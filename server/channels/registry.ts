// The channels the app talks to, by name: the outbox finds the adapter for a question's channel here, the reply
// composer its length rule, and the app starts every adapter's ingest when ready and stops it before closing.
import { X_LENGTH_RULE, type LengthRule } from '../domain/attribution.js';
import type { ChannelAdapter } from './channel.js';

export function createChannelRegistry(adapters: Iterable<ChannelAdapter> = []) {
  const byName = new Map<string, ChannelAdapter>();

  const registry = {
    register(adapter: ChannelAdapter): void {
      if (byName.has(adapter.name)) throw new Error(`The channel "${adapter.name}" is registered twice`);
      byName.set(adapter.name, adapter);
    },

    /** Takes a channel's adapter out (an API channel whose webhook was removed); its replies are then not sent. */
    unregister(name: string): void {
      byName.delete(name);
    },

    get(name: string): ChannelAdapter | undefined {
      return byName.get(name);
    },

    list(): ChannelAdapter[] {
      return [...byName.values()];
    },

    /**
     * The rule a reply to a question on `channel` must fit. A channel with no adapter (a question pushed over the HTTP
     * ingest API) is counted as X counts, the rule the web client's counter shows for every question.
     */
    lengthRule(channel: string): LengthRule {
      return byName.get(channel)?.length ?? X_LENGTH_RULE;
    },

    start(): void {
      for (const adapter of byName.values()) adapter.start?.();
    },

    async stop(): Promise<void> {
      await Promise.all([...byName.values()].map((adapter) => adapter.stop?.()));
    },
  };
  for (const adapter of adapters) registry.register(adapter);
  return registry;
}
export type ChannelRegistry = ReturnType<typeof createChannelRegistry>;
