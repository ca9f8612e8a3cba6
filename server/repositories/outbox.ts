// The outbox: approved replies waiting to be posted, each tried until it is sent or fails for good.
import { and, count, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { outbox, type OutboxRow } from '../../db/schema.js';

export function createOutboxRepository(db: Db) {
  return {
    read: {
      /** The question's post that failed for good, if any. */
      async failedFor(questionId: string): Promise<OutboxRow | undefined> {
        return db
          .select()
          .from(outbox)
          .where(and(eq(outbox.questionId, questionId), eq(outbox.state, 'failed')))
          .get();
      },

      async countsByState(): Promise<Record<string, number>> {
        const rows = db
          .select({ state: outbox.state, n: count() })
          .from(outbox)
          .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
          .groupBy(outbox.state)
          .all();
        return Object.fromEntries(rows.map((r) => [r.state, r.n]));
      },
    },
    write: {
      async insert(item: typeof outbox.$inferInsert): Promise<void> {
        db.insert(outbox).values(item).run();
      },

      /** Takes up to `limit` items due by `now`: each is marked `sending` with one more attempt before it is posted. */
      async take(now: number, limit: number): Promise<OutboxRow[]> {
        const due = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now)))
          .orderBy(outbox.nextAttemptAt)
          .limit(limit)
          .all();
        if (due.length === 0) return [];
        return db
          .update(outbox)
          .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
          .where(
            and(
              inArray(
                outbox.id,
                due.map((d) => d.id),
              ),
              eq(outbox.state, 'pending'),
            ),
          )
          .returning()
          .all();
      },

      /** Items left `sending` go back to the queue, due now. Returns how many. */
      async requeueSending(now: number): Promise<number> {
        return db
          .update(outbox)
          .set({ state: 'pending', nextAttemptAt: now, updatedAt: now })
          .where(eq(outbox.state, 'sending'))
          .run().changes;
      },

      async markSent(id: string, externalId: string | null, now: number): Promise<void> {
        db.update(outbox)
          .set({ state: 'sent', externalId, lastError: null, updatedAt: now })
          .where(eq(outbox.id, id))
          .run();
      },

      async markFailed(id: string, reason: string, now: number): Promise<void> {
        db.update(outbox).set({ state: 'failed', lastError: reason, updatedAt: now }).where(eq(outbox.id, id)).run();
      },

      /** Tried again at `at`; `attempts` is what the item counts as tried so far. */
      async retryAt(id: string, retry: { reason: string; at: number; attempts: number; now: number }): Promise<void> {
        db.update(outbox)
          .set({
            state: 'pending',
            lastError: retry.reason,
            nextAttemptAt: retry.at,
            attempts: retry.attempts,
            updatedAt: retry.now,
          })
          .where(eq(outbox.id, id))
          .run();
      },

      /** A failed item, back in the queue now (a manager asked to retry). */
      async requeue(id: string, now: number): Promise<void> {
        db.update(outbox)
          .set({ state: 'pending', nextAttemptAt: now, lastError: null, updatedAt: now })
          .where(eq(outbox.id, id))
          .run();
      },
    },
  };
}
