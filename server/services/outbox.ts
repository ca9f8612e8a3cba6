// Exactly-once posting. An item is marked `sending` (attempts + 1) before the network call. Any later attempt —
// after a timeout, a 5xx, a duplicate-content refusal or a crash that left it `sending` — first asks the channel
// whether the brand already replied to that post with that text, and only posts when it has not.
import { and, count, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { PostError, type ChannelAdapter, type OutgoingPost } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/registry.js';
import { messages, outbox, questions, replies, type OutboxRow } from '../../db/schema.js';
import type { User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { conflict, notFound } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { QuestionChanges, QuestionRepository } from '../repositories/questions.js';
import { recordEvent } from './audit-log.js';
import type { Presenters } from './presenters.js';

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
interface Deps {
  db: Db;
  clock: Clock;
  uow: UnitOfWork;
  questionRepo: QuestionRepository;
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

export function createOutbox({
  db,
  clock,
  uow,
  questionRepo,
  presenters,
  channels,
  log,
  maxAttempts = 8,
  concurrency = 4,
}: Deps) {
  let running: Promise<void> | null = null;
  let again = false;

  function markSent(item: OutboxRow, externalId: string | null) {
    uow.run((emit) => {
      const now = clock.now();
      db.update(outbox)
        .set({ state: 'sent', externalId, lastError: null, updatedAt: now })
        .where(eq(outbox.id, item.id))
        .run();
      const reply = db
        .update(replies)
        .set({ status: 'posted', externalId, postedAt: now, updatedAt: now })
        .where(eq(replies.id, item.replyId))
        .returning()
        .get()!;
      const question = answered(item.questionId, {
        firstReplyAt: sql`coalesce(${questions.firstReplyAt}, ${now})`,
        updatedAt: now,
      });
      db.insert(messages)
        .values({
          id: newId(now),
          questionId: item.questionId,
          direction: 'out',
          externalId,
          text: item.text,
          authorHandle: null,
          at: now,
        })
        .onConflictDoNothing()
        .run();
      recordEvent(db, {
        questionId: item.questionId,
        type: 'reply.posted',
        at: now,
        data: { replyId: item.replyId, externalId, attempts: item.attempts },
      });
      emit('reply.posted', { reply, question });
    });
    log.info({ outboxId: item.id, questionId: item.questionId, externalId }, 'reply posted');
  }

  /**
   * The question of a reply that was posted or failed for good. It is `posting` unless something outside the
   * lifecycle moved it; then the post is still recorded and the question left as it is.
   */
  function answered(questionId: string, changes: QuestionChanges, action: 'posted' | 'fail' = 'posted') {
    const moved = questionRepo.transitionOne(action, questionId, changes);
    if (moved) return moved;
    log.warn({ questionId, action }, 'question was not posting when its post ended; status left as is');
    // biome-ignore lint/style/noNonNullAssertion: an outbox item's question is never deleted
    return questionRepo.byId(questionId)!;
  }

  function markFailed(item: OutboxRow, reason: string) {
    uow.run((emit) => {
      const now = clock.now();
      db.update(outbox).set({ state: 'failed', lastError: reason, updatedAt: now }).where(eq(outbox.id, item.id)).run();
      const reply = db
        .update(replies)
        .set({ status: 'failed', failureReason: reason, updatedAt: now })
        .where(eq(replies.id, item.replyId))
        .returning()
        .get()!;
      const question = answered(item.questionId, { updatedAt: now }, 'fail');
      recordEvent(db, {
        questionId: item.questionId,
        type: 'reply.failed',
        at: now,
        data: { replyId: item.replyId, reason, attempts: item.attempts },
      });
      emit('reply.failed', { reply, question, reason });
    });
    log.warn({ outboxId: item.id, questionId: item.questionId, reason }, 'reply failed for good');
  }

  function retryLater(item: OutboxRow, reason: string, at: number, countAttempt: boolean) {
    db.update(outbox)
      .set({
        state: 'pending',
        lastError: reason,
        nextAttemptAt: at,
        attempts: countAttempt ? item.attempts : item.attempts - 1,
        updatedAt: clock.now(),
      })
      .where(eq(outbox.id, item.id))
      .run();
    log.warn({ outboxId: item.id, reason, retryAt: new Date(at).toISOString() }, 'post deferred');
  }

  async function deliver(item: OutboxRow) {
    const poster = channels.get(item.channel);
    // A channel nothing delivers for (an API channel with no webhook): the answer is recorded with no external id,
    // which the reply shows as delivery "none" — recorded, not sent — rather than as a post.
    if (!poster) {
      log.info({ outboxId: item.id, channel: item.channel }, 'no delivery configured for the channel; reply recorded');
      return markSent(item, null);
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
        if (existing) return markSent(item, existing);
      }
      const { externalId } = await poster.post(post);
      markSent(item, externalId);
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
          ? markSent(item, existing)
          : markFailed(item, `${failure.message} (no matching brand reply found)`);
      }
      if (failure.kind === 'rate_limited')
        return retryLater(item, failure.message, failure.retryAt ?? clock.now() + 60_000, false);
      if (failure.kind === 'permanent' || item.attempts >= maxAttempts) return markFailed(item, failure.message);
      retryLater(item, failure.message, clock.now() + backoffMs(item.attempts), true);
    } catch (checkError) {
      retryLater(
        item,
        `${failure.message}; then ${(checkError as Error).message}`,
        clock.now() + backoffMs(item.attempts),
        true,
      );
    }
  }

  function take(limit: number): OutboxRow[] {
    return db.transaction(() => {
      const due = db
        .select({ id: outbox.id })
        .from(outbox)
        .where(and(eq(outbox.state, 'pending'), lte(outbox.nextAttemptAt, clock.now())))
        .orderBy(outbox.nextAttemptAt)
        .limit(limit)
        .all();
      if (due.length === 0) return [];
      return db
        .update(outbox)
        .set({ state: 'sending', attempts: sql`${outbox.attempts} + 1`, updatedAt: clock.now() })
        .where(
          and(
            inArray(
              outbox.id,
              due.map((d) => d.id),
            ),
            eq(outbox.state, 'pending'),
          ),
        )
        .returning()
        .all();
    });
  }

  function requeueSending(): number {
    return db
      .update(outbox)
      .set({ state: 'pending', nextAttemptAt: clock.now(), updatedAt: clock.now() })
      .where(eq(outbox.state, 'sending'))
      .run().changes;
  }

  async function drain() {
    // Runs never overlap, so an item still `sending` here was abandoned: its outcome could not be recorded (say the
    // database was locked past busy_timeout right after X accepted the post). Its next attempt checks X first.
    requeueSending();
    do {
      again = false;
      let batch: OutboxRow[];
      while ((batch = take(concurrency)).length > 0) {
        // Settle the whole batch before giving up on an error: nothing may still be in flight when the next run starts.
        const failed = (await Promise.allSettled(batch.map(deliver))).find((result) => result.status === 'rejected');
        if (failed) throw failed.reason;
      }
    } while (again);
  }

  return {
    /** Send everything due now; overlapping calls share one run. */
    run(): Promise<void> {
      if (running) {
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

    retry(manager: User, questionId: string) {
      const item = db
        .select()
        .from(outbox)
        .where(and(eq(outbox.questionId, questionId), eq(outbox.state, 'failed')))
        .get();
      if (!item) {
        if (!db.select({ id: questions.id }).from(questions).where(eq(questions.id, questionId)).get())
          throw notFound('Question');
        throw conflict('invalid_state', 'This question has no failed post to retry');
      }
      const question = uow.run((emit) => {
        const now = clock.now();
        db.update(outbox)
          .set({ state: 'pending', nextAttemptAt: now, lastError: null, updatedAt: now })
          .where(eq(outbox.id, item.id))
          .run();
        const reply = db
          .update(replies)
          .set({ status: 'approved', failureReason: null, updatedAt: now })
          .where(eq(replies.id, item.replyId))
          .returning()
          .get();
        recordEvent(db, {
          questionId,
          actorId: manager.id,
          type: 'reply.retried',
          at: now,
          data: { replyId: item.replyId },
        });
        const retried = questionRepo.transitionOne('retry', questionId, { updatedAt: now });
        if (!retried) throw conflict('invalid_state', 'This question is no longer waiting for a retry');
        if (reply) emit('reply.retried', { reply });
        return retried;
      });
      return presenters.summary(question);
    },

    counts(): { pending: number; failed: number } {
      const rows = db
        .select({ state: outbox.state, n: count() })
        .from(outbox)
        .where(inArray(outbox.state, ['pending', 'sending', 'failed']))
        .groupBy(outbox.state)
        .all();
      const get = (s: string) => rows.find((r) => r.state === s)?.n ?? 0;
      return { pending: get('pending') + get('sending'), failed: get('failed') };
    },

    idle(): Promise<void> {
      return running ?? Promise.resolve();
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
