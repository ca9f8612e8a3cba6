// Reusable answers on PostgreSQL: the same reads as ../answers.ts, over db/pg/schema.ts.
import { and, asc, eq, gt, inArray } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { messages, questions, questionTags, replies, users } from '../../../db/pg/schema.js';
import { REUSABLE, type createAnswerRepository as sqliteAnswers } from '../answers.js';

export function createAnswerRepository(db: PgDb): ReturnType<typeof sqliteAnswers> {
  return {
    read: {
      // No check that the database is still open, as on SQLite: the server stops the walk, and waits for the page
      // under way, before it ends the pool.
      async reusablePage(after: string, size: number) {
        return db
          .select({ id: replies.id, questionId: replies.questionId, text: replies.text, questionText: questions.text })
          .from(replies)
          .innerJoin(questions, eq(questions.id, replies.questionId))
          .where(and(gt(replies.id, after), inArray(replies.status, [...REUSABLE])))
          .orderBy(replies.id)
          .limit(size);
      },

      async questionText(questionId: string) {
        const [row] = await db
          .select({ text: questions.text })
          .from(questions)
          .where(eq(questions.id, questionId))
          .limit(1);
        return row?.text;
      },

      async followUps(questionId: string) {
        const rows = await db
          .select({ text: messages.text })
          .from(messages)
          .where(and(eq(messages.questionId, questionId), eq(messages.direction, 'in')))
          .orderBy(asc(messages.at));
        return rows.map((m) => m.text);
      },

      async reusable(replyIds: string[]) {
        if (replyIds.length === 0) return { answers: [], tags: [] };
        const answers = await db
          .select({
            reply: replies,
            questionText: questions.text,
            customer: { handle: questions.authorHandle, name: questions.authorName },
            authorName: users.name,
          })
          .from(replies)
          .innerJoin(questions, eq(questions.id, replies.questionId))
          .innerJoin(users, eq(users.id, replies.authorId))
          .where(and(inArray(replies.id, replyIds), inArray(replies.status, [...REUSABLE])));
        const tags =
          answers.length === 0
            ? []
            : await db
                .select()
                .from(questionTags)
                .where(
                  inArray(
                    questionTags.questionId,
                    answers.map((a) => a.reply.questionId),
                  ),
                );
        return { answers, tags };
      },
    },
    write: {},
  };
}
