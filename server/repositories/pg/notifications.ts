// Notifications waiting to leave on PostgreSQL: the same reads and writes as ../notifications.ts, over db/pg/schema.ts.
import { and, eq, gt, gte, inArray, isNotNull, isNull, lte, ne, notExists, notInArray, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { PgDb } from '../../../db/pg/client.js';
import {
  notificationDeliveries,
  type NotificationDeliveryRow,
  offers,
  pushSubscriptions,
  replies,
} from '../../../db/pg/schema.js';
import type { NewNotification, createNotificationRepository as sqliteNotifications } from '../notifications.js';

/** Rows per INSERT: PostgreSQL takes at most 65535 parameters in one statement, and a row has 15 columns. */
const INSERT_CHUNK = 1000;

import { SENDING_LEASE_MS } from './outbox.js';

export function createNotificationRepository(
  db: PgDb,
  { sendingLeaseMs = SENDING_LEASE_MS }: { sendingLeaseMs?: number } = {},
): ReturnType<typeof sqliteNotifications> {
  const set = async (id: string, values: Partial<NotificationDeliveryRow>) => {
    await db.update(notificationDeliveries).set(values).where(eq(notificationDeliveries.id, id));
  };

  return {
    read: {
      async addresseesSince(since: number) {
        return db
          .select({ userId: notificationDeliveries.userId, questionId: notificationDeliveries.questionId })
          .from(notificationDeliveries)
          .where(
            and(
              inArray(notificationDeliveries.state, ['pending', 'sending', 'sent', 'failed', 'dropped']),
              gte(notificationDeliveries.nextAttemptAt, since),
            ),
          );
      },

      async newerPending(row: NotificationDeliveryRow) {
        if (!row.subscriptionId || !row.topic) return false;
        const [newer] = await db
          .select({ id: notificationDeliveries.id })
          .from(notificationDeliveries)
          .where(
            and(
              eq(notificationDeliveries.subscriptionId, row.subscriptionId),
              eq(notificationDeliveries.topic, row.topic),
              ne(notificationDeliveries.id, row.id),
              eq(notificationDeliveries.state, 'pending'),
              gt(notificationDeliveries.createdAt, row.createdAt),
            ),
          )
          .limit(1);
        return !!newer;
      },

      async claimReasons(questionId: string, expertId: string) {
        const [row] = await db
          .select({ reasons: offers.reasons })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.expertId, expertId), eq(offers.state, 'claimed')))
          .limit(1);
        return row?.reasons;
      },

      async offersCutShort(questionId: string, now: number) {
        const rows = await db
          .selectDistinct({ id: offers.expertId })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'expired'), gt(offers.expiresAt, now)));
        return rows.map((o) => o.id);
      },

      async openOffersToDevices(now: number) {
        return db
          .select({
            questionId: offers.questionId,
            expertId: offers.expertId,
            expiresAt: offers.expiresAt,
            createdAt: offers.createdAt,
          })
          .from(offers)
          .where(
            and(
              eq(offers.state, 'open'),
              gt(offers.expiresAt, now),
              sql`exists (select 1 from ${pushSubscriptions} where ${pushSubscriptions.userId} = ${offers.expertId})`,
            ),
          );
      },

      async reviewerOf(replyId: string) {
        const [row] = await db
          .select({ reviewerId: replies.reviewerId })
          .from(replies)
          .where(eq(replies.id, replyId))
          .limit(1);
        return row?.reviewerId ?? null;
      },
    },
    write: {
      async insert(rows: NewNotification[]) {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          await db.insert(notificationDeliveries).values(rows.slice(i, i + INSERT_CHUNK));
      },

      async supersede(subscriptionId: string, topic: string) {
        await db
          .update(notificationDeliveries)
          .set({ state: 'dropped', lastError: 'replaced by a newer message' })
          .where(
            and(
              eq(notificationDeliveries.state, 'pending'),
              eq(notificationDeliveries.subscriptionId, subscriptionId),
              eq(notificationDeliveries.topic, topic),
            ),
          );
      },

      async dropPendingFor(subscriptionId: string, reason: string) {
        await db
          .update(notificationDeliveries)
          .set({ state: 'dropped', lastError: reason })
          .where(
            and(eq(notificationDeliveries.subscriptionId, subscriptionId), eq(notificationDeliveries.state, 'pending')),
          );
      },

      // Several nodes take at once. The due rows are locked as they are chosen, and a row another node holds is passed
      // over (SKIP LOCKED), so no row is taken twice. Of those, a row goes if no pending row of its device comes before
      // it in the table (a row with no device has none: null matches nothing), which is the first row of each device
      // among those read, as ../notifications.ts picks them, and also keeps this node from taking a device's next row
      // while another node holds its first, not yet committed as 'sending'.
      async takeDue(now: number, limit: number) {
        const busy = db
          .select({ id: notificationDeliveries.subscriptionId })
          .from(notificationDeliveries)
          .where(and(eq(notificationDeliveries.state, 'sending'), isNotNull(notificationDeliveries.subscriptionId)));
        const due = db
          .select({
            id: notificationDeliveries.id,
            subscriptionId: notificationDeliveries.subscriptionId,
            nextAttemptAt: notificationDeliveries.nextAttemptAt,
          })
          .from(notificationDeliveries)
          .where(
            and(
              eq(notificationDeliveries.state, 'pending'),
              lte(notificationDeliveries.nextAttemptAt, now),
              or(
                isNull(notificationDeliveries.subscriptionId),
                notInArray(notificationDeliveries.subscriptionId, busy),
              ),
            ),
          )
          .orderBy(notificationDeliveries.nextAttemptAt, notificationDeliveries.id)
          .limit(limit)
          .for('update', { skipLocked: true })
          .as('due');
        const earlier = alias(notificationDeliveries, 'earlier');
        const behind = db
          .select({ id: earlier.id })
          .from(earlier)
          .where(
            and(
              eq(earlier.subscriptionId, due.subscriptionId),
              eq(earlier.state, 'pending'),
              lte(earlier.nextAttemptAt, now),
              sql`(${earlier.nextAttemptAt}, ${earlier.id}) < (${due.nextAttemptAt}, ${due.id})`,
            ),
          );
        const first = db.select({ id: due.id }).from(due).where(notExists(behind));
        const taken = await db
          .update(notificationDeliveries)
          // While it is out, next_attempt_at is when it counts as abandoned (see requeueSending).
          .set({
            state: 'sending',
            attempts: sql`${notificationDeliveries.attempts} + 1`,
            nextAttemptAt: now + sendingLeaseMs,
          })
          // any(array(…)) runs the choice once; in `id in (…)` PostgreSQL may join to it and run it again for every
          // row of the table, each run taking `limit` more rows.
          .where(sql`${notificationDeliveries.id} = any(array(${first}))`)
          .returning();
        // In the order they fell due: RETURNING has none.
        return taken.sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      },

      async markSent(id: string, now: number) {
        await set(id, { state: 'sent', sentAt: now, lastError: null });
      },

      async markDropped(id: string, reason: string) {
        await set(id, { state: 'dropped', lastError: reason });
      },

      async markFailed(id: string, error: string) {
        await set(id, { state: 'failed', lastError: error });
      },

      async retryAt(id: string, at: number, error: string) {
        await set(id, { state: 'pending', nextAttemptAt: at, lastError: error });
      },

      async requeueSending(now: number) {
        // Other nodes send too: a push another node has out is theirs until its lease ends (its node died).
        const result = await db
          .update(notificationDeliveries)
          .set({ state: 'pending', nextAttemptAt: now })
          .where(and(eq(notificationDeliveries.state, 'sending'), lte(notificationDeliveries.nextAttemptAt, now)));
        return result.rowCount ?? 0;
      },

      async pruneSettled(before: number) {
        await db
          .delete(notificationDeliveries)
          .where(
            and(
              inArray(notificationDeliveries.state, ['sent', 'dropped', 'failed']),
              lte(notificationDeliveries.nextAttemptAt, before),
            ),
          );
      },
    },
  };
}
