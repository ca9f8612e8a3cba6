// The settings table: one JSON value per key. Product settings are some of its rows; saved views and channel state
// keep rows of their own there under their own keys.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';

export function createSettingsRepository(db: Db) {
  return {
    read: {
      async all(): Promise<{ key: string; value: unknown }[]> {
        return db.select().from(settings).all();
      },
      async byKey(key: string): Promise<unknown> {
        return db.select().from(settings).where(eq(settings.key, key)).get()?.value;
      },
    },
    write: {
      async put(key: string, value: unknown): Promise<void> {
        db.insert(settings).values({ key, value }).onConflictDoUpdate({ target: settings.key, set: { value } }).run();
      },
      /** The column holds JSON and never NULL: a value that is gone is a row that is gone. */
      async remove(key: string): Promise<void> {
        db.delete(settings).where(eq(settings.key, key)).run();
      },
    },
  };
}
