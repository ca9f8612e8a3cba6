// Replies on PostgreSQL: the same reads and writes as ../replies.ts, over db/pg/schema.ts.
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { replies } from '../../../db/pg/schema.js';
import type { ReplyStatus } from '../../contracts/api.js';
import type { createReplyRepository as sqliteReplies } from '../replies.js';

type ReplyRow = typeof replies.$inferSelect;

export function createReplyRepository(db: PgDb): ReturnType<typeof sqliteReplies> {
  const updated = ([row]: ReplyRow[]): ReplyRow => {
    if (!row) throw new Error('the reply update matched no row');
    return row;
  };

  return {
    read: {
      async byId(id: string) {
        const [row] = await db.select().from(replies).where(eq(replies.id, id)).limit(1);
        return row;
      },

      async ofQuestion(questionId: string) {
        return db.select().from(replies).where(eq(replies.questionId, questionId)).orderBy(asc(replies.createdAt));
      },

      async hasReplied(questionId: string, authorId: string) {
        const [row] = await db
          .select({ id: replies.id })
          .from(replies)
          .where(and(eq(replies.questionId, questionId), eq(replies.authorId, authorId)))
          .limit(1);
        return !!row;
      },

      async lastPostedAuthor(questionId: string) {
        const [row] = await db
          .select({ authorId: replies.authorId })
          .from(replies)
          .where(and(eq(replies.questionId, questionId), eq(replies.status, 'posted')))
          .orderBy(desc(replies.createdAt))
          .limit(1);
        return row?.authorId ?? null;
      },

      async inReview(questionId: string, authorId: string) {
        const [row] = await db
          .select()
          .from(replies)
          .where(
            and(eq(replies.questionId, questionId), eq(replies.authorId, authorId), eq(replies.status, 'in_review')),
          )
          .limit(1);
        return row;
      },

      async inReviewBy(authorId: string) {
        const rows = await db
          .select({ id: replies.id })
          .from(replies)
          .where(and(eq(replies.authorId, authorId), eq(replies.status, 'in_review')));
        return rows.map((r) => r.id);
      },

      async list(filter: { authorId?: string; statuses?: ReplyStatus[]; limit: number }) {
        return db
          .select()
          .from(replies)
          .where(
            and(
              filter.authorId ? eq(replies.authorId, filter.authorId) : undefined,
              filter.statuses ? inArray(replies.status, filter.statuses) : undefined,
            ),
          )
          .orderBy(desc(replies.createdAt))
          .limit(filter.limit);
      },
    },
    write: {
      async insert(reply: typeof replies.$inferInsert) {
        return updated(await db.insert(replies).values(reply).returning());
      },

      async revise(id: string, words: { text: string; preview: string; weightedLength: number; updatedAt?: number }) {
        return updated(await db.update(replies).set(words).where(eq(replies.id, id)).returning());
      },

      async approve(id: string, reviewerId: string | null, now: number) {
        return updated(
          await db
            .update(replies)
            .set({ status: 'approved', reviewerId, updatedAt: now })
            .where(eq(replies.id, id))
            .returning(),
        );
      },

      async reject(id: string, reviewerId: string, feedback: string, now: number) {
        const [row] = await db
          .update(replies)
          .set({ status: 'rejected', feedback, reviewerId, updatedAt: now })
          .where(and(eq(replies.id, id), eq(replies.status, 'in_review')))
          .returning();
        return row;
      },

      async markPosted(id: string, externalId: string | null, now: number) {
        return updated(
          await db
            .update(replies)
            .set({ status: 'posted', externalId, postedAt: now, updatedAt: now })
            .where(eq(replies.id, id))
            .returning(),
        );
      },

      async markFailed(id: string, reason: string, now: number) {
        return updated(
          await db
            .update(replies)
            .set({ status: 'failed', failureReason: reason, updatedAt: now })
            .where(eq(replies.id, id))
            .returning(),
        );
      },

      async markRetried(id: string, now: number) {
        const [row] = await db
          .update(replies)
          .set({ status: 'approved', failureReason: null, updatedAt: now })
          .where(eq(replies.id, id))
          .returning();
        return row;
      },
    },
  };
}
