// A thread's posts after the question itself: the customer's follow-ups (in) and the brand's answers (out).
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages } from '../../db/schema.js';

export type MessageRow = typeof messages.$inferSelect;
type LastMessage = { questionId: string; direction: 'in' | 'out'; externalId: string | null; text: string; at: number };

export function createMessageRepository(db: Db) {
  const statements = {
    questionOf: db
      .select({ questionId: messages.questionId })
      .from(messages)
      .where(eq(messages.externalId, sql.placeholder('externalId')))
      .prepare(),
    // Each question's last message, one probe of messages_question apiece: every list and offer renders it.
    lastOfMany: db.$client.prepare<[string], LastMessage>(
      `select m.question_id questionId, m.direction, m.external_id externalId, m.text, m.at from messages m
       where m.question_id in (select value from json_each(?))
         and m.at = (select max(at) from messages where question_id = m.question_id)`,
    ),
  };

  return {
    read: {
      /** The question whose thread holds the post with this id. */
      async questionOf(externalId: string): Promise<string | undefined> {
        return statements.questionOf.get({ externalId })?.questionId;
      },

      /** The customer's latest post in the thread. */
      async latestIn(questionId: string): Promise<MessageRow | undefined> {
        return db
          .select()
          .from(messages)
          .where(and(eq(messages.questionId, questionId), eq(messages.direction, 'in')))
          .orderBy(desc(messages.at))
          .get();
      },

      async ofQuestion(questionId: string): Promise<MessageRow[]> {
        return db.select().from(messages).where(eq(messages.questionId, questionId)).orderBy(asc(messages.at)).all();
      },

      /** Each question's last message. */
      async lastOf(questionIds: string[]): Promise<LastMessage[]> {
        if (questionIds.length === 0) return [];
        return statements.lastOfMany.all(JSON.stringify(questionIds));
      },
    },
    write: {
      /** Adds a post to a thread; one already there (the same external id) is kept as it was. */
      async insert(message: typeof messages.$inferInsert): Promise<void> {
        db.insert(messages).values(message).onConflictDoNothing().run();
      },
    },
  };
}
