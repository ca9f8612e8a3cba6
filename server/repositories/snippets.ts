// Snippets: canned responses per tag, with the name of the manager who wrote each, and the approved answers a manager
// may save as one.
import { asc, count, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, questionTags, replies, snippets, users, type ReplyRow, type SnippetRow } from '../../db/schema.js';

export interface SnippetWithAuthor {
  snippet: SnippetRow;
  createdByName: string | null;
}

/** An answer to be saved as a snippet: the reply, its question's text and customer, and the question's top tag. */
export interface AnswerToSave {
  reply: ReplyRow;
  question: { text: string; handle: string; name: string | null } | undefined;
  topTag: string | undefined;
}

export type SnippetChanges = Partial<Pick<SnippetRow, 'title' | 'text' | 'tag' | 'updatedAt'>>;

export function createSnippetRepository(db: Db) {
  const selection = { snippet: snippets, createdByName: users.name };
  const withAuthor = () => db.select(selection).from(snippets).leftJoin(users, eq(users.id, snippets.createdBy));

  return {
    read: {
      async byId(id: string): Promise<SnippetWithAuthor | undefined> {
        return withAuthor().where(eq(snippets.id, id)).get();
      },

      /** The snippets filed under any of `tags` and the general ones (every snippet when `tags` is empty), most used first. */
      async forTags(tags: string[], limit: number): Promise<SnippetWithAuthor[]> {
        const where = tags.length > 0 ? or(inArray(snippets.tag, tags), isNull(snippets.tag)) : undefined;
        return withAuthor().where(where).orderBy(desc(snippets.uses), asc(snippets.title)).limit(limit).all();
      },

      async countForTag(tag: string): Promise<number> {
        return db.select({ n: count() }).from(snippets).where(eq(snippets.tag, tag)).get()?.n ?? 0;
      },

      async answerToSave(replyId: string): Promise<AnswerToSave | undefined> {
        const reply = db.select().from(replies).where(eq(replies.id, replyId)).get();
        if (!reply) return undefined;
        const question = db
          .select({ text: questions.text, handle: questions.authorHandle, name: questions.authorName })
          .from(questions)
          .where(eq(questions.id, reply.questionId))
          .get();
        const topTag = db
          .select({ slug: questionTags.slug })
          .from(questionTags)
          .where(eq(questionTags.questionId, reply.questionId))
          .orderBy(desc(questionTags.confidence))
          .get();
        return { reply, question, topTag: topTag?.slug };
      },
    },
    write: {
      async insert(snippet: typeof snippets.$inferInsert): Promise<SnippetRow> {
        return db.insert(snippets).values(snippet).returning().get();
      },

      /** False when there is no such snippet. */
      async update(id: string, changes: SnippetChanges): Promise<boolean> {
        return (
          db.update(snippets).set(changes).where(eq(snippets.id, id)).returning({ id: snippets.id }).get() !== undefined
        );
      },

      async remove(id: string): Promise<boolean> {
        return db.delete(snippets).where(eq(snippets.id, id)).returning({ id: snippets.id }).get() !== undefined;
      },

      /** An expert picked the snippet; false when there is no such snippet. */
      async countUse(id: string): Promise<boolean> {
        return (
          db
            .update(snippets)
            .set({ uses: sql`${snippets.uses} + 1` })
            .where(eq(snippets.id, id))
            .returning({ id: snippets.id })
            .get() !== undefined
        );
      },

      /** The tag's snippets become general ones. */
      async untag(tag: string, now: number): Promise<void> {
        db.update(snippets).set({ tag: null, updatedAt: now }).where(eq(snippets.tag, tag)).run();
      },
    },
  };
}
