// The reads behind similar past answers: every reusable (approved or posted) reply with its question's text, a page at
// a time for the index, and what an expert is shown of the ones that match.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, questions, questionTags, replies, users, type ReplyRow } from '../../db/schema.js';

export const REUSABLE = ['approved', 'posted'] as const;

export type IndexableAnswer = Pick<ReplyRow, 'id' | 'questionId' | 'text'> & { questionText: string };

type QuestionTagRow = typeof questionTags.$inferSelect;

export interface ReusableAnswer {
  reply: ReplyRow;
  questionText: string;
  customer: { handle: string; name: string | null };
  authorName: string;
}

export function createAnswerRepository(db: Db) {
  const page = db.$client.prepare<[string, number], IndexableAnswer>(
    // Walks the replies in id order (the unary + keeps SQLite off the status index, which would sort every page).
    `select r.id id, r.question_id questionId, r.text text, q.text questionText from replies r join questions q on q.id = r.question_id
     where r.id > ? and +r.status in (${REUSABLE.map((status) => `'${status}'`).join(', ')}) order by r.id limit ?`,
  );

  return {
    read: {
      /**
       * The next `size` reusable answers after reply id `after`, in id order. None once the database is closed: the
       * index is built while the server serves, and a server that closes ends the walk.
       */
      async reusablePage(after: string, size: number): Promise<IndexableAnswer[]> {
        return db.$client.open ? page.all(after, size) : [];
      },

      async questionText(questionId: string): Promise<string | undefined> {
        return db.select({ text: questions.text }).from(questions).where(eq(questions.id, questionId)).get()?.text;
      },

      /** What the customer wrote after the question, oldest first. */
      async followUps(questionId: string): Promise<string[]> {
        return db
          .select({ text: messages.text })
          .from(messages)
          .where(and(eq(messages.questionId, questionId), eq(messages.direction, 'in')))
          .orderBy(asc(messages.at))
          .all()
          .map((m) => m.text);
      },

      /** Those of `replyIds` that are still reusable, with their questions' tags. */
      async reusable(replyIds: string[]): Promise<{ answers: ReusableAnswer[]; tags: QuestionTagRow[] }> {
        if (replyIds.length === 0) return { answers: [], tags: [] };
        const answers = db
          .select({
            reply: replies,
            questionText: questions.text,
            customer: { handle: questions.authorHandle, name: questions.authorName },
            authorName: users.name,
          })
          .from(replies)
          .innerJoin(questions, eq(questions.id, replies.questionId))
          .innerJoin(users, eq(users.id, replies.authorId))
          .where(and(inArray(replies.id, replyIds), inArray(replies.status, [...REUSABLE])))
          .all();
        const tags =
          answers.length === 0
            ? []
            : db
                .select()
                .from(questionTags)
                .where(
                  inArray(
                    questionTags.questionId,
                    answers.map((a) => a.reply.questionId),
                  ),
                )
                .all();
        return { answers, tags };
      },
    },
    write: {},
  };
}
