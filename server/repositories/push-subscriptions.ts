// The devices people asked to be notified on, one row per push endpoint.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { pushSubscriptions, type PushSubscriptionRow, users } from '../../db/schema.js';

export type NewPushSubscription = Pick<
  PushSubscriptionRow,
  'id' | 'userId' | 'endpoint' | 'p256dh' | 'auth' | 'userAgent' | 'createdAt'
>;
/** A device, as far as addressing a notification to it goes. */
export interface Device {
  id: string;
  userId: string;
}

const device = { id: pushSubscriptions.id, userId: pushSubscriptions.userId };

export function createPushSubscriptionRepository(db: Db) {
  return {
    read: {
      async byId(id: string): Promise<PushSubscriptionRow | undefined> {
        return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id)).get();
      },

      async byEndpoint(endpoint: string): Promise<PushSubscriptionRow | undefined> {
        return db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)).get();
      },

      /** The subscription if it is the user's own. */
      async ownedBy(userId: string, id: string): Promise<PushSubscriptionRow | undefined> {
        return db
          .select()
          .from(pushSubscriptions)
          .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
          .get();
      },

      /** A user's subscriptions, the oldest first. */
      async listFor(userId: string): Promise<PushSubscriptionRow[]> {
        return db
          .select()
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(pushSubscriptions.createdAt)
          .all();
      },

      /** A user's devices past the `keep` subscribed most recently. */
      async beyondNewest(userId: string, keep: number): Promise<Device[]> {
        return db
          .select(device)
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
          .all()
          .slice(keep);
      },

      async devicesOf(userIds: string[]): Promise<Device[]> {
        if (userIds.length === 0) return [];
        return db.select(device).from(pushSubscriptions).where(inArray(pushSubscriptions.userId, userIds)).all();
      },

      /** Every device of an active manager or admin (the desk's alerts). */
      async managerDevices(): Promise<Device[]> {
        return db
          .select(device)
          .from(pushSubscriptions)
          .innerJoin(users, eq(users.id, pushSubscriptions.userId))
          .where(and(eq(users.active, true), inArray(users.role, ['manager', 'admin'])))
          .all();
      },
    },
    write: {
      async insert(row: NewPushSubscription): Promise<PushSubscriptionRow> {
        return db.insert(pushSubscriptions).values(row).returning().get();
      },

      /** A known endpoint subscribed again (maybe by someone else, maybe with new keys): its failures start over. */
      async resubscribe(
        id: string,
        values: Pick<PushSubscriptionRow, 'userId' | 'p256dh' | 'auth' | 'userAgent'>,
      ): Promise<PushSubscriptionRow | undefined> {
        return db
          .update(pushSubscriptions)
          .set({ ...values, failures: 0 })
          .where(eq(pushSubscriptions.id, id))
          .returning()
          .get();
      },

      async delete(id: string): Promise<void> {
        db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id)).run();
      },

      async recordSuccess(id: string, now: number): Promise<void> {
        db.update(pushSubscriptions).set({ lastSuccessAt: now, failures: 0 }).where(eq(pushSubscriptions.id, id)).run();
      },

      async recordFailure(id: string, now: number): Promise<void> {
        db.update(pushSubscriptions)
          .set({ lastFailureAt: now, failures: sql`${pushSubscriptions.failures} + 1` })
          .where(eq(pushSubscriptions.id, id))
          .run();
      },
    },
  };
}
