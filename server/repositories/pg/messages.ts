// Thread messages on PostgreSQL: the same reads and writes as ../messages.ts, over db/pg/schema.ts.
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
import { messages } from '../../../db/pg/schema.js';
import type { createMessageRepository as sqliteMessages } from '../messages.js';

export function createMessageRepository(db: PgDb): ReturnType<typeof sqliteMessages> {
  const questionOf = prepared(db, 'messages_question_of', (b) =>
    b
      .select({ questionId: messages.questionId })
      .from(messages)
      .where(eq(messages.externalId, sql.placeholder('externalId')))
      .limit(1),
  );
  return {
    read: {
      async questionOf(externalId: string) {
        const [row] = await questionOf.execute({ externalId });
        return row?.questionId;
      },

      async latestIn(questionId: string) {
        const [row] = await db
          .select()
          .from(messages)
          .where(and(eq(messages.questionId, questionId), eq(messages.direction, 'in')))
          .orderBy(desc(messages.at))
          .limit(1);
        return row;
      },

      async ofQuestion(questionId: string) {
        return db.select().from(messages).where(eq(messages.questionId, questionId)).orderBy(asc(messages.at));
      },

      // One probe of messages_question per question for its last time.
      async lastOf(questionIds: string[]) {
        if (questionIds.length === 0) return [];
        return db
          .select({
            questionId: messages.questionId,
            direction: messages.direction,
            externalId: messages.externalId,
            text: messages.text,
            at: messages.at,
          })
          .from(messages)
          .where(
            and(
              inArray(messages.questionId, questionIds),
              sql`${messages.at} = (select max(other.at) from ${messages} other where other.question_id = ${messages.questionId})`,
            ),
          );
      },
    },
    write: {
      async insert(message: typeof messages.$inferInsert) {
        await db.insert(messages).values(message).onConflictDoNothing();
      },
    },
  };
}
