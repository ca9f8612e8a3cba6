// Tag definitions on PostgreSQL: the same reads and writes as ../tags.ts, over db/pg/schema.ts.
import { eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { tags } from '../../../db/pg/schema.js';
import type { createTagRepository as sqliteTags } from '../tags.js';

type TagChanges = Partial<Omit<typeof tags.$inferInsert, 'slug' | 'createdAt'>>;

export function createTagRepository(db: PgDb): ReturnType<typeof sqliteTags> {
  return {
    read: {
      async all() {
        return db.select().from(tags).orderBy(tags.name);
      },
      async bySlug(slug: string) {
        const [row] = await db.select().from(tags).where(eq(tags.slug, slug)).limit(1);
        return row;
      },
    },
    write: {
      async insert(tag: typeof tags.$inferInsert) {
        const [row] = await db.insert(tags).values(tag).onConflictDoNothing().returning();
        return row;
      },
      async update(slug: string, changes: TagChanges) {
        const [row] = await db.update(tags).set(changes).where(eq(tags.slug, slug)).returning();
        return row;
      },
      async remove(slug: string) {
        const [row] = await db.delete(tags).where(eq(tags.slug, slug)).returning();
        return row;
      },
    },
  };
}
