// Channels' secrets on PostgreSQL: the same reads and writes as ../channel-secrets.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { settings } from '../../../db/pg/schema.js';
import type { createChannelSecretRepository as sqliteChannelSecrets } from '../channel-secrets.js';

const BLUESKY_SESSION = 'blueskySession';
const CHANNEL_WEBHOOKS = 'channelWebhooks';

export function createChannelSecretRepository(db: PgDb): ReturnType<typeof sqliteChannelSecrets> {
  const load = async (key: string): Promise<unknown> => {
    const [row] = await db.select().from(settings).where(eq(settings.key, key)).limit(1);
    return row?.value;
  };
  const save = async (key: string, value: unknown) => {
    await db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
  };

  return {
    read: {
      async blueskySession() {
        return load(BLUESKY_SESSION);
      },

      async webhooks() {
        return ((await load(CHANNEL_WEBHOOKS)) ?? {}) as Record<string, unknown>;
      },
    },
    write: {
      async saveBlueskySession(value: unknown) {
        if (value === undefined) await db.delete(settings).where(eq(settings.key, BLUESKY_SESSION));
        else await save(BLUESKY_SESSION, value);
      },

      async saveWebhooks(value: Record<string, unknown>) {
        await save(CHANNEL_WEBHOOKS, value);
      },
    },
  };
}
