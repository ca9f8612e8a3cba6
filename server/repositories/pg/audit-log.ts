// The audit log on PostgreSQL: the same reads and writes as ../audit-log.ts, over db/pg/schema.ts.
import { asc, eq, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
import { events } from '../../../db/pg/schema.js';
import type { AuditEntry, createAuditLogRepository as sqliteAuditLog } from '../audit-log.js';

export function createAuditLogRepository(db: PgDb): ReturnType<typeof sqliteAuditLog> {
  const record = prepared(db, 'events_insert', (b) =>
    b.insert(events).values({
      questionId: sql.placeholder('questionId'),
      actorId: sql.placeholder('actorId'),
      type: sql.placeholder('type'),
      data: sql.placeholder('data'),
      at: sql.placeholder('at'),
    }),
  );
  return {
    read: {
      async ofQuestion(questionId: string) {
        return db.select().from(events).where(eq(events.questionId, questionId)).orderBy(asc(events.id));
      },
    },
    write: {
      async record(entry: AuditEntry) {
        await record.execute({
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
