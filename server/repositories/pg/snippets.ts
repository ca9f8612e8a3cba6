// Snippets on PostgreSQL: the same reads and writes as ../snippets.ts, over db/pg/schema.ts.
import { count, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { questions, questionTags, replies, snippets, users } from '../../../db/pg/schema.js';
import type { createSnippetRepository as sqliteSnippets, SnippetChanges } from '../snippets.js';

export function createSnippetRepository(db: PgDb): ReturnType<typeof sqliteSnippets> {
  const selection = { snippet: snippets, createdByName: users.name };
  const withAuthor = () => db.select(selection).from(snippets).leftJoin(users, eq(users.id, snippets.createdBy));
  const found = (rows: unknown[]) => rows.length > 0;

  return {
    read: {
      async byId(id: string) {
        const [row] = await withAuthor().where(eq(snippets.id, id)).limit(1);
        return row;
      },

      // Titles in code-point order, as SQLite compares them, whatever the database's collation.
      async forTags(tags: string[], limit: number) {
        const where = tags.length > 0 ? or(inArray(snippets.tag, tags), isNull(snippets.tag)) : undefined;
        return withAuthor().where(where).orderBy(desc(snippets.uses), sql`${snippets.title} collate "C"`).limit(limit);
      },

      async countForTag(tag: string) {
        const [row] = await db.select({ n: count() }).from(snippets).where(eq(snippets.tag, tag));
        return row?.n ?? 0;
      },

      async answerToSave(replyId: string) {
        const [reply] = await db.select().from(replies).where(eq(replies.id, replyId)).limit(1);
        if (!reply) return undefined;
        const [question] = await db
          .select({ text: questions.text, handle: questions.authorHandle, name: questions.authorName })
          .from(questions)
          .where(eq(questions.id, reply.questionId))
          .limit(1);
        const [topTag] = await db
          .select({ slug: questionTags.slug })
          .from(questionTags)
          .where(eq(questionTags.questionId, reply.questionId))
          .orderBy(desc(questionTags.confidence))
          .limit(1);
        return { reply, question, topTag: topTag?.slug };
      },
    },
    write: {
      async insert(snippet: typeof snippets.$inferInsert) {
        const [row] = await db.insert(snippets).values(snippet).returning();
        if (!row) throw new Error('the snippet insert returned no row');
        return row;
      },

      async update(id: string, changes: SnippetChanges) {
        return found(await db.update(snippets).set(changes).where(eq(snippets.id, id)).returning({ id: snippets.id }));
      },

      async remove(id: string) {
        return found(await db.delete(snippets).where(eq(snippets.id, id)).returning({ id: snippets.id }));
      },

      async countUse(id: string) {
        return found(
          await db
            .update(snippets)
            .set({ uses: sql`${snippets.uses} + 1` })
            .where(eq(snippets.id, id))
            .returning({ id: snippets.id }),
        );
      },

      async untag(tag: string, now: number) {
        await db.update(snippets).set({ tag: null, updatedAt: now }).where(eq(snippets.tag, tag));
      },
    },
  };
}
