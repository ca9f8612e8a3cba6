// Ingest: one inbound public post becomes a question, idempotent on (channel, external id). A post that replies to
// a known question or to the brand's answer joins that thread instead: it reopens an answered question for the
// expert who answered it, and a plain thank-you is only recorded.
import type { QuestionRow } from '../../db/schema.js';
import type { RoutingConfig } from '../config.js';
import type { IngestQuestion, QuestionSummary } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { canApply } from '../domain/lifecycle.js';
import { isThanks } from '../domain/reactions.js';
import { scoreSentiment, sentimentColumns, triage } from '../domain/sentiment.js';
import { sanitizeText } from '../domain/text-safety.js';
import type { Router } from '../domain/routing/index.js';
import type { NewQuestion } from '../repositories/questions.js';
import { conflict, notFound } from '../errors.js';
import { isConflict, isUniqueViolation, type Unit, type UnitOfWork, type UnitOptions } from '../events/unit-of-work.js';
import { SPAM_FLAG, type SpamService } from './spam.js';
import type { Dispatcher } from './dispatcher.js';
import type { TagService } from './tags.js';
import { toQuestionSummary, type Presenters } from './presenters.js';

/**
 * Ingest's units write new rows and decide nothing another unit could change meanwhile but whether the post is
 * stored already, which a unique index guards: on PostgreSQL they need no SERIALIZABLE, whose read/write tracking
 * over the same indexes failed concurrent batches again and again.
 */
const NEW_ROWS: UnitOptions = { isolation: 'read committed' };
/**
 * A post that replies to nothing is stored already (nothing to write) or a new question, written with its rows in one
 * statement (`intake`): one write, so its unit needs no transaction.
 */
const FRESH_POST: UnitOptions = { ...NEW_ROWS, oneWrite: true };

export interface IngestOutcome {
  question: QuestionSummary;
  duplicate: boolean;
  followUp: boolean;
}

interface Deps {
  spam: Pick<SpamService, 'check'>;
  clock: Clock;
  router: Router;
  uow: UnitOfWork;
  presenters: Presenters;
  tags: TagService;
  dispatcher: Dispatcher;
  config: RoutingConfig;
  /** The settings' shorter SLA for a strongly negative post, in ms, or null. */
  negativeSlaMs?: () => number | null;
}

/**
 * The most questions one group commit takes; the rest wait for the next turn of the event loop. It bounds how long a
 * batch holds the event loop (and the sockets), while a commit is already a small share of a batch of a few
 * questions (docs/architecture.md, "Why some rules are so").
 */
const MAX_BATCH = 32;

interface Pending {
  input: IngestQuestion;
  resolve(outcome: IngestOutcome): void;
  reject(error: unknown): void;
}

/** The customer's words as sent, cleaned of what breaks storage and display, never refused (domain/text-safety.ts). */
function cleaned(input: IngestQuestion): IngestQuestion {
  const { author } = input;
  return {
    ...input,
    text: sanitizeText(input.text, 'multi'),
    author: {
      ...author,
      handle: sanitizeText(author.handle, 'single'),
      name: author.name === undefined ? undefined : sanitizeText(author.name, 'single'),
    },
  };
}

export function createIngestService({
  spam,
  clock,
  router,
  uow,
  presenters,
  tags,
  dispatcher,
  config,
  negativeSlaMs,
}: Deps) {
  async function load(unit: Unit, id: string): Promise<QuestionRow> {
    const row = await unit.questions.byId(id);
    if (!row) throw notFound('Question');
    return row;
  }

  async function findThreadParent(
    unit: Unit,
    channel: string,
    inReplyTo: string | undefined,
  ): Promise<QuestionRow | undefined> {
    if (!inReplyTo) return undefined;
    const { question: direct, inThreadOf: questionId } = await unit.questions.findPost(channel, inReplyTo);
    if (direct) return direct;
    if (!questionId) return undefined;
    const question = await unit.questions.byId(questionId);
    return question?.channel === channel ? question : undefined;
  }

  /** A customer's post in an existing thread: attach it, and reopen an answered question for the same expert first. */
  async function attachFollowUp(unit: Unit, parent: QuestionRow, input: IngestQuestion, now: number) {
    const at = input.createdAt ? Date.parse(input.createdAt) : now;
    await unit.messages.insert({
      id: newId(now),
      questionId: parent.id,
      direction: 'in',
      externalId: input.externalId,
      text: input.text,
      authorHandle: input.author.handle,
      at,
      ...sentimentColumns(scoreSentiment(input.text)),
    });
    const thanks = isThanks(input.text);
    // A reply under the brand's answer can come from anyone: spam or abuse there is kept in the thread for managers
    // but does not reopen the question to the expert who answered.
    const held = thanks ? null : await spam.check(input.text, now);
    await unit.auditLog.record({
      questionId: parent.id,
      type: thanks ? 'question.thanked' : held?.suspected ? 'question.follow_up_held' : 'question.follow_up',
      at: now,
      data: { externalId: input.externalId, ...(held?.suspected ? { reasons: held.reasons } : {}) },
    });
    if (thanks || held?.suspected || !canApply('reopen', parent.status)) {
      const row = (await unit.questions.touch(parent.id, { updatedAt: now })) ?? parent;
      unit.emit('question.updated', { question: { row }, informed: row.assigneeId ? [row.assigneeId] : [] });
      return row;
    }
    const previous = await unit.replies.lastPostedAuthor(parent.id);
    const reopened = await unit.questions.transitionOne('reopen', parent.id, {
      assigneeId: null,
      claimedAt: null,
      slaDueAt: now + config.slaMs,
      escalatedAt: null,
      updatedAt: now,
    });
    if (!reopened) throw conflict('invalid_state', 'The question changed while the follow-up was stored; try again');
    await unit.auditLog.record({
      questionId: parent.id,
      type: 'question.reopened',
      at: now,
      data: { previousExpertId: previous },
    });
    if (previous)
      await dispatcher.offerNextWave(unit, reopened, {
        preferred: [previous],
        waveMs: Math.max(1000, Math.round(config.waveMs / 4)),
      });
    else await dispatcher.offerNextWave(unit, reopened);
    const row = await load(unit, parent.id);
    unit.emit('question.reopened', { question: { row }, previousExpertId: previous });
    return row;
  }

  /** A new question: classified and routed first, so it is stored already offered to its first wave. */
  async function insertQuestion(unit: Unit, input: IngestQuestion, now: number): Promise<() => QuestionSummary> {
    const id = newId(now);
    const found = router.classify(input.text, tags.rules()).filter((t) => tags.exists(t.slug));
    // Suspected spam is stored for managers, flagged and offered to nobody.
    const spamCheck = await spam.check(input.text, now);
    const plan = spamCheck.suspected
      ? null
      : await dispatcher.planWave(unit, { id, text: input.text, wave: 0, status: 'new', flag: null }, { tags: found });
    const sentiment = scoreSentiment(input.text);
    const { priority, slaMs } = triage(sentiment, config.slaMs, negativeSlaMs?.() ?? null);
    const question: NewQuestion = {
      id,
      channel: input.channel,
      externalId: input.externalId,
      text: input.text,
      authorHandle: input.author.handle.replace(/^@/, ''),
      authorName: input.author.name ?? null,
      authorExternalId: input.author.externalId ?? null,
      lang: input.lang ?? null,
      conversationId: input.conversationId ?? null,
      inReplyToExternalId: input.inReplyToExternalId ?? null,
      priority,
      ...sentimentColumns(sentiment),
      status: plan?.status ?? 'new',
      wave: plan?.wave ?? 0,
      flag: plan ? plan.flag : SPAM_FLAG,
      createdAt: input.createdAt ? Date.parse(input.createdAt) : now,
      receivedAt: now,
      slaDueAt: now + slaMs,
      updatedAt: now,
    };
    const created = {
      type: 'question.created',
      at: now,
      data: { channel: question.channel, externalId: question.externalId, tags: found.map((t) => t.slug) },
    };
    const held = { type: 'question.held', at: now, data: { reasons: spamCheck.reasons } };
    const wave = plan ? dispatcher.waveRows(plan) : { offers: [], log: [held] };
    // The question, its tags, its first wave (or its hold) and its log entries: one statement on PostgreSQL.
    const row = await unit.intake.insert(question, { tags: found, offers: wave.offers, log: [created, ...wave.log] });
    // One summary for the caller and every message, rendered after commit on first use from what was just written
    // (a new question has these tags and no assignee), without reading it back.
    let rendered: QuestionSummary | undefined;
    const summary = () =>
      (rendered ??= toQuestionSummary(
        row,
        [...found].sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1)),
        null,
      ));
    const state = { row, summary };
    unit.emit('question.created', { question: state });
    if (plan) dispatcher.noteWave(unit, state, plan);
    return summary;
  }

  /** Ingest as a step of the caller's unit of work; returns the outcome, rendered once it has committed. */
  async function ingestInTransaction(unit: Unit, post: IngestQuestion): Promise<() => Promise<IngestOutcome>> {
    const now = clock.now();
    const { question: existing, inThreadOf: seenIn } = await unit.questions.findPost(post.channel, post.externalId);
    if (existing)
      return async () => ({ question: await presenters.summary(existing), duplicate: true, followUp: false });
    if (seenIn) {
      const row = await load(unit, seenIn);
      return async () => ({ question: await presenters.summary(row), duplicate: true, followUp: true });
    }
    // Only what is stored is cleaned: the ids it was looked up by are never changed by cleaning.
    const input = cleaned(post);
    const parent = await findThreadParent(unit, input.channel, input.inReplyToExternalId);
    if (!parent) {
      const summary = await insertQuestion(unit, input, now);
      return async () => ({ question: summary(), duplicate: false, followUp: false });
    }
    const row = await attachFollowUp(unit, parent, input, now);
    return async () => ({ question: await presenters.summary(row), duplicate: false, followUp: true });
  }

  // Group commit (where the engine gains by it: `uow.groupCommit`): questions that arrive while the event loop is busy
  // are written in one transaction, each in its own savepoint (a unit of work inside the batch's) so one bad question
  // fails alone and its events are dropped with it. A lone question is committed on the next turn, so it waits no
  // longer.
  const pending: Pending[] = [];
  let scheduled = false;

  function schedule() {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(() => void drain());
  }

  async function drain() {
    scheduled = false;
    const batch = pending.splice(0, MAX_BATCH);
    schedule();
    // Alone, a question's failure is its unit's: no savepoint is needed. PostgreSQL's units run at once, and a
    // question alone there is fewer round trips than one in a shared transaction (a savepoint and its release).
    if (batch.length === 1 || !uow.groupCommit) {
      for (const item of batch)
        alone(item.input).then((outcome) => outcome().then(item.resolve, item.reject), item.reject);
      return;
    }
    let done: { item: Pending; outcome?: () => Promise<IngestOutcome>; error?: unknown }[];
    try {
      done = await uow.run(async (unit) => {
        const results: typeof done = [];
        for (const item of batch) {
          try {
            results.push({ item, outcome: await stepOf(unit, item.input) });
          } catch (error) {
            // A lost race fails the whole unit, which is run again; anything else fails this question alone.
            if (isConflict(error)) throw error;
            results.push({ item, error });
          }
        }
        return results;
      }, NEW_ROWS);
    } catch (error) {
      // The commit itself failed (disk full, say): nothing in the batch was stored, and every caller hears so.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const { item, outcome, error } of done) {
      if (outcome) outcome().then(item.resolve, item.reject);
      else item.reject(error);
    }
  }

  /**
   * One question as a step of a batch. Two units storing the same post at once (the poller and a webhook, say) can
   * only overlap on PostgreSQL: the unique index refuses the second, and its step, run again, finds the first.
   */
  async function stepOf(unit: Unit, post: IngestQuestion) {
    try {
      return await unit.step((step) => ingestInTransaction(step, post));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return unit.step((step) => ingestInTransaction(step, post));
    }
  }

  /** One question in a unit of its own; a post stored meanwhile by another unit is found when run again. */
  async function alone(post: IngestQuestion): Promise<() => Promise<IngestOutcome>> {
    const options = post.inReplyToExternalId ? NEW_ROWS : FRESH_POST;
    try {
      return await uow.run((unit) => ingestInTransaction(unit, post), options);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      return uow.run((unit) => ingestInTransaction(unit, post), options);
    }
  }

  const service = {
    /** Ingest as part of the next group commit; resolves once the question is stored and offered. */
    submit(input: IngestQuestion): Promise<IngestOutcome> {
      return new Promise((resolve, reject) => {
        pending.push({ input, resolve, reject });
        schedule();
      });
    },
    /** Ingest now, in a transaction of its own. */
    async ingest(input: IngestQuestion): Promise<IngestOutcome> {
      const outcome = await alone(input);
      return outcome();
    },
    /**
     * Ingest posts in one transaction, together with `alsoWrite` (a channel's cursor): the cursor never moves past a
     * post that was not stored, nor stays behind one that was.
     */
    async ingestAll(posts: IngestQuestion[], alsoWrite?: (unit: Unit) => Promise<void>): Promise<void> {
      await uow.run(async (unit) => {
        for (const post of posts) await stepOf(unit, post);
        await alsoWrite?.(unit);
      }, NEW_ROWS);
    },
    ingestInTransaction,
  };
  return service;
}
export type IngestService = ReturnType<typeof createIngestService>;
