// Display names on PostgreSQL: the same read as ../names.ts, over db/pg/schema.ts.
import { inArray } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { users } from '../../../db/pg/schema.js';
import type { createNameRepository as sqliteNames } from '../names.js';

export function createNameRepository(db: PgDb): ReturnType<typeof sqliteNames> {
  return {
    read: {
      async of(ids: (string | null)[]) {
        const wanted = [...new Set(ids.filter((id): id is string => !!id))];
        if (wanted.length === 0) return new Map();
        const rows = await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, wanted));
        return new Map(rows.map((u) => [u.id, u.name]));
      },
    },
    write: {},
  };
}
