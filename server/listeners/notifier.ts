// Decides who hears of what by push and on the desk's chat webhook, from the realtime events the hub publishes after
// each commit. Events are gathered for one turn of the event loop and written as delivery rows (one per device) in
// one short unit of work, then the sender is woken: the request that caused them never waits on a push service.
// Batches are written one after another, in the order of their events, so a withdrawal is never written before its
// offer. A crash between a commit and this write loses no offer: reconcile() at start queues open offers that have
// none. SLA alerts come from the SLA watch (sla-watch.ts) through announce(), in the watch's unit.
import type { QuestionSummary } from '../contracts/api.js';
import type { ClientEventMap, ClientEventType } from '../contracts/events.js';
import type { AlertEvent } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { NewNotification } from '../repositories/notifications.js';
import type { Device } from '../repositories/push-subscriptions.js';
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
  uow: UnitOfWork;
  data: Pick<ReadRepositories, 'pushSubscriptions'>;
  clock: Clock;
  hub: RealtimeHub;
  presenters: Presenters;
  webhook: () => { url: string | null; events: readonly AlertEvent[] };
  wake: () => void;
  config: { waveMs: number };
  log?: { warn(details: object, message: string): void };
}

// What the events of a turn ask for; those that need the database to be addressed (who held an offer, whether a
// reply was reviewed, what a question says) are resolved when the batch is written, in its unit, so the hub's
// listener stays synchronous and the batch keeps the events' order (a hand-off's assignment meets its note there).
type Pending =
  | { to: 'users'; userIds: string[]; message: OutgoingMessage; questionId: string }
  | { to: 'managers'; event: AlertEvent; message: OutgoingMessage; questionId: string }
  | { to: 'claimed'; question: QuestionSummary; expertId: string; expertName: string; ended: string[] }
  | { to: 'dismissed'; question: QuestionSummary }
  | { to: 'mentioned'; userIds: string[]; questionId: string; from: string; text: string }
  | {
      to: 'reviewed';
      replyId: string;
      authorId: string;
      approved: boolean;
      feedback: string | null;
      editedBy: string | null;
      question: QuestionSummary;
    };
type Addressed = Extract<Pending, { to: 'users' | 'managers' }>;

export function createNotifier({ uow, data, clock, hub, presenters, webhook, wake, config, log }: Deps) {
  let queue: Pending[] = [];
  let scheduled = false;
  /** The batch being written: the next one starts once it has settled. */
  let writing: Promise<void> = Promise.resolve();

  function rowsFor(devices: Device[], message: OutgoingMessage, questionId: string | null, now: number) {
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

  function chatRow(event: AlertEvent, message: OutgoingMessage, questionId: string, now: number): NewNotification[] {
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
  async function claimed(
    unit: Unit,
    { question, expertId, expertName, ended }: Extract<Pending, { to: 'claimed' }>,
  ): Promise<Addressed[]> {
    const reasons = await unit.notifications.claimReasons(question.id, expertId);
    const out: Addressed[] = [];
    if (reasons?.['assigned-by-manager'])
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
  async function dismissed(unit: Unit, question: QuestionSummary, now: number): Promise<Addressed[]> {
    const cut = await unit.notifications.offersCutShort(question.id, now);
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

  /** A note naming people: they hear of it if the question is still there to open. */
  async function mentioned({ userIds, questionId, from, text }: Extract<Pending, { to: 'mentioned' }>) {
    const question = await presenters.summaryById(questionId);
    return question
      ? [{ to: 'users' as const, userIds, message: mentionMessage(question, from, text), questionId }]
      : [];
  }

  /** A reviewer decided on an answer. One approved with no review (policy) is one its author just sent: no news. */
  async function reviewed(unit: Unit, item: Extract<Pending, { to: 'reviewed' }>): Promise<Addressed[]> {
    if (item.approved && !(await unit.notifications.reviewerOf(item.replyId))) return [];
    return [
      {
        to: 'users',
        userIds: [item.authorId],
        message: reviewMessage(item.question, item.approved, item.feedback, item.editedBy),
        questionId: item.question.id,
      },
    ];
  }

  async function address(unit: Unit, item: Pending, now: number): Promise<Addressed[]> {
    switch (item.to) {
      case 'claimed':
        return claimed(unit, item);
      case 'dismissed':
        return dismissed(unit, item.question, now);
      case 'mentioned':
        return mentioned(item);
      case 'reviewed':
        return reviewed(unit, item);
      default:
        return [item];
    }
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

  /** Writes a batch of notifications in the unit: one row per device (and one for the chat webhook). */
  async function writeIn(unit: Unit, items: Pending[]): Promise<number> {
    const now = clock.now();
    const expanded: Addressed[] = [];
    for (const item of items) expanded.push(...(await address(unit, item, now)));
    const addressed = mergeHandoffs(expanded);
    // Every user's devices in one read (a wave of offers is a message per expert): on PostgreSQL a read is a round trip.
    const devicesByUser = new Map<string, Device[]>();
    const userIds = new Set(addressed.flatMap((item) => (item.to === 'users' ? item.userIds : [])));
    for (const device of await unit.pushSubscriptions.devicesOf([...userIds]))
      devicesByUser.set(device.userId, [...(devicesByUser.get(device.userId) ?? []), device]);
    const devicesOf = (ids: string[]) => ids.flatMap((id) => devicesByUser.get(id) ?? []);
    let managers: Device[] | undefined;
    let count = 0;
    for (const item of addressed) {
      const rows =
        item.to === 'users'
          ? rowsFor(devicesOf(item.userIds), item.message, item.questionId, now)
          : [
              ...rowsFor(
                (managers ??= await unit.pushSubscriptions.managerDevices()),
                item.message,
                item.questionId,
                now,
              ),
              ...chatRow(item.event, item.message, item.questionId, now),
            ];
      // A newer message about a question replaces one still waiting for the same device (as the push service would).
      for (const { subscriptionId, topic } of rows)
        if (subscriptionId && topic) await unit.notifications.supersede(subscriptionId, topic);
      await unit.notifications.insert(rows);
      count += rows.length;
    }
    return count;
  }

  /** Writes a batch of notifications in a unit of its own, then wakes the sender. */
  async function write(items: Pending[]): Promise<void> {
    if (items.length === 0) return;
    // Offers to experts who have no device (on a desk whose experts keep a tab open, most of them) write nothing: one
    // read, not a unit (on PostgreSQL, three round trips for each question).
    if (items.every((item) => item.to === 'users')) {
      const userIds = [...new Set(items.flatMap((item) => (item.to === 'users' ? item.userIds : [])))];
      if ((await data.pushSubscriptions.devicesOf(userIds)).length === 0) return;
    }
    const written = await uow.run((unit) => writeIn(unit, items));
    if (written > 0) wake();
  }

  // A failed write (SQLITE_BUSY while another process holds the lock) keeps its batch, written again shortly with what
  // was queued meanwhile; it is logged, never thrown (this runs from setImmediate and timers).
  async function flushQueue(): Promise<void> {
    scheduled = false;
    const items = queue;
    queue = [];
    try {
      await write(items);
    } catch (error) {
      queue = [...items, ...queue];
      if (!scheduled) {
        scheduled = true;
        setTimeout(() => void flush(), 1000).unref();
      }
      if (log) log.warn({ err: error }, 'notifications not written yet; trying again in a second');
      else
        process.emitWarning(
          `notifications not written yet, trying again: ${(error as Error).message}`,
          'NotifierWarning',
        );
    }
  }

  /** Writes what is queued once the batch before has settled; resolves when it is written (or kept for a retry). */
  function flush(): Promise<void> {
    writing = writing.then(flushQueue);
    return writing;
  }

  function enqueue(item: Pending) {
    queue.push(item);
    if (!scheduled) {
      scheduled = true;
      setImmediate(() => void flush());
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
        return enqueue({ to: 'mentioned', userIds: [...(to.users ?? [])], questionId, from, text });
      }
      case 'reply.approved':
      case 'reply.rejected': {
        const { reply, question } = data as ClientEventMap['reply.approved'];
        return enqueue({
          to: 'reviewed',
          replyId: reply.id,
          authorId: reply.authorId,
          approved: type === 'reply.approved',
          feedback: reply.feedback,
          editedBy: (data as Partial<ClientEventMap['reply.approved']>).editedBy ?? null,
          question,
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

  /**
   * Manager alerts raised outside the hub's events (the SLA watch), written in the caller's unit. The sender is woken
   * now: what it reads is read in a unit of its own, after this one.
   */
  async function announce(unit: Unit, alerts: { event: AlertEvent; question: QuestionSummary }[], now: number) {
    const written = await writeIn(
      unit,
      alerts.map(({ event, question }) => ({
        to: 'managers' as const,
        event,
        message: alertMessage(event, question, null, now),
        questionId: question.id,
      })),
    );
    if (written > 0) wake();
  }

  /**
   * At start: open offers whose experts can be pushed to but have no delivery row yet (a crash lost them) get one.
   * What is missing is read in the unit that writes it, so a row the notifier writes meanwhile is not doubled.
   */
  async function reconcile(): Promise<number> {
    const { missing, written } = await uow.run(async (unit) => {
      const now = clock.now();
      const open = await unit.notifications.openOffersToDevices(now);
      if (open.length === 0) return { missing: 0, written: 0 };
      const since = Math.min(...open.map((o) => o.createdAt));
      // Rows for these offers were written after the offers, so only recent rows need reading (by the state index).
      const known = new Set(
        (await unit.notifications.addresseesSince(since)).map((d) => `${d.userId}:${d.questionId}`),
      );
      const lost = open.filter((o) => !known.has(`${o.expertId}:${o.questionId}`));
      if (lost.length === 0) return { missing: 0, written: 0 };
      const summaries = new Map<string, QuestionSummary>();
      for (const questionId of new Set(lost.map((o) => o.questionId))) {
        const summary = await presenters.summaryById(questionId);
        if (summary) summaries.set(questionId, summary);
      }
      const items = lost.flatMap((o): Pending[] => {
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
      });
      return { missing: lost.length, written: await writeIn(unit, items) };
    });
    if (written > 0) wake();
    return missing;
  }

  hub.onPublish(react);

  return {
    announce,
    reconcile,
    /** Writes what the events of this turn queued now rather than on the next turn (tests, shutdown). */
    flush,
  };
}
export type Notifier = ReturnType<typeof createNotifier>;
