// The devices each user asked to be notified on. A subscription is identified by its endpoint (a browser gives the
// same one until it unsubscribes), so subscribing again is idempotent and a device that changes hands goes with
// whoever subscribed it last. Adding or losing a device changes whether an expert is reachable with no tab open.
import { iso, isoOrNull } from './presenters.js';
import type { PushSubscriptionRow } from '../../db/schema.js';
import type { PushSubscriptionBody, PushSubscriptionInfo } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { invalid, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { PushTransport } from './push-transport.js';

interface Deps {
  data: Pick<ReadRepositories, 'pushSubscriptions'>;
  uow: UnitOfWork;
  clock: Clock;
  transport: Pick<PushTransport, 'verify'>;
  /** Told when a user's set of devices changes (routing's reachability). */
  onChange: (userId: string) => void;
}

/** Devices kept per user: one more replaces the one subscribed longest ago (each device costs a push per message). */
export const MAX_DEVICES_PER_USER = 10;

type Device = Pick<PushSubscriptionRow, 'id' | 'userId'>;

/** Drops a subscription and whatever was still waiting to go to it, in the caller's unit. */
async function drop(unit: Unit, device: Device, reason: string) {
  await unit.pushSubscriptions.delete(device.id);
  await unit.notifications.dropPendingFor(device.id, reason);
}

export function createPushSubscriptionService({ data, uow, clock, transport, onChange }: Deps) {
  function info(row: PushSubscriptionRow): PushSubscriptionInfo {
    return {
      id: row.id,
      createdAt: iso(row.createdAt),
      userAgent: row.userAgent,
      lastSuccessAt: isoOrNull(row.lastSuccessAt),
    };
  }

  /** Drops a subscription and whatever was still waiting to go to it. */
  async function forget(device: Device, reason: string): Promise<void> {
    await uow.run((unit) => drop(unit, device, reason));
    onChange(device.userId);
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
      const agent = userAgent?.slice(0, 300) ?? null;
      // Whether the endpoint is known decides between an update and an insert: both in one unit, so two devices'
      // requests (or one device's repeated one) cannot both insert it.
      const { row, created, previousOwner } = await uow.run(async (unit) => {
        const now = clock.now();
        const existing = await unit.pushSubscriptions.byEndpoint(body.endpoint);
        if (existing) {
          const updated = await unit.pushSubscriptions.resubscribe(existing.id, {
            userId,
            p256dh: body.keys.p256dh,
            auth: body.keys.auth,
            userAgent: agent ?? existing.userAgent,
          });
          if (!updated) throw new Error('a push subscription vanished inside its unit');
          return { row: updated, created: false, previousOwner: existing.userId === userId ? null : existing.userId };
        }
        const inserted = await unit.pushSubscriptions.insert({
          id: newId(now),
          userId,
          endpoint: body.endpoint,
          p256dh: body.keys.p256dh,
          auth: body.keys.auth,
          userAgent: agent,
          createdAt: now,
        });
        for (const surplus of await unit.pushSubscriptions.beyondNewest(userId, MAX_DEVICES_PER_USER))
          await drop(unit, surplus, 'replaced by a newer device');
        return { row: inserted, created: true, previousOwner: null };
      });
      if (previousOwner) onChange(previousOwner);
      onChange(userId);
      return { created, subscription: info(row) };
    },

    async list(userId: string): Promise<PushSubscriptionInfo[]> {
      return (await data.pushSubscriptions.listFor(userId)).map(info);
    },

    /** Own subscriptions only: someone else's answers 404, as an unknown one does. */
    async remove(userId: string, id: string): Promise<void> {
      const removed = await uow.run(async (unit) => {
        const row = await unit.pushSubscriptions.ownedBy(userId, id);
        if (row) await drop(unit, row, 'unsubscribed');
        return row;
      });
      if (!removed) throw notFound('Push subscription');
      onChange(userId);
    },

    /**
     * Every device of a person, when what authorised them ends: a password changed (it may have leaked, and a stolen
     * phone would go on receiving customers' words), a temporary one set, the account deactivated.
     */
    async forgetAll(userId: string, reason: string): Promise<number> {
      const dropped = await uow.run(async (unit) => {
        const devices = await unit.pushSubscriptions.beyondNewest(userId, 0);
        for (const device of devices) await drop(unit, device, reason);
        return devices.length;
      });
      if (dropped > 0) onChange(userId);
      return dropped;
    },

    forget,
  };
}
export type PushSubscriptionService = ReturnType<typeof createPushSubscriptionService>;
