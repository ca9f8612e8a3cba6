// Decides who hears of what by push and on the desk's chat webhook, from the realtime events the hub publishes after
// each commit. Events are gathered for one turn of the event loop and written as delivery rows (one per device) in
// one short transaction, then the sender is woken: the request that caused them never waits on a push service.
// A crash between a commit and this write loses no offer: reconcile() at start queues open offers that have none.
// SLA alerts come from the SLA watch (sla-watch.ts) through announce().
import { and, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notificationDeliveries, offers, pushSubscriptions, questions, replies, users } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';
import type { ClientEventMap, ClientEventType } from '../contracts/events.js';
import type { AlertEvent } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { RealtimeHub } from '../services/realtime-hub.js';
import type { Presenters } from '../services/presenters.js';
import {
  alertMessage,
  assignedMessage,
  chatMessage,
  mentionMessage,
  offerMessage,
  reviewMessage,
  withdrawnMessage,
  type OutgoingMessage,
} from './push-messages.js';

interface Deps {
  db: Db;
  clock: Clock;
  hub: RealtimeHub;
  presenters: Presenters;
  webhook: () => { url: string | null; events: readonly AlertEvent[] };
  wake: () => void;
  config: { waveMs: number };
  log?: { warn(details: object, message: string): void };
}

type Pending =
  | { to: 'users'; userIds: string[]; message: OutgoingMessage; questionId: string }
  | { to: 'managers'; event: AlertEvent; message: OutgoingMessage; questionId: string }
  | { to: 'claimed'; question: QuestionSummary; expertId: string; expertName: string; ended: string[] }
  | { to: 'dismissed'; question: QuestionSummary };
type Addressed = Exclude<Pending, { to: 'claimed' | 'dismissed' }>;

export function createNotifier({ db, clock, hub, presenters, webhook, wake, config, log }: Deps) {
  let queue: Pending[] = [];
  let scheduled = false;

  const insert = (rows: (typeof notificationDeliveries.$inferInsert)[]) => {
    for (let i = 0; i < rows.length; i += 200)
      db.insert(notificationDeliveries)
        .values(rows.slice(i, i + 200))
        .run();
  };

  function devicesOf(userIds: string[]) {
    if (userIds.length === 0) return [];
    return db
      .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId })
      .from(pushSubscriptions)
      .where(inArray(pushSubscriptions.userId, userIds))
      .all();
  }

  function managerDevices() {
    return db
      .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId })
      .from(pushSubscriptions)
      .innerJoin(users, eq(users.id, pushSubscriptions.userId))
      .where(and(eq(users.active, true), inArray(users.role, ['manager', 'admin'])))
      .all();
  }

  function rowsFor(
    devices: { id: string; userId: string }[],
    message: OutgoingMessage,
    questionId: string | null,
    now: number,
  ) {
    return devices.map((device) => ({
      id: newId(now),
      kind: 'push' as const,
      subscriptionId: device.id,
      userId: device.userId,
      questionId,
      topic: message.topic,
      payload: { ...message.payload },
      urgency: message.urgency,
      ttlSeconds: message.ttlSeconds,
      state: 'pending' as const,
      nextAttemptAt: now,
      createdAt: now,
    }));
  }

  function chatRow(event: AlertEvent, message: OutgoingMessage, questionId: string, now: number) {
    const { url, events } = webhook();
    if (!url || !events.includes(event)) return [];
    return [
      {
        id: newId(now),
        kind: 'chat' as const,
        subscriptionId: null,
        userId: null,
        questionId,
        topic: null,
        payload: chatMessage(message, event),
        urgency: message.urgency,
        ttlSeconds: message.ttlSeconds,
        state: 'pending' as const,
        nextAttemptAt: now,
        createdAt: now,
      },
    ];
  }

  /** A claim or an assignment: the assignee hears of an assignment; everyone else who was offered it, that it is gone. */
  function claimed({ question, expertId, expertName, ended }: Extract<Pending, { to: 'claimed' }>): Addressed[] {
    const own = db
      .select({ reasons: offers.reasons })
      .from(offers)
      .where(and(eq(offers.questionId, question.id), eq(offers.expertId, expertId), eq(offers.state, 'claimed')))
      .get();
    const out: Addressed[] = [];
    if (own?.reasons['assigned-by-manager'])
      out.push({
        to: 'users',
        userIds: [expertId],
        message: assignedMessage(question, null, null),
        questionId: question.id,
      });
    // Only those whose offer this claim ended: an expert who lost an earlier wave of it was told then.
    const others = ended.filter((id) => id !== expertId);
    if (others.length > 0)
      out.push({
        to: 'users',
        userIds: others,
        message: withdrawnMessage(question, expertName, config.waveMs / 1000),
        questionId: question.id,
      });
    return out;
  }

  /** A dismissed question: offers it cut short (ended before their wave would have) are withdrawn. */
  function dismissed(question: QuestionSummary, now: number): Addressed[] {
    const cut = db
      .selectDistinct({ id: offers.expertId })
      .from(offers)
      .where(and(eq(offers.questionId, question.id), eq(offers.state, 'expired'), gt(offers.expiresAt, now)))
      .all()
      .map((o) => o.id);
    return cut.length > 0
      ? [
          {
            to: 'users',
            userIds: cut,
            message: withdrawnMessage(question, null, config.waveMs / 1000),
            questionId: question.id,
          },
        ]
      : [];
  }

  /** A hand-off is an assignment and a note naming the new holder at once: one notification, with the note. */
  function mergeHandoffs(items: Addressed[]): Addressed[] {
    const assigned = new Map<string, Extract<Pending, { to: 'users' }>>();
    for (const item of items)
      if (item.to === 'users' && item.message.payload.type === 'assigned')
        assigned.set(`${item.userIds[0]}:${item.questionId}`, item);
    if (assigned.size === 0) return items;
    return items.flatMap((item): Addressed[] => {
      if (item.to !== 'users' || item.message.payload.type !== 'mention') return [item];
      const kept = item.userIds.filter((id) => {
        const handoff = assigned.get(`${id}:${item.questionId}`);
        if (!handoff) return true;
        handoff.message.payload.title = item.message.payload.title.replace(/ mentioned you$/, ' handed you a question');
        handoff.message.payload.body = `${handoff.message.payload.body}\n${item.message.payload.body}`;
        return false;
      });
      return kept.length > 0 ? [{ ...item, userIds: kept }] : [];
    });
  }

  /** Writes a batch of notifications: one row per device (and one for the chat webhook), then wakes the sender. */
  function write(items: Pending[]) {
    if (items.length === 0) return;
    let managers: { id: string; userId: string }[] | undefined;
    const written = db.transaction(() => {
      const now = clock.now();
      const expanded = mergeHandoffs(
        items.flatMap((item) =>
          item.to === 'claimed' ? claimed(item) : item.to === 'dismissed' ? dismissed(item.question, now) : [item],
        ),
      );
      let count = 0;
      for (const item of expanded) {
        const rows =
          item.to === 'users'
            ? rowsFor(devicesOf(item.userIds), item.message, item.questionId, now)
            : [
                ...rowsFor((managers ??= managerDevices()), item.message, item.questionId, now),
                ...chatRow(item.event, item.message, item.questionId, now),
              ];
        supersede(rows);
        insert(rows);
        count += rows.length;
      }
      return count;
    });
    if (written > 0) wake();
  }

  /** A newer message about a question replaces one still waiting for the same device (as the push service would). */
  function supersede(rows: { subscriptionId: string | null; topic: string | null }[]) {
    for (const { subscriptionId, topic } of rows) {
      if (!subscriptionId || !topic) continue;
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
    }
  }

  // Runs from setImmediate: a failed write (SQLITE_BUSY while another process holds the lock) thrown from there would
  // end the process. The batch is kept and written again shortly, with what was queued meanwhile.
  function flushQueue() {
    scheduled = false;
    const items = queue;
    queue = [];
    try {
      write(items);
    } catch (error) {
      queue = [...items, ...queue];
      scheduled = true;
      setTimeout(flushQueue, 1000).unref();
      if (log) log.warn({ err: error }, 'notifications not written yet; trying again in a second');
      else
        process.emitWarning(
          `notifications not written yet, trying again: ${(error as Error).message}`,
          'NotifierWarning',
        );
    }
  }

  function enqueue(item: Pending) {
    queue.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(flushQueue);
    }
  }

  function react<T extends ClientEventType>(type: T, data: ClientEventMap[T], to: { users?: Iterable<string> }) {
    const now = clock.now();
    switch (type) {
      case 'question.offered': {
        const { question, offer } = data as ClientEventMap['question.offered'];
        return enqueue({
          to: 'users',
          userIds: [offer.expertId],
          message: offerMessage(question, Date.parse(offer.expiresAt), now),
          questionId: question.id,
        });
      }
      case 'question.claimed': {
        const { question, expertId, expertName } = data as ClientEventMap['question.claimed'];
        return enqueue({ to: 'claimed', question, expertId, expertName, ended: [...(to.users ?? [])] });
      }
      case 'question.updated': {
        const { question } = data as ClientEventMap['question.updated'];
        if (question.status === 'dismissed') enqueue({ to: 'dismissed', question });
        return;
      }
      case 'note.mention': {
        const { questionId, from, text } = data as ClientEventMap['note.mention'];
        const question = presenters.summaryById(questionId);
        if (question)
          enqueue({
            to: 'users',
            userIds: [...(to.users ?? [])],
            message: mentionMessage(question, from, text),
            questionId,
          });
        return;
      }
      case 'reply.approved':
      case 'reply.rejected': {
        const { reply, question } = data as ClientEventMap['reply.approved'];
        // An answer approved with no review (policy) is one its author just sent: nothing to tell them.
        const reviewed = db
          .select({ reviewerId: replies.reviewerId })
          .from(replies)
          .where(eq(replies.id, reply.id))
          .get()?.reviewerId;
        if (type === 'reply.approved' && !reviewed) return;
        return enqueue({
          to: 'users',
          userIds: [reply.authorId],
          message: reviewMessage(
            question,
            type === 'reply.approved',
            reply.feedback,
            (data as Partial<ClientEventMap['reply.approved']>).editedBy ?? null,
          ),
          questionId: question.id,
        });
      }
      case 'question.escalated': {
        const { question } = data as ClientEventMap['question.escalated'];
        return enqueue({
          to: 'managers',
          event: 'question.escalated',
          message: alertMessage('question.escalated', question, null, now),
          questionId: question.id,
        });
      }
      case 'reply.failed': {
        const { question, reason } = data as ClientEventMap['reply.failed'];
        return enqueue({
          to: 'managers',
          event: 'post.failed',
          message: alertMessage('post.failed', question, reason, now),
          questionId: question.id,
        });
      }
    }
  }

  /** Manager alerts raised outside the hub's events (the SLA watch), written now, in the caller's transaction. */
  function announce(alerts: { event: AlertEvent; question: QuestionSummary }[], now: number) {
    write(
      alerts.map(({ event, question }) => ({
        to: 'managers',
        event,
        message: alertMessage(event, question, null, now),
        questionId: question.id,
      })),
    );
  }

  /** At start: open offers whose experts can be pushed to but have no delivery row yet (a crash lost them) get one. */
  function reconcile(): number {
    const now = clock.now();
    const open = db
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
    if (open.length === 0) return 0;
    const since = Math.min(...open.map((o) => o.createdAt));
    // Rows for these offers were written after the offers, so only recent rows need reading (by the state index).
    const known = new Set(
      db
        .select({ userId: notificationDeliveries.userId, questionId: notificationDeliveries.questionId })
        .from(notificationDeliveries)
        .where(
          and(
            inArray(notificationDeliveries.state, ['pending', 'sending', 'sent', 'failed', 'dropped']),
            gte(notificationDeliveries.nextAttemptAt, since),
          ),
        )
        .all()
        .map((d) => `${d.userId}:${d.questionId}`),
    );
    const missing = open.filter((o) => !known.has(`${o.expertId}:${o.questionId}`));
    if (missing.length === 0) return 0;
    const summaries = new Map(
      presenters
        .summaries(
          db
            .select()
            .from(questions)
            .where(inArray(questions.id, [...new Set(missing.map((o) => o.questionId))]))
            .all(),
        )
        .map((s) => [s.id, s]),
    );
    write(
      missing.flatMap((o): Pending[] => {
        const question = summaries.get(o.questionId);
        return question
          ? [
              {
                to: 'users',
                userIds: [o.expertId],
                message: offerMessage(question, o.expiresAt, now),
                questionId: o.questionId,
              },
            ]
          : [];
      }),
    );
    return missing.length;
  }

  hub.onPublish(react);

  return {
    announce,
    reconcile,
    /** Writes what the events of this turn queued now rather than on the next turn (tests, shutdown). */
    flush: flushQueue,
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
