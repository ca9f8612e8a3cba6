// Internal notes on a question, and the people they name: their authors and whoever they mention.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notes, users, type NoteRow } from '../../db/schema.js';

export function createNoteRepository(db: Db) {
  return {
    read: {
      /** Oldest first. */
      async forQuestion(questionId: string): Promise<NoteRow[]> {
        return db
          .select()
          .from(notes)
          .where(eq(notes.questionId, questionId))
          .orderBy(asc(notes.createdAt), asc(notes.id))
          .all();
      },

      /** Each user's name by id; ids of nobody are left out. */
      async namesOf(ids: string[]): Promise<Map<string, string>> {
        if (ids.length === 0) return new Map();
        const rows = db
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(inArray(users.id, [...new Set(ids)]))
          .all();
        return new Map(rows.map((u) => [u.id, u.name]));
      },

      /** Who a note may mention: every active user. */
      async mentionable(): Promise<{ id: string; name: string; email: string }[]> {
        return db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(eq(users.active, true))
          .all();
      },
    },
    write: {
      async insert(note: typeof notes.$inferInsert): Promise<NoteRow> {
        return db.insert(notes).values(note).returning().get();
      },
    },
  };
}
