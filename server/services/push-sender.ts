// Sends the queued notifications (notification_deliveries), off the request path and a bounded number at a time.
// A push service that answers 5xx or 429, or not at all, is retried later (its Retry-After honoured); 404/410 means
// the browser unsubscribed, so the subscription goes; any other 4xx will not get better by retrying. A row is marked
// 'sending' before its request, so a crash leaves it to be sent again at start (a push may then arrive twice, and
// the second replaces the first through its topic), and a row once 'sent' is never sent again. One device gets one
// row at a time, so a message never overtakes an earlier one (a withdrawal its offer).
import { exponentialBackoff } from './outbox.js';
import type { FastifyBaseLogger } from 'fastify';
import webpush from 'web-push';
import type { NotificationDeliveryRow } from '../../db/schema.js';
import type { Clock } from '../domain/clock.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { VapidKeys } from './push-keys.js';
import type { PushSubscriptionService } from './push-subscriptions.js';
import { createSendThread } from './push-send.js';
import { AddressRefused, type PushTransport, type TransportOptions } from './push-transport.js';

interface Deps {
  data: Pick<ReadRepositories, 'pushSubscriptions'>;
  uow: UnitOfWork;
  clock: Clock;
  /** The keys, loaded (or made) when the first push needs them. */
  vapid: () => Promise<VapidKeys>;
  transport: PushTransport;
  log: FastifyBaseLogger;
  /** Send on a thread of its own with a transport built from these (the event loop keeps serving requests). */
  thread?: TransportOptions;
  subscriptions: Pick<PushSubscriptionService, 'forget'>;
  webhookUrl: () => string | null;
  /** timeoutMs: the deadline of one request, start to end; stopWaitMs: how long stop() waits for those in flight. */
  concurrency?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  stopWaitMs?: number;
}

const RETENTION_MS = 7 * 24 * 3600_000;
/**
 * A VAPID JWT is signed per push service origin and reused: signing is most of what a push costs in CPU
 * (docs/architecture.md#why-some-rules-are-so).
 */
const VAPID_JWT_S = 12 * 3600;
const EXPIRED = 'expired before it could be sent';
const MAX_BACKOFF_MS = 15 * 60_000;
/** After a failed database write (SQLITE_BUSY while another process holds the lock), the next try. */
const WRITE_RETRY_MS = 1000;

type Outcome =
  | { result: 'sent' }
  | { result: 'retry'; error: string; afterMs?: number }
  | { result: 'failed'; error: string }
  | { result: 'gone'; error: string };

/** Retry-After is seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function byStatus(status: number, headers: Record<string, string | string[] | undefined>, now: number): Outcome {
  if (status >= 200 && status < 300) return { result: 'sent' };
  if (status === 404 || status === 410)
    return { result: 'gone', error: `${status} from the push service: the subscription has ended` };
  if (status === 429 || status >= 500)
    return { result: 'retry', error: `${status}`, afterMs: retryAfterMs(headers['retry-after'], now) };
  return { result: 'failed', error: `${status}` };
}

export function createPushSender({
  data,
  uow,
  clock,
  vapid,
  transport,
  log,
  subscriptions,
  webhookUrl,
  thread,
  concurrency = 64,
  timeoutMs = 15_000,
  maxAttempts = 8,
  stopWaitMs = 3000,
}: Deps) {
  const sendThread = createSendThread(thread, transport, log);
  let inFlight = 0;
  let scheduled = false;
  /** A pump is reading what is due: another waits for it, so two cannot fill the same free slots. */
  let pumping = false;
  let pumpAgain = false;
  let stopped = false;
  /** Set when stop() stopped waiting: later outcomes are not written, and their rows stay 'sending' for recover(). */
  let abandoned = false;
  let lastPrune = -Infinity;
  const waiting: (() => void)[] = [];
  const vapidJwts = new Map<string, { authorization: string; until: number }>();

  async function authorizationFor(endpoint: string): Promise<string> {
    const audience = new URL(endpoint).origin;
    // The push service checks `exp` against its own clock, so this is real time, not the app's clock.
    const now = Date.now();
    const cached = vapidJwts.get(audience);
    if (cached && cached.until > now) return cached.authorization;
    const keys = await vapid();
    const expiration = Math.floor(now / 1000) + VAPID_JWT_S;
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      keys.subject,
      keys.publicKey,
      keys.privateKey,
      'aes128gcm',
      expiration,
    );
    vapidJwts.set(audience, { authorization: Authorization, until: now + (VAPID_JWT_S - 3600) * 1000 });
    return Authorization;
  }

  /** Due rows, at most one per device and none for a device with a row in flight: pushes to one device are unordered. */
  function take(limit: number): Promise<NotificationDeliveryRow[]> {
    return uow.run((unit) => unit.notifications.takeDue(clock.now(), limit));
  }

  async function push(row: NotificationDeliveryRow, now: number): Promise<Outcome> {
    const subscription = row.subscriptionId ? await data.pushSubscriptions.byId(row.subscriptionId) : undefined;
    if (!subscription) return { result: 'gone', error: 'the subscription no longer exists' };
    const refused = transport.checkForm(subscription.endpoint, 'push');
    if (refused) return { result: 'failed', error: `endpoint refused: ${refused}` };
    const ttl = Math.max(0, Math.floor(row.ttlSeconds - (now - row.createdAt) / 1000));
    const result = await sendThread.send({
      endpoint: subscription.endpoint,
      keys: { p256dh: subscription.p256dh, auth: subscription.auth },
      payload: JSON.stringify(row.payload),
      authorization: await authorizationFor(subscription.endpoint),
      ttl,
      urgency: row.urgency,
      topic: row.topic,
      timeoutMs,
    });
    if (result.status !== null) return byStatus(result.status, { 'retry-after': result.retryAfter }, now);
    return result.refused
      ? { result: 'failed', error: result.error ?? 'refused' }
      : { result: 'retry', error: result.error ?? 'network error' };
  }

  async function chat(row: NotificationDeliveryRow, now: number): Promise<Outcome> {
    const url = webhookUrl();
    if (!url) return { result: 'gone', error: 'no chat webhook is configured' };
    try {
      const status = await transport.postJson(url, row.payload, timeoutMs);
      return byStatus(status === 404 || status === 410 ? 400 : status, {}, now);
    } catch (error) {
      return error instanceof AddressRefused
        ? { result: 'failed', error: error.message }
        : { result: 'retry', error: (error as Error).message };
    }
  }

  // Outcomes of one turn are written in one transaction, then the freed slots are filled.
  let settled: { row: NotificationDeliveryRow; outcome: Outcome; at: number }[] = [];

  // Runs from setImmediate: a rejection there would end the process, and outcomes not written would hold their slots
  // for ever.
  async function writeSettled(): Promise<void> {
    const done = settled;
    settled = [];
    if (abandoned) return;
    let gone: { id: string; userId: string; error: string }[];
    try {
      gone = await uow.run(async (unit) => {
        const ended: { id: string; userId: string; error: string }[] = [];
        for (const { row, outcome, at } of done) {
          const subscription = await record(unit, row, outcome, at);
          if (subscription) ended.push(subscription);
        }
        return ended;
      });
    } catch (error) {
      log.error({ err: error, outcomes: done.length }, 'push outcomes not written; trying again');
      settled = [...done, ...settled];
      setTimeout(() => void writeSettled(), WRITE_RETRY_MS);
      return;
    }
    for (const { id, userId, error } of gone) {
      try {
        await subscriptions.forget({ id, userId }, error);
      } catch (failure) {
        // The subscription stays; its next push gets the same answer and tries again.
        log.error({ err: failure, subscriptionId: id }, 'an ended push subscription could not be removed');
      }
    }
    inFlight -= done.length;
    pump();
  }

  function settle(row: NotificationDeliveryRow, outcome: Outcome | 'expired') {
    if (settled.length === 0 && !abandoned) setImmediate(() => void writeSettled());
    settled.push({
      row,
      outcome: outcome === 'expired' ? { result: 'failed', error: EXPIRED } : outcome,
      at: clock.now(),
    });
  }

  /** Writes one outcome; returns the subscription to forget when the push service says it has ended. */
  async function record(
    unit: Unit,
    row: NotificationDeliveryRow,
    outcome: Outcome,
    now: number,
  ): Promise<{ id: string; userId: string; error: string } | undefined> {
    const deliveries = unit.notifications;
    if (outcome.result === 'sent') {
      await deliveries.markSent(row.id, now);
      if (row.subscriptionId) await unit.pushSubscriptions.recordSuccess(row.subscriptionId, now);
      return;
    }
    if (outcome.error === EXPIRED) {
      await deliveries.markDropped(row.id, EXPIRED);
      return;
    }
    if (row.subscriptionId) await unit.pushSubscriptions.recordFailure(row.subscriptionId, now);
    if (outcome.result === 'gone') {
      await deliveries.markDropped(row.id, outcome.error);
      const subscription = row.subscriptionId ? await unit.pushSubscriptions.byId(row.subscriptionId) : undefined;
      return subscription ? { id: subscription.id, userId: subscription.userId, error: outcome.error } : undefined;
    }
    const expiresAt = row.createdAt + row.ttlSeconds * 1000;
    const backoff = exponentialBackoff(row.attempts, 2_000, MAX_BACKOFF_MS);
    const next = now + Math.max(backoff, outcome.result === 'retry' ? (outcome.afterMs ?? 0) : 0);
    if (outcome.result === 'failed' || row.attempts >= maxAttempts || next >= expiresAt) {
      await deliveries.markFailed(row.id, outcome.error);
      log.warn(
        { deliveryId: row.id, kind: row.kind, error: outcome.error, attempts: row.attempts },
        'notification not delivered',
      );
      return;
    }
    // A newer message on the same topic, written while this one was in flight, replaces it (it was not superseded
    // then).
    if (await deliveries.newerPending(row)) await deliveries.markDropped(row.id, 'replaced by a newer message');
    else await deliveries.retryAt(row.id, next, outcome.error);
    return undefined;
  }

  function start(row: NotificationDeliveryRow) {
    const now = clock.now();
    if (row.createdAt + row.ttlSeconds * 1000 <= now) return settle(row, 'expired');
    void (row.kind === 'push' ? push(row, now) : chat(row, now)).then(
      (outcome) => settle(row, outcome),
      (error: unknown) => settle(row, { result: 'retry', error: (error as Error).message }),
    );
  }

  // Runs from setImmediate too: a failed read of what is due is tried again shortly.
  function pump() {
    scheduled = false;
    if (stopped) return;
    if (pumping) {
      pumpAgain = true;
      return;
    }
    pumping = true;
    void fill().finally(() => {
      pumping = false;
      if (pumpAgain) {
        pumpAgain = false;
        wake();
      }
    });
  }

  /** Fills the free slots with due rows. */
  async function fill(): Promise<void> {
    const free = concurrency - inFlight;
    let rows: NotificationDeliveryRow[];
    try {
      rows = free > 0 ? await take(free) : [];
    } catch (error) {
      log.error({ err: error }, 'due notifications could not be read; trying again');
      scheduled = true;
      setTimeout(pump, WRITE_RETRY_MS);
      return;
    }
    inFlight += rows.length;
    for (const row of rows) start(row);
    if (inFlight === 0 && rows.length === 0) for (const resolve of waiting.splice(0)) resolve();
  }

  function wake() {
    if (scheduled || stopped) return;
    scheduled = true;
    setImmediate(pump);
  }

  return {
    wake,
    /** Resolves once nothing due is left and nothing is in flight (tests; retries due later stay pending). */
    drain(): Promise<void> {
      return new Promise((resolve) => {
        waiting.push(resolve);
        wake();
      });
    },
    /** At start, before the first wake: rows a crash left 'sending' go out again. */
    recover(): Promise<number> {
      return uow.run((unit) => unit.notifications.requeueSending(clock.now()));
    },
    /** The timer's work: send what became due, and now and then forget what was settled long ago. */
    async tick(): Promise<void> {
      const now = clock.now();
      if (now - lastPrune > 3600_000) {
        lastPrune = now;
        await uow.run((unit) => unit.notifications.pruneSettled(now - RETENTION_MS));
      }
      wake();
    },
    /** Waits up to stopWaitMs for pushes in flight; those still out then are sent again at the next start. */
    async stop() {
      stopped = true;
      const until = Date.now() + stopWaitMs;
      while (inFlight > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
      if (inFlight > 0) log.warn({ inFlight }, 'pushes still in flight at shutdown are sent again at the next start');
      abandoned = true;
      for (const resolve of waiting.splice(0)) resolve();
      await sendThread.stop();
      transport.close();
    },
    stats: () => ({ inFlight, sendingFrom: sendThread.where() }),
  };
}
export type PushSender = ReturnType<typeof createPushSender>;
