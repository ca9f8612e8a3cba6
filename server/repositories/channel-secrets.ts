// The settings rows that hold channels' secrets: the brand's Bluesky session (row `blueskySession`) and the API
// channels' webhooks with their signing secrets (row `channelWebhooks`). They sit apart from the Settings document that
// GET /api/settings returns, so no settings read can hand a token or a secret out.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';

const BLUESKY_SESSION = 'blueskySession';
const CHANNEL_WEBHOOKS = 'channelWebhooks';

export function createChannelSecretRepository(db: Db) {
  const load = (key: string): unknown => db.select().from(settings).where(eq(settings.key, key)).get()?.value;
  const save = (key: string, value: unknown) =>
    db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();

  return {
    read: {
      /** The stored Bluesky session with the identifier it belongs to, as saved; undefined when there is none. */
      async blueskySession(): Promise<unknown> {
        return load(BLUESKY_SESSION);
      },

      /** Every API channel's webhook by channel name, as saved. */
      async webhooks(): Promise<Record<string, unknown>> {
        return (load(CHANNEL_WEBHOOKS) ?? {}) as Record<string, unknown>;
      },
    },
    write: {
      /** Keeps the Bluesky session, or drops it (`undefined`) once the network refused it. */
      async saveBlueskySession(value: unknown): Promise<void> {
        if (value === undefined) db.delete(settings).where(eq(settings.key, BLUESKY_SESSION)).run();
        else save(BLUESKY_SESSION, value);
      },

      /** Replaces every API channel's webhook. */
      async saveWebhooks(value: Record<string, unknown>): Promise<void> {
        save(CHANNEL_WEBHOOKS, value);
      },
    },
  };
}
