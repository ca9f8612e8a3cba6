// Push subscriptions on PostgreSQL: the same reads and writes as ../push-subscriptions.ts, over db/pg/schema.ts.
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
import { pushSubscriptions, type PushSubscriptionRow, users } from '../../../db/pg/schema.js';
import type {
  NewPushSubscription,
  createPushSubscriptionRepository as sqlitePushSubscriptions,
} from '../push-subscriptions.js';

const device = { id: pushSubscriptions.id, userId: pushSubscriptions.userId };

export function createPushSubscriptionRepository(db: PgDb): ReturnType<typeof sqlitePushSubscriptions> {
  // Asked on every offer: prepared once, the users as one array.
  const devicesOf = prepared(db, 'push_subscriptions_devices_of', (b) =>
    b
      .select(device)
      .from(pushSubscriptions)
      .where(sql`${pushSubscriptions.userId} = any(${sql.placeholder('userIds')})`),
  );
  return {
    read: {
      async byId(id: string) {
        const [row] = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.id, id)).limit(1);
        return row;
      },

      async byEndpoint(endpoint: string) {
        const [row] = await db
          .select()
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.endpoint, endpoint))
          .limit(1);
        return row;
      },

      async ownedBy(userId: string, id: string) {
        const [row] = await db
          .select()
          .from(pushSubscriptions)
          .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
          .limit(1);
        return row;
      },

      async listFor(userId: string) {
        return db
          .select()
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(pushSubscriptions.createdAt);
      },

      async beyondNewest(userId: string, keep: number) {
        return db
          .select(device)
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
          .offset(keep);
      },

      async devicesOf(userIds: string[]) {
        if (userIds.length === 0) return [];
        return devicesOf.execute({ userIds });
      },

      async managerDevices() {
        return db
          .select(device)
          .from(pushSubscriptions)
          .innerJoin(users, eq(users.id, pushSubscriptions.userId))
          .where(and(eq(users.active, true), inArray(users.role, ['manager', 'admin'])));
      },
    },
    write: {
      async insert(row: NewPushSubscription) {
        const [inserted] = await db.insert(pushSubscriptions).values(row).returning();
        if (!inserted) throw new Error('the push subscription insert returned no row');
        return inserted;
      },

      async resubscribe(id: string, values: Pick<PushSubscriptionRow, 'userId' | 'p256dh' | 'auth' | 'userAgent'>) {
        const [row] = await db
          .update(pushSubscriptions)
          .set({ ...values, failures: 0 })
          .where(eq(pushSubscriptions.id, id))
          .returning();
        return row;
      },

      async delete(id: string) {
        await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
      },

      async recordSuccess(id: string, now: number) {
        await db.update(pushSubscriptions).set({ lastSuccessAt: now, failures: 0 }).where(eq(pushSubscriptions.id, id));
      },

      async recordFailure(id: string, now: number) {
        await db
          .update(pushSubscriptions)
          .set({ lastFailureAt: now, failures: sql`${pushSubscriptions.failures} + 1` })
          .where(eq(pushSubscriptions.id, id));
      },
    },
  };
}
