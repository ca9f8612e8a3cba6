// Tag definitions: what the classifier sorts questions into and what snippets are filed under. Which questions carry
// a tag (question_tags) is written with the question, by ingest and retagging.
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { tags, type TagRow } from '../../db/schema.js';

type TagChanges = Partial<Omit<typeof tags.$inferInsert, 'slug' | 'createdAt'>>;

export function createTagRepository(db: Db) {
  return {
    read: {
      /** Every tag, by name. */
      async all(): Promise<TagRow[]> {
        return db.select().from(tags).orderBy(tags.name).all();
      },
      async bySlug(slug: string): Promise<TagRow | undefined> {
        return db.select().from(tags).where(eq(tags.slug, slug)).get();
      },
    },
    write: {
      /** Undefined when a tag with that slug exists already. */
      async insert(tag: typeof tags.$inferInsert): Promise<TagRow | undefined> {
        return db.insert(tags).values(tag).onConflictDoNothing().returning().get();
      },
      async update(slug: string, changes: TagChanges): Promise<TagRow | undefined> {
        return db.update(tags).set(changes).where(eq(tags.slug, slug)).returning().get();
      },
      async remove(slug: string): Promise<TagRow | undefined> {
        return db.delete(tags).where(eq(tags.slug, slug)).returning().get();
      },
    },
  };
}
