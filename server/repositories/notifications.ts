// Notifications waiting to leave (notification_deliveries), one row per device or for the desk's chat webhook, and
// what the notifier reads of offers and replies to address them. Their states make delivery exactly-once over a
// crash: a row is 'sending' while its request is out, and only rows still 'pending' are ever taken.
import { and, eq, gt, gte, inArray, isNotNull, isNull, lte, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  notificationDeliveries,
  type NotificationDeliveryRow,
  offers,
  pushSubscriptions,
  replies,
} from '../../db/schema.js';

export type NewNotification = typeof notificationDeliveries.$inferInsert;

/** Rows per INSERT: SQLite caps the variables of one statement. */
const INSERT_CHUNK = 200;

export function createNotificationRepository(db: Db) {
  const set = (id: string, values: Partial<NotificationDeliveryRow>) =>
    db.update(notificationDeliveries).set(values).where(eq(notificationDeliveries.id, id)).run();

  return {
    read: {
      /** Who has been written a notification about which question since `since` (whatever became of it). */
      async addresseesSince(since: number): Promise<{ userId: string | null; questionId: string | null }[]> {
        // By the state index: every state is listed so SQLite reads it rather than the whole table.
        return db
          .select({ userId: notificationDeliveries.userId, questionId: notificationDeliveries.questionId })
          .from(notificationDeliveries)
          .where(
            and(
              inArray(notificationDeliveries.state, ['pending', 'sending', 'sent', 'failed', 'dropped']),
              gte(notificationDeliveries.nextAttemptAt, since),
            ),
          )
          .all();
      },

      /** Whether a newer message on the row's topic waits for the same device. */
      async newerPending(row: NotificationDeliveryRow): Promise<boolean> {
        if (!row.subscriptionId || !row.topic) return false;
        return !!db
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
          .get();
      },

      /** The reasons of the expert's standing claim on the question (an assignment says so). */
      async claimReasons(questionId: string, expertId: string): Promise<Record<string, number> | undefined> {
        return db
          .select({ reasons: offers.reasons })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.expertId, expertId), eq(offers.state, 'claimed')))
          .get()?.reasons;
      },

      /** Experts whose offer of the question ended before its time (the question was dismissed). */
      async offersCutShort(questionId: string, now: number): Promise<string[]> {
        return db
          .selectDistinct({ id: offers.expertId })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'expired'), gt(offers.expiresAt, now)))
          .all()
          .map((o) => o.id);
      },

      /** Open offers, not expired, to experts with at least one device. */
      async openOffersToDevices(
        now: number,
      ): Promise<{ questionId: string; expertId: string; expiresAt: number; createdAt: number }[]> {
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
          )
          .all();
      },

      /** Who reviewed a reply; null when it went out with no review. */
      async reviewerOf(replyId: string): Promise<string | null> {
        return (
          db.select({ reviewerId: replies.reviewerId }).from(replies).where(eq(replies.id, replyId)).get()
            ?.reviewerId ?? null
        );
      },
    },
    write: {
      async insert(rows: NewNotification[]): Promise<void> {
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          db.insert(notificationDeliveries)
            .values(rows.slice(i, i + INSERT_CHUNK))
            .run();
      },

      /** A newer message about the same topic replaces one still waiting for the device (as the push service would). */
      async supersede(subscriptionId: string, topic: string): Promise<void> {
        db.update(notificationDeliveries)
          .set({ state: 'dropped', lastError: 'replaced by a newer message' })
          .where(
            and(
              eq(notificationDeliveries.state, 'pending'),
              eq(notificationDeliveries.subscriptionId, subscriptionId),
              eq(notificationDeliveries.topic, topic),
            ),
          )
          .run();
      },

      /** What still waits for a device that is gone. */
      async dropPendingFor(subscriptionId: string, reason: string): Promise<void> {
        db.update(notificationDeliveries)
          .set({ state: 'dropped', lastError: reason })
          .where(
            and(eq(notificationDeliveries.subscriptionId, subscriptionId), eq(notificationDeliveries.state, 'pending')),
          )
          .run();
      },

      /**
       * Takes up to `limit` due rows and marks them 'sending' (one more attempt): at most one per device, and none for
       * a device with a row already out, so pushes to one device leave in order.
       */
      async takeDue(now: number, limit: number): Promise<NotificationDeliveryRow[]> {
        const busy = db
          .select({ id: notificationDeliveries.subscriptionId })
          .from(notificationDeliveries)
          .where(and(eq(notificationDeliveries.state, 'sending'), isNotNull(notificationDeliveries.subscriptionId)));
        const due = db
          .select({ id: notificationDeliveries.id, subscriptionId: notificationDeliveries.subscriptionId })
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
          .all();
        const devices = new Set<string>();
        const first = due.filter(
          ({ subscriptionId }) =>
            subscriptionId === null || (!devices.has(subscriptionId) && devices.add(subscriptionId)),
        );
        if (first.length === 0) return [];
        return db
          .update(notificationDeliveries)
          .set({ state: 'sending', attempts: sql`${notificationDeliveries.attempts} + 1` })
          .where(
            inArray(
              notificationDeliveries.id,
              first.map((d) => d.id),
            ),
          )
          .returning()
          .all();
      },

      async markSent(id: string, now: number): Promise<void> {
        set(id, { state: 'sent', sentAt: now, lastError: null });
      },

      /** Given up on without sending: the device is gone, the message expired or a newer one replaced it. */
      async markDropped(id: string, reason: string): Promise<void> {
        set(id, { state: 'dropped', lastError: reason });
      },

      async markFailed(id: string, error: string): Promise<void> {
        set(id, { state: 'failed', lastError: error });
      },

      async retryAt(id: string, at: number, error: string): Promise<void> {
        set(id, { state: 'pending', nextAttemptAt: at, lastError: error });
      },

      /**
       * At start: rows a crash left 'sending' wait to go again. Returns how many. (One SQLite node: any row still
       * 'sending' at start was abandoned, whenever it was taken; `now` matters where other nodes send too.)
       */
      async requeueSending(_now: number): Promise<number> {
        return db
          .update(notificationDeliveries)
          .set({ state: 'pending' })
          .where(eq(notificationDeliveries.state, 'sending'))
          .run().changes;
      },

      /** Forgets rows settled (sent, dropped, failed) before `before`. */
      async pruneSettled(before: number): Promise<void> {
        db.delete(notificationDeliveries)
          .where(
            and(
              inArray(notificationDeliveries.state, ['sent', 'dropped', 'failed']),
              lte(notificationDeliveries.nextAttemptAt, before),
            ),
          )
          .run();
      },
    },
  };
}
