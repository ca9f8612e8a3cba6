// A manager's saved views. They are few and read whole, so each manager's list is one JSON row in the settings table
// (key `saved-views:<user id>`), which needs no table of its own.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { settings } from '../../db/schema.js';

export const savedViewsKey = (userId: string) => `saved-views:${userId}`;

export function createSavedViewRepository(db: Db) {
  return {
    read: {
      /** The stored list as it was written (the service checks its shape); undefined when there is none. */
      async forUser(userId: string): Promise<unknown> {
        return db
          .select()
          .from(settings)
          .where(eq(settings.key, savedViewsKey(userId)))
          .get()?.value;
      },
    },
    write: {
      async replace(userId: string, views: unknown[]): Promise<void> {
        db.insert(settings)
          .values({ key: savedViewsKey(userId), value: views })
          .onConflictDoUpdate({ target: settings.key, set: { value: views } })
          .run();
      },
    },
  };
}
