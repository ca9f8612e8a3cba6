// The SLA watch's read on PostgreSQL: the same read as ../sla-watch.ts, over db/pg/schema.ts.
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { questions } from '../../../db/pg/schema.js';
import { OPEN_STATUSES } from '../../domain/lifecycle.js';
import { SPAM_FLAG } from '../../services/spam.js';
import type { createSlaWatchRepository as sqliteSlaWatch } from '../sla-watch.js';

export function createSlaWatchRepository(db: PgDb): ReturnType<typeof sqliteSlaWatch> {
  return {
    read: {
      async awaitingFirstReply(after: { at: number; id: string }, upTo: number, limit: number) {
        return db
          .select()
          .from(questions)
          .where(
            and(
              inArray(questions.status, [...OPEN_STATUSES]),
              isNull(questions.firstReplyAt),
              sql`coalesce(${questions.flag}, '') <> ${SPAM_FLAG}`,
              or(gt(questions.slaDueAt, after.at), and(eq(questions.slaDueAt, after.at), gt(questions.id, after.id))),
              lte(questions.slaDueAt, upTo),
            ),
          )
          .orderBy(questions.slaDueAt, questions.id)
          .limit(limit);
      },
    },
    write: {},
  };
}
