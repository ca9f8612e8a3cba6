// The outbox on PostgreSQL: the same reads and writes as ../outbox.ts, over db/pg/schema.ts.
import { and, count, eq, inArray, lte, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { outbox } from '../../../db/pg/schema.js';
import type { createOutboxRepository as sqliteOutbox } from '../outbox.js';

/** Longer than any channel's post may take, timeouts and retries included (SENDING_LEASE_S). */
export const SENDING_LEASE_MS = 120_000;

export function createOutboxRepository(
  db: PgDb,
  { sendingLeaseMs = SENDING_LEASE_MS }: { sendingLeaseMs?: number } = {},
): ReturnType<typeof sqliteOutbox> {
  return {
    read: {
      async failedFor(questionId: string) {
        const [row] = await db
          .select()
          .from(outbox)
          .where(and(eq(outbox.questionId, questionId), eq(outbox.state, 'failed')))
          .limit(1);
        return row;
      },

      async countsByState() {
        const rows = await db
          .select({ state: outbox.state, n: count() })
          .from(outbox)
          .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
          .groupBy(outbox.state);
        return Object.fromEntries(rows.map((r) => [r.state, r.n]));
      },
    },
    write: {
      async insert(item: typeof outbox.$inferInsert) {
        await db.insert(outbox).values(item);
      },

      // Several nodes take from one outbox at once: the due items are locked as they are chosen and those another
      // node holds are skipped, so no reply is posted twice. The due ids are read once, as an array: as the inner side
      // of an `id IN (…)` semi-join the locking query may be run again for each row, and each run, no longer seeing
      // the rows this statement has just updated, hands out the next ones, taking more than `limit`. RETURNING has no
      // order: the rows are put back in the order they were due, as on SQLite (ties in creation order, which the ids
      // follow as SQLite's rowids do).
      async take(now: number, limit: number) {
        const due = db
          .select({ id: outbox.id })
          .from(outbox)
          .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, now)))
          .orderBy(outbox.nextAttemptAt, outbox.id)
          .limit(limit)
          .for('update', { skipLocked: true });
        const taken = await db
          .update(outbox)
          .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1`, updatedAt: now })
          .where(and(sql`${outbox.id} = any(array(${due}))`, eq(outbox.state, 'pending')))
          .returning();
        return taken.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },

      async requeueSending(now: number) {
        // Other nodes share this outbox: an item another node is posting right now is theirs. It is abandoned only
        // once it has been sending for longer than any post may take (its node died mid-post); its next attempt
        // checks the channel first, so a post that did go out is not made twice.
        const result = await db
          .update(outbox)
          .set({ state: 'pending', nextAttemptAt: now, updatedAt: now })
          .where(and(eq(outbox.state, 'sending'), lte(outbox.updatedAt, now - sendingLeaseMs)));
        return result.rowCount ?? 0;
      },

      async markSent(id: string, externalId: string | null, now: number) {
        await db
          .update(outbox)
          .set({ state: 'sent', externalId, lastError: null, updatedAt: now })
          .where(eq(outbox.id, id));
      },

      async markFailed(id: string, reason: string, now: number) {
        await db.update(outbox).set({ state: 'failed', lastError: reason, updatedAt: now }).where(eq(outbox.id, id));
      },

      async retryAt(id: string, retry: { reason: string; at: number; attempts: number; now: number }) {
        await db
          .update(outbox)
          .set({
            state: 'pending',
            lastError: retry.reason,
            nextAttemptAt: retry.at,
            attempts: retry.attempts,
            updatedAt: retry.now,
          })
          .where(eq(outbox.id, id));
      },

      async requeue(id: string, now: number) {
        await db
          .update(outbox)
          .set({ state: 'pending', nextAttemptAt: now, lastError: null, updatedAt: now })
          .where(eq(outbox.id, id));
      },
    },
  };
}
