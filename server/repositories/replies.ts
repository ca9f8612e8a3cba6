// Replies as experts write them and reviewers decide them; the outbox records how their post ended.
import { and, desc, eq, inArray, asc } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { replies, type ReplyRow } from '../../db/schema.js';
import type { ReplyStatus } from '../contracts/api.js';

export function createReplyRepository(db: Db) {
  const updated = (row: ReplyRow | undefined): ReplyRow => {
    if (!row) throw new Error('the reply update matched no row');
    return row;
  };

  return {
    read: {
      async byId(id: string): Promise<ReplyRow | undefined> {
        return db.select().from(replies).where(eq(replies.id, id)).get();
      },

      async ofQuestion(questionId: string): Promise<ReplyRow[]> {
        return db
          .select()
          .from(replies)
          .where(eq(replies.questionId, questionId))
          .orderBy(asc(replies.createdAt))
          .all();
      },

      /** Whether the user wrote a reply to the question. */
      async hasReplied(questionId: string, authorId: string): Promise<boolean> {
        return !!db
          .select({ id: replies.id })
          .from(replies)
          .where(and(eq(replies.questionId, questionId), eq(replies.authorId, authorId)))
          .get();
      },

      /** Who wrote the question's latest posted reply. */
      async lastPostedAuthor(questionId: string): Promise<string | null> {
        return (
          db
            .select({ authorId: replies.authorId })
            .from(replies)
            .where(and(eq(replies.questionId, questionId), eq(replies.status, 'posted')))
            .orderBy(desc(replies.createdAt))
            .get()?.authorId ?? null
        );
      },

      /** The author's reply to the question that waits for review, if any. */
      async inReview(questionId: string, authorId: string): Promise<ReplyRow | undefined> {
        return db
          .select()
          .from(replies)
          .where(
            and(eq(replies.questionId, questionId), eq(replies.authorId, authorId), eq(replies.status, 'in_review')),
          )
          .get();
      },

      /** Ids of the author's replies waiting for review. */
      async inReviewBy(authorId: string): Promise<string[]> {
        return db
          .select({ id: replies.id })
          .from(replies)
          .where(and(eq(replies.authorId, authorId), eq(replies.status, 'in_review')))
          .all()
          .map((r) => r.id);
      },

      /** Newest first. */
      async list(filter: { authorId?: string; statuses?: ReplyStatus[]; limit: number }): Promise<ReplyRow[]> {
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
          .limit(filter.limit)
          .all();
      },
    },
    write: {
      async insert(reply: typeof replies.$inferInsert): Promise<ReplyRow> {
        return updated(db.insert(replies).values(reply).returning().get());
      },

      /** New words for a reply (the expert revised it in review, or the reviewer edited it). */
      async revise(
        id: string,
        words: { text: string; preview: string; weightedLength: number; updatedAt?: number },
      ): Promise<ReplyRow> {
        return updated(db.update(replies).set(words).where(eq(replies.id, id)).returning().get());
      },

      async approve(id: string, reviewerId: string | null, now: number): Promise<ReplyRow> {
        return updated(
          db
            .update(replies)
            .set({ status: 'approved', reviewerId, updatedAt: now })
            .where(eq(replies.id, id))
            .returning()
            .get(),
        );
      },

      /** Undefined when the reply no longer waits for review. */
      async reject(id: string, reviewerId: string, feedback: string, now: number): Promise<ReplyRow | undefined> {
        return db
          .update(replies)
          .set({ status: 'rejected', feedback, reviewerId, updatedAt: now })
          .where(and(eq(replies.id, id), eq(replies.status, 'in_review')))
          .returning()
          .get();
      },

      async markPosted(id: string, externalId: string | null, now: number): Promise<ReplyRow> {
        return updated(
          db
            .update(replies)
            .set({ status: 'posted', externalId, postedAt: now, updatedAt: now })
            .where(eq(replies.id, id))
            .returning()
            .get(),
        );
      },

      async markFailed(id: string, reason: string, now: number): Promise<ReplyRow> {
        return updated(
          db
            .update(replies)
            .set({ status: 'failed', failureReason: reason, updatedAt: now })
            .where(eq(replies.id, id))
            .returning()
            .get(),
        );
      },

      /** A failed reply goes back to approved, for the outbox to try again. */
      async markRetried(id: string, now: number): Promise<ReplyRow | undefined> {
        return db
          .update(replies)
          .set({ status: 'approved', failureReason: null, updatedAt: now })
          .where(eq(replies.id, id))
          .returning()
          .get();
      },
    },
  };
}
