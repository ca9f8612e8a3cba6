// Settings on PostgreSQL: the same reads and writes as ../settings.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { settings } from '../../../db/pg/schema.js';
import type { createSettingsRepository as sqliteSettings } from '../settings.js';

export function createSettingsRepository(db: PgDb): ReturnType<typeof sqliteSettings> {
  return {
    read: {
      async all() {
        return db.select().from(settings);
      },
      async byKey(key: string) {
        const [row] = await db.select().from(settings).where(eq(settings.key, key)).limit(1);
        return row?.value;
      },
    },
    write: {
      async put(key: string, value: unknown) {
        await db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
      },
      async remove(key: string) {
        await db.delete(settings).where(eq(settings.key, key));
      },
    },
  };
}
