// What the SLA watch reads: questions still waiting for a first public reply, in the order their SLAs fall due.
import { and, eq, gt, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, type QuestionRow } from '../../db/schema.js';
import { OPEN_STATUSES } from '../domain/lifecycle.js';
import { SPAM_FLAG } from '../services/spam.js';

export function createSlaWatchRepository(db: Db) {
  return {
    read: {
      /**
       * Open questions with no public reply, not held as spam, due after `after` (a due time and, at that time, an id)
       * up to `upTo`, in (due, id) order, so that equal due times page too.
       */
      async awaitingFirstReply(after: { at: number; id: string }, upTo: number, limit: number): Promise<QuestionRow[]> {
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
          .limit(limit)
          .all();
      },
    },
    write: {},
  };
}
