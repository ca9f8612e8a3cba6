// The audit log: one row per change to a question, written in the transaction that made the change, so the log never
// disagrees with it.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { events } from '../../db/schema.js';

export interface AuditEntry {
  questionId?: string | null;
  actorId?: string | null;
  type: string;
  data?: Record<string, unknown>;
  at: number;
}

export function createAuditLogRepository(db: Db) {
  // Every state change writes an entry, so the insert is prepared once.
  const insert = db
    .insert(events)
    .values({
      questionId: sql.placeholder('questionId'),
      actorId: sql.placeholder('actorId'),
      type: sql.placeholder('type'),
      data: sql.placeholder('data'),
      at: sql.placeholder('at'),
    })
    .prepare();

  const write = (entry: AuditEntry) =>
    insert.run({
      questionId: entry.questionId ?? null,
      actorId: entry.actorId ?? null,
      type: entry.type,
      data: entry.data ?? {},
      at: entry.at,
    });

  return {
    read: {
      async ofQuestion(questionId: string) {
        return db.select().from(events).where(eq(events.questionId, questionId)).orderBy(asc(events.id)).all();
      },
    },
    write: {
      async record(entry: AuditEntry): Promise<void> {
        write(entry);
      },

      /** Several entries of one change, in this order. */
      async recordAll(entries: AuditEntry[]): Promise<void> {
        for (const entry of entries) write(entry);
      },
    },
  };
}
