// Exactly-once posting. An item is marked `sending` (attempts + 1) before the network call. Any later attempt —
// after a timeout, a 5xx, a duplicate-content refusal or a crash that left it `sending` — first asks the channel
// whether the brand already replied to that post with that text, and only posts when it has not.
import { PostError, type ChannelAdapter, type OutgoingPost } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import type { OutboxRow } from '../../db/schema.js';
import type { User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { conflict, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { QuestionChanges } from '../repositories/questions.js';
import type { Presenters } from './presenters.js';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
interface Deps {
  data: ReadRepositories;
  clock: Clock;
  uow: UnitOfWork;
  presenters: Presenters;
  /** The adapter that posts for each channel; a channel with none is answered without a post. */
  channels: Pick<ChannelRegistry, 'get'>;
  log: Logger;
  maxAttempts?: number;
  concurrency?: number;
}

/** Doubling from `baseMs` at each attempt, never past `capMs`. */
export function exponentialBackoff(attempts: number, baseMs: number, capMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), capMs);
}

export function backoffMs(attempts: number): number {
  return exponentialBackoff(attempts, 1000, 5 * 60_000);
}

export function createOutbox({ data, clock, uow, presenters, channels, log, maxAttempts = 8, concurrency = 4 }: Deps) {
  let running: Promise<void> | null = null;
  let again = false;

  async function markSent(item: OutboxRow, externalId: string | null) {
    await uow.run(async (unit) => {
      const now = clock.now();
      await unit.outbox.markSent(item.id, externalId, now);
      const reply = await unit.replies.markPosted(item.replyId, externalId, now);
      const question = await answered(unit, item.questionId, { firstReplyAtUnlessSet: now, updatedAt: now });
      await unit.messages.insert({
        id: newId(now),
        questionId: item.questionId,
        direction: 'out',
        externalId,
        text: item.text,
        authorHandle: null,
        at: now,
      });
      await unit.auditLog.record({
        questionId: item.questionId,
        type: 'reply.posted',
        at: now,
        data: { replyId: item.replyId, externalId, attempts: item.attempts },
      });
      unit.emit('reply.posted', { reply, question });
    });
    log.info({ outboxId: item.id, questionId: item.questionId, externalId }, 'reply posted');
  }

  /**
   * The question of a reply that was posted or failed for good. It is `posting` unless something outside the
   * lifecycle moved it; then the post is still recorded and the question left as it is.
   */
  async function answered(
    unit: Unit,
    questionId: string,
    changes: QuestionChanges,
    action: 'posted' | 'fail' = 'posted',
  ) {
    const moved = await unit.questions.transitionOne(action, questionId, changes);
    if (moved) return moved;
    log.warn({ questionId, action }, 'question was not posting when its post ended; status left as is');
    const question = await unit.questions.byId(questionId);
    if (!question) throw notFound('Question');
    return question;
  }

  async function markFailed(item: OutboxRow, reason: string) {
    await uow.run(async (unit) => {
      const now = clock.now();
      await unit.outbox.markFailed(item.id, reason, now);
      const reply = await unit.replies.markFailed(item.replyId, reason, now);
      const question = await answered(unit, item.questionId, { updatedAt: now }, 'fail');
      await unit.auditLog.record({
        questionId: item.questionId,
        type: 'reply.failed',
        at: now,
        data: { replyId: item.replyId, reason, attempts: item.attempts },
      });
      unit.emit('reply.failed', { reply, question, reason });
    });
    log.warn({ outboxId: item.id, questionId: item.questionId, reason }, 'reply failed for good');
  }

  async function retryLater(item: OutboxRow, reason: string, at: number, countAttempt: boolean) {
    await uow.run((unit) =>
      unit.outbox.retryAt(item.id, {
        reason,
        at,
        attempts: countAttempt ? item.attempts : item.attempts - 1,
        now: clock.now(),
      }),
    );
    log.warn({ outboxId: item.id, reason, retryAt: new Date(at).toISOString() }, 'post deferred');
  }

  async function deliver(item: OutboxRow) {
    const poster = channels.get(item.channel);
    // A channel nothing delivers for (an API channel with no webhook): the answer is recorded with no external id,
    // which the reply shows as delivery "none" — recorded, not sent — rather than as a post.
    if (!poster) {
      log.info({ outboxId: item.id, channel: item.channel }, 'no delivery configured for the channel; reply recorded');
      return await markSent(item, null);
    }
    const post: OutgoingPost = {
      key: item.replyId,
      text: item.text,
      inReplyTo: item.inReplyToExternalId,
      notBefore: item.createdAt,
    };
    try {
      if (item.attempts > 1) {
        const existing = await poster.findExisting(post);
        if (existing) return await markSent(item, existing);
      }
      const { externalId } = await poster.post(post);
      await markSent(item, externalId);
    } catch (error) {
      await handleFailure(item, poster, post, error);
    }
  }

  async function handleFailure(item: OutboxRow, poster: ChannelAdapter, post: OutgoingPost, error: unknown) {
    const failure =
      error instanceof PostError
        ? error
        : new PostError('transient', error instanceof Error ? error.message : String(error));
    try {
      if (failure.kind === 'duplicate') {
        const existing = await poster.findExisting(post);
        return existing
          ? await markSent(item, existing)
          : await markFailed(item, `${failure.message} (no matching brand reply found)`);
      }
      if (failure.kind === 'rate_limited')
        return await retryLater(item, failure.message, failure.retryAt ?? clock.now() + 60_000, false);
      if (failure.kind === 'permanent' || item.attempts >= maxAttempts) return await markFailed(item, failure.message);
      await retryLater(item, failure.message, clock.now() + backoffMs(item.attempts), true);
    } catch (checkError) {
      await retryLater(
        item,
        `${failure.message}; then ${(checkError as Error).message}`,
        clock.now() + backoffMs(item.attempts),
        true,
      );
    }
  }

  const take = (limit: number) => uow.run((unit) => unit.outbox.take(clock.now(), limit));
  const requeueSending = () => uow.run((unit) => unit.outbox.requeueSending(clock.now()));

  async function drain() {
    // Runs never overlap, so an item still `sending` here was abandoned: its outcome could not be recorded (say the
    // database was locked past busy_timeout right after X accepted the post). Its next attempt checks X first.
    await requeueSending();
    do {
      again = false;
      let batch: OutboxRow[];
      while ((batch = await take(concurrency)).length > 0) {
        // Settle the whole batch before giving up on an error: nothing may still be in flight when the next run starts.
        const failed = (await Promise.allSettled(batch.map(deliver))).find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } while (again);
  }

  return {
    /** Send everything due now; overlapping calls share one run. */
    run(): Promise<void> {
      if (running !== null) {
        again = true;
        return running;
      }
      running = drain()
        .catch((error: unknown) => log.error({ err: error }, 'outbox run failed; the items wait for the next run'))
        .finally(() => {
          running = null;
        });
      return running;
    },

    /** After a crash, items left `sending` may or may not have reached the channel: the next attempt checks first. */
    recover: requeueSending,

    async retry(manager: User, questionId: string) {
      const item = await data.outbox.failedFor(questionId);
      if (!item) {
        if (!(await data.questions.byId(questionId))) throw notFound('Question');
        throw conflict('invalid_state', 'This question has no failed post to retry');
      }
      const question = await uow.run(async (unit) => {
        const now = clock.now();
        await unit.outbox.requeue(item.id, now);
        const reply = await unit.replies.markRetried(item.replyId, now);
        await unit.auditLog.record({
          questionId,
          actorId: manager.id,
          type: 'reply.retried',
          at: now,
          data: { replyId: item.replyId },
        });
        const retried = await unit.questions.transitionOne('retry', questionId, { updatedAt: now });
        if (!retried) throw conflict('invalid_state', 'This question is no longer waiting for a retry');
        if (reply) unit.emit('reply.retried', { reply });
        return retried;
      });
      return presenters.summary(question);
    },

    async counts(): Promise<{ pending: number; failed: number }> {
      const byState = await data.outbox.countsByState();
      const get = (state: string) => byState[state] ?? 0;
      return { pending: get('pending') + get('sending'), failed: get('failed') };
    },

    idle(): Promise<void> {
      return running ?? Promise.resolve();
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
