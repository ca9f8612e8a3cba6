// The audit log on PostgreSQL: the same reads and writes as ../audit-log.ts, over db/pg/schema.ts.
import { asc, eq, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { preparedRowsInsert } from './connection.js';
import { events } from '../../../db/pg/schema.js';
import type { AuditEntry, createAuditLogRepository as sqliteAuditLog } from '../audit-log.js';

const columns = ['questionId', 'actorId', 'type', 'data', 'at'] as const;

function valuesOf(entry: AuditEntry) {
  return {
    questionId: entry.questionId ?? null,
    actorId: entry.actorId ?? null,
    type: entry.type,
    data: entry.data ?? {},
    at: entry.at,
  };
}

export function createAuditLogRepository(db: PgDb): ReturnType<typeof sqliteAuditLog> {
  const insertRows = preparedRowsInsert(db, events, 'events_insert', columns);
  const recordAll = (entries: AuditEntry[]) => insertRows(entries.map(valuesOf));

  return {
    read: {
      async ofQuestion(questionId: string) {
        return db.select().from(events).where(eq(events.questionId, questionId)).orderBy(asc(events.id));
      },
    },
    write: {
      async record(entry: AuditEntry) {
        await recordAll([entry]);
      },

      recordAll,
    },
  };
}
