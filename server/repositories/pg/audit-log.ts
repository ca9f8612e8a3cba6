// The audit log on PostgreSQL: the same reads and writes as ../audit-log.ts, over db/pg/schema.ts.
import { asc, eq } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { events } from '../../../db/pg/schema.js';
import type { AuditEntry, createAuditLogRepository as sqliteAuditLog } from '../audit-log.js';

export function createAuditLogRepository(db: PgDb): ReturnType<typeof sqliteAuditLog> {
  return {
    read: {
      async ofQuestion(questionId: string) {
        return db.select().from(events).where(eq(events.questionId, questionId)).orderBy(asc(events.id));
      },
    },
    write: {
      // Not a statement prepared once, as on SQLite: a prepared query is bound to the connection it was built on, and
      // an entry must be written on the connection of the unit of work whose change it records.
      async record(entry: AuditEntry) {
        await db.insert(events).values({
          questionId: entry.questionId ?? null,
          actorId: entry.actorId ?? null,
          type: entry.type,
          data: entry.data ?? {},
          at: entry.at,
        });
      },
    },
  };
}
