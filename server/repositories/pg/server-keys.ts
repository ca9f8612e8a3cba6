// Server keys on PostgreSQL: the same reads and writes as ../server-keys.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { serverKeys } from '../../../db/pg/schema.js';
import type { ServerKeyValue, createServerKeyRepository as sqliteServerKeys } from '../server-keys.js';

export function createServerKeyRepository(db: PgDb): ReturnType<typeof sqliteServerKeys> {
  return {
    read: {
      async get(name: string) {
        const [row] = await db.select().from(serverKeys).where(eq(serverKeys.name, name)).limit(1);
        return row?.value;
      },
    },
    write: {
      async insertIfAbsent(name: string, value: ServerKeyValue, now: number) {
        await db.insert(serverKeys).values({ name, value, createdAt: now }).onConflictDoNothing();
      },

      async put(name: string, value: ServerKeyValue, now: number) {
        await db
          .insert(serverKeys)
          .values({ name, value, createdAt: now })
          .onConflictDoUpdate({ target: serverKeys.name, set: { value } });
      },
    },
  };
}
