// The devices each user asked to be notified on. A subscription is identified by its endpoint (a browser gives the
// same one until it unsubscribes), so subscribing again is idempotent and a device that changes hands goes with
// whoever subscribed it last. Adding or losing a device changes whether an expert is reachable with no tab open.
import { iso, isoOrNull } from './presenters.js';
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notificationDeliveries, pushSubscriptions, type PushSubscriptionRow } from '../../db/schema.js';
import type { PushSubscriptionBody, PushSubscriptionInfo } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { invalid, notFound } from '../errors.js';
import type { PushTransport } from './push-transport.js';

interface Deps {
  db: Db;
  clock: Clock;
  transport: Pick<PushTransport, 'verify'>;
  /** Told when a user's set of devices changes (routing's reachability). */
  onChange: (userId: string) => void;
}

/** Devices kept per user: one more replaces the one subscribed longest ago (each device costs a push per message). */
export const MAX_DEVICES_PER_USER = 10;

export function createPushSubscriptionService({ db, clock, transport, onChange }: Deps) {
  function info(row: PushSubscriptionRow): PushSubscriptionInfo {
    return {
      id: row.id,
      createdAt: iso(row.createdAt),
      userAgent: row.userAgent,
      lastSuccessAt: isoOrNull(row.lastSuccessAt),
    };
  }

  /** Drops a subscription and whatever was still waiting to go to it. */
  function forget(row: Pick<PushSubscriptionRow, 'id' | 'userId'>, reason: string) {
    db.transaction(() => {
      db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, row.id)).run();
      db.update(notificationDeliveries)
        .set({ state: 'dropped', lastError: reason })
        .where(and(eq(notificationDeliveries.subscriptionId, row.id), eq(notificationDeliveries.state, 'pending')))
        .run();
    });
    onChange(row.userId);
  }

  return {
    /** Returns the subscription and whether it is new (201) or the endpoint was already known (200). */
    async subscribe(
      userId: string,
      body: PushSubscriptionBody,
      userAgent: string | null,
    ): Promise<{ created: boolean; subscription: PushSubscriptionInfo }> {
      const refused = await transport.verify(body.endpoint, 'push');
      if (refused) throw invalid('endpoint_not_allowed', `This push endpoint is not accepted: ${refused}`);
      const now = clock.now();
      const agent = userAgent?.slice(0, 300) ?? null;
      const { row, created, previousOwner } = db.transaction(() => {
        const existing = db.select().from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, body.endpoint)).get();
        if (existing) {
          const updated = db
            .update(pushSubscriptions)
            .set({
              userId,
              p256dh: body.keys.p256dh,
              auth: body.keys.auth,
              userAgent: agent ?? existing.userAgent,
              failures: 0,
            })
            .where(eq(pushSubscriptions.id, existing.id))
            .returning()
            .get()!;
          return { row: updated, created: false, previousOwner: existing.userId === userId ? null : existing.userId };
        }
        const inserted = db
          .insert(pushSubscriptions)
          .values({
            id: newId(now),
            userId,
            endpoint: body.endpoint,
            p256dh: body.keys.p256dh,
            auth: body.keys.auth,
            userAgent: agent,
            createdAt: now,
          })
          .returning()
          .get();
        const surplus = db
          .select({ id: pushSubscriptions.id })
          .from(pushSubscriptions)
          .where(eq(pushSubscriptions.userId, userId))
          .orderBy(desc(pushSubscriptions.createdAt), desc(pushSubscriptions.id))
          .all()
          .slice(MAX_DEVICES_PER_USER);
        for (const { id } of surplus) forget({ id, userId }, 'replaced by a newer device');
        return { row: inserted, created: true, previousOwner: null };
      });
      if (previousOwner) onChange(previousOwner);
      onChange(userId);
      return { created, subscription: info(row) };
    },

    list(userId: string): PushSubscriptionInfo[] {
      return db
        .select()
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.userId, userId))
        .orderBy(pushSubscriptions.createdAt)
        .all()
        .map(info);
    },

    /** Own subscriptions only: someone else's answers 404, as an unknown one does. */
    remove(userId: string, id: string) {
      const row = db
        .select()
        .from(pushSubscriptions)
        .where(and(eq(pushSubscriptions.id, id), eq(pushSubscriptions.userId, userId)))
        .get();
      if (!row) throw notFound('Push subscription');
      forget(row, 'unsubscribed');
    },

    /**
     * Every device of a person, when what authorised them ends: a password changed (it may have leaked, and a stolen
     * phone would go on receiving customers' words), a temporary one set, the account deactivated.
     */
    forgetAll(userId: string, reason: string): number {
      const rows = db
        .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId })
        .from(pushSubscriptions)
        .where(eq(pushSubscriptions.userId, userId))
        .all();
      for (const row of rows) forget(row, reason);
      return rows.length;
    },

    forget,
  };
}
export type PushSubscriptionService = ReturnType<typeof createPushSubscriptionService>;
