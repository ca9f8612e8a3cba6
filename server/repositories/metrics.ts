// The dashboard's reads: the questions of a range of hours with their tags and replies (the hour summaries of
// services/metrics-hours.ts), which hours changed since a check, and the live tiles' counts. The metrics page asks for
// them on every request and the tiles every few seconds, so every statement is prepared once.
import type { Db } from '../../db/client.js';

const HOUR_MS = 3_600_000;

/** What a range read hands over, row by row: a range may be every question of two months. */
export interface HourRowVisitor {
  question(
    receivedAt: number,
    status: string,
    claimedAt: number | null,
    firstReplyAt: number | null,
    slaDueAt: number,
  ): void;
  tag(receivedAt: number, slug: string, status: string, replyMs: number | null): void;
  reply(receivedAt: number, authorId: string, status: string, replyMs: number | null): void;
}

/** Changes when anything is written to the database, by this connection or another. */
export interface WriteMark {
  changes: number;
  dataVersion: number;
}

export function createMetricsRepository(db: Db) {
  const sqlite = db.$client;
  const range = 'q.received_at >= ? and q.received_at < ? order by q.received_at';
  const statements = {
    questions: sqlite
      .prepare<[number, number], [number, string, number | null, number | null, number]>(
        `select q.received_at, q.status, q.claimed_at, q.first_reply_at, q.sla_due_at from questions q where ${range}`,
      )
      .raw(),
    tags: sqlite
      .prepare<[number, number], [number, string, string, number | null]>(
        `select q.received_at, t.slug, q.status, q.first_reply_at - q.received_at from questions q join question_tags t on t.question_id = q.id where ${range}`,
      )
      .raw(),
    replies: sqlite
      .prepare<[number, number], [number, string, string, number | null]>(
        `select q.received_at, r.author_id, r.status, r.created_at - q.claimed_at from questions q join replies r on r.question_id = q.id where ${range}`,
      )
      .raw(),
    changes: sqlite.prepare<[], number>('select total_changes()').pluck(),
    touchedHours: sqlite
      .prepare<[number], number>(`select distinct received_at / ${HOUR_MS} from questions where updated_at >= ?`)
      .pluck(),
    open: sqlite.prepare<[], { status: string; n: number }>(
      "select status, count(*) n from questions where status in ('new','offered','claimed','escalated','in_review') group by status",
    ),
    // Questions answered today were received at most a few days ago: a range of the covering received_at index.
    // The unary + keeps SQLite from the (status, received_at) index, which would read every row.
    answeredSince: sqlite.prepare<[number, number], { n: number }>(
      "select count(*) n from questions where +status in ('answered','closed') and received_at >= ? and first_reply_at >= ?",
    ),
  };

  return {
    read: {
      /** Hours a warm-up reads at once: a read here holds the event loop until it returns, so one at a time. */
      hoursPerRead: 1,
      /**
       * The questions received in [start, end), oldest first, then their tags, then their replies, each handed to
       * `visit` as it is read: holding every row of a long range at once would grow the heap with the history.
       */
      async eachInRange(start: number, end: number, visit: HourRowVisitor): Promise<void> {
        for (const [receivedAt, status, claimedAt, firstReplyAt, slaDueAt] of statements.questions.iterate(start, end))
          visit.question(receivedAt, status, claimedAt, firstReplyAt, slaDueAt);
        for (const [receivedAt, slug, status, ms] of statements.tags.iterate(start, end))
          visit.tag(receivedAt, slug, status, ms);
        for (const [receivedAt, authorId, status, ms] of statements.replies.iterate(start, end))
          visit.reply(receivedAt, authorId, status, ms);
      },

      async writeMark(): Promise<WriteMark> {
        return {
          changes: statements.changes.get() ?? 0,
          dataVersion: sqlite.pragma('data_version', { simple: true }) as number,
        };
      },

      /** The hours (received_at / HOUR_MS) of the questions written at or after `since`. */
      async hoursTouchedSince(since: number): Promise<number[]> {
        return statements.touchedHours.all(since);
      },

      /** Open questions by status (new, offered, claimed, escalated, in review). */
      async openByStatus(): Promise<Map<string, number>> {
        return new Map(statements.open.all().map((r) => [r.status, r.n]));
      },

      /** Questions received at or after `receivedFrom` whose first answer was at or after `repliedFrom`. */
      async answeredSince(receivedFrom: number, repliedFrom: number): Promise<number> {
        return statements.answeredSince.get(receivedFrom, repliedFrom)?.n ?? 0;
      },
    },
    write: {},
  };
}
export type MetricsReads = ReturnType<typeof createMetricsRepository>['read'];
