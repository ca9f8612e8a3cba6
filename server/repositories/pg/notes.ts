// Notes on PostgreSQL: the same reads and writes as ../notes.ts, over db/pg/schema.ts.
import { asc, eq, inArray } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { notes, users } from '../../../db/pg/schema.js';
import type { createNoteRepository as sqliteNotes } from '../notes.js';

export function createNoteRepository(db: PgDb): ReturnType<typeof sqliteNotes> {
  return {
    read: {
      async forQuestion(questionId: string) {
        return db
          .select()
          .from(notes)
          .where(eq(notes.questionId, questionId))
          .orderBy(asc(notes.createdAt), asc(notes.id));
      },

      async namesOf(ids: string[]) {
        if (ids.length === 0) return new Map<string, string>();
        const rows = await db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...new Set(ids)]));
        return new Map(rows.map((u) => [u.id, u.name]));
      },

      async mentionable() {
        return db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(eq(users.active, true));
      },
    },
    write: {
      async insert(note: typeof notes.$inferInsert) {
        const [row] = await db.insert(notes).values(note).returning();
        if (!row) throw new Error('the note insert returned no row');
        return row;
      },
    },
  };
}
