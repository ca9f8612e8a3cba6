// Saved views on PostgreSQL: the same reads and writes as ../saved-views.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { settings } from '../../../db/pg/schema.js';
import { type createSavedViewRepository as sqliteSavedViews, savedViewsKey } from '../saved-views.js';

export function createSavedViewRepository(db: PgDb): ReturnType<typeof sqliteSavedViews> {
  return {
    read: {
      async forUser(userId: string) {
        const [row] = await db
          .select({ value: settings.value })
          .from(settings)
          .where(eq(settings.key, savedViewsKey(userId)))
          .limit(1);
        return row?.value;
      },
    },
    write: {
      async replace(userId: string, views: unknown[]) {
        await db
          .insert(settings)
          .values({ key: savedViewsKey(userId), value: views })
          .onConflictDoUpdate({ target: settings.key, set: { value: views } });
      },
    },
  };
}
