// The dashboard's reads on PostgreSQL: the same reads as ../metrics.ts, over db/pg/schema.ts.
import { type SQL, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type { HourRowVisitor, createMetricsRepository as sqliteMetrics } from '../metrics.js';

const HOUR_MS = 3_600_000;
/** Rows fetched from a cursor per round trip. */
const BATCH = 5000;

type Query = Pick<PgDb, 'execute'>;
let cursors = 0;

/**
 * Hands the rows of `query` to `visit` a batch at a time through a cursor, on `tx` (a transaction: a cursor lives in
 * one): a range may be every row of the history, too many to hold at once. Raw rows come as the driver reads them:
 * bigint as a string, so a visitor converts.
 */
export async function eachRow(tx: Query, query: SQL, visit: (row: Record<string, unknown>) => void): Promise<void> {
  const cursor = sql.identifier(`rows_${++cursors}`);
  await tx.execute(sql`declare ${cursor} no scroll cursor for ${query}`);
  for (;;) {
    const { rows } = await tx.execute(sql`fetch ${sql.raw(String(BATCH))} from ${cursor}`);
    for (const row of rows) visit(row);
    if (rows.length < BATCH) break;
  }
  await tx.execute(sql`close ${cursor}`);
}

/** A number column of a raw row (bigint arrives as a string); null stays null. */
export const num = (value: unknown): number | null => (value === null ? null : Number(value));

/** One snapshot for every read of a report, as SQLite's read transaction gives. */
export const SNAPSHOT = { isolationLevel: 'repeatable read', accessMode: 'read only' } as const;

export function createMetricsRepository(db: PgDb): ReturnType<typeof sqliteMetrics> {
  const inRange = (start: number, end: number) =>
    sql`q.received_at >= ${start} and q.received_at < ${end} order by q.received_at`;

  return {
    read: {
      // A read waits on the server with the event loop free, and each is a transaction of eleven round trips: read by
      // the day, or a warm-up of a month at a million questions spends minutes on round trips under load.
      hoursPerRead: 24,
      async eachInRange(start: number, end: number, visit: HourRowVisitor) {
        await db.transaction(async (tx) => {
          await eachRow(
            tx,
            sql`select q.received_at, q.status, q.claimed_at, q.first_reply_at, q.sla_due_at from questions q
                 where ${inRange(start, end)}`,
            (r) =>
              visit.question(
                Number(r.received_at),
                r.status as string,
                num(r.claimed_at),
                num(r.first_reply_at),
                Number(r.sla_due_at),
              ),
          );
          await eachRow(
            tx,
            sql`select q.received_at, t.slug, q.status, q.first_reply_at - q.received_at ms
                  from questions q join question_tags t on t.question_id = q.id where ${inRange(start, end)}`,
            (r) => visit.tag(Number(r.received_at), r.slug as string, r.status as string, num(r.ms)),
          );
          await eachRow(
            tx,
            sql`select q.received_at, r.author_id, r.status, r.created_at - q.claimed_at ms
                  from questions q join replies r on r.question_id = q.id where ${inRange(start, end)}`,
            (r) => visit.reply(Number(r.received_at), r.author_id as string, r.status as string, num(r.ms)),
          );
        }, SNAPSHOT);
      },

      // SQLite counts its writes; here the WAL's insert position moves with every write to the cluster, committed or
      // about to be (a commit writes its own record), so it serves as the same mark. dataVersion has no counterpart.
      async writeMark() {
        const { rows } = await db.execute(sql`select pg_current_wal_insert_lsn() - '0/0'::pg_lsn as changes`);
        return { changes: Number(rows[0]?.changes ?? 0), dataVersion: 0 };
      },

      async hoursTouchedSince(since: number) {
        const { rows } = await db.execute(
          sql`select distinct received_at / ${sql.raw(String(HOUR_MS))} as hour from questions where updated_at >= ${since}`,
        );
        return rows.map((r) => Number(r.hour));
      },

      async openByStatus() {
        const { rows } = await db.execute(
          sql`select status, count(*) n from questions
               where status in ('new','offered','claimed','escalated','in_review') group by status`,
        );
        return new Map(rows.map((r) => [r.status as string, Number(r.n)]));
      },

      async answeredSince(receivedFrom: number, repliedFrom: number) {
        const { rows } = await db.execute(
          sql`select count(*) n from questions
               where status in ('answered','closed') and received_at >= ${receivedFrom} and first_reply_at >= ${repliedFrom}`,
        );
        return Number(rows[0]?.n ?? 0);
      },
    },
    write: {},
  };
}
