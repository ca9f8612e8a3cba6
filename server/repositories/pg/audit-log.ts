// The audit log on PostgreSQL: the same reads and writes as ../audit-log.ts, over db/pg/schema.ts.
import { asc, eq, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
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
  /** An insert of `size` entries, prepared once per size (a change records one to a few). */
  const inserts = new Map<number, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  function insertOf(size: number) {
    let statement = inserts.get(size);
    if (!statement) {
      statement = prepared(db, `events_insert_${size}`, (b) =>
        b
          .insert(events)
          .values(
            Array.from({ length: size }, (_, i) =>
              Object.fromEntries(columns.map((column) => [column, sql.placeholder(`${i}.${column}`)])),
            ) as unknown as (typeof events.$inferInsert)[],
          ),
      );
      inserts.set(size, statement);
    }
    return statement;
  }

  async function recordAll(entries: AuditEntry[]) {
    if (entries.length === 0) return;
    if (entries.length > 8) {
      await db.insert(events).values(entries.map(valuesOf));
      return;
    }
    const values: Record<string, unknown> = {};
    entries.forEach((entry, i) => {
      const row = valuesOf(entry);
      for (const column of columns) values[`${i}.${column}`] = row[column];
    });
    await insertOf(entries.length).execute(values);
  }

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
