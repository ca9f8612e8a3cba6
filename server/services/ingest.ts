// Ingest: one inbound public post becomes a question, idempotent on (channel, external id). A post that replies to
// a known question or to the brand's answer joins that thread instead: it reopens an answered question for the
// expert who answered it, and a plain thank-you is only recorded.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, questions, questionTags, replies, type QuestionRow } from '../../db/schema.js';
import type { RoutingConfig } from '../config.js';
import type { IngestQuestion, QuestionSummary } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { canApply } from '../domain/lifecycle.js';
import { isThanks } from '../domain/reactions.js';
import { scoreSentiment, sentimentColumns, triage } from '../domain/sentiment.js';
import { sanitizeText } from '../domain/text-safety.js';
import type { Router } from '../domain/routing/index.js';
import { conflict, notFound } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { QuestionRepository } from '../repositories/questions.js';
import { recordEvent } from './audit-log.js';
import { SPAM_FLAG, type SpamService } from './spam.js';
import type { Dispatcher } from './dispatcher.js';
import type { TagService } from './tags.js';
import { toQuestionSummary, type Presenters } from './presenters.js';

export interface IngestOutcome {
  question: QuestionSummary;
  duplicate: boolean;
  followUp: boolean;
}

interface Deps {
  spam: Pick<SpamService, 'check'>;
  db: Db;
  clock: Clock;
  router: Router;
  uow: UnitOfWork;
  questionRepo: QuestionRepository;
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
  db,
  spam,
  clock,
  router,
  uow,
  questionRepo,
  presenters,
  tags,
  dispatcher,
  config,
  negativeSlaMs,
}: Deps) {
  // Every new question runs these, so they are built once as prepared queries instead of through the query builder.
  const placeholder = sql.placeholder;
  const statements = {
    byExternalId: db
      .select()
      .from(questions)
      .where(and(eq(questions.channel, placeholder('channel')), eq(questions.externalId, placeholder('externalId'))))
      .prepare(),
    messageByExternalId: db
      .select({ questionId: messages.questionId })
      .from(messages)
      .where(eq(messages.externalId, placeholder('externalId')))
      .prepare(),
    insertQuestion: db
      .insert(questions)
      .values({
        id: placeholder('id'),
        channel: placeholder('channel'),
        externalId: placeholder('externalId'),
        text: placeholder('text'),
        authorHandle: placeholder('authorHandle'),
        authorName: placeholder('authorName'),
        authorExternalId: placeholder('authorExternalId'),
        lang: placeholder('lang'),
        conversationId: placeholder('conversationId'),
        inReplyToExternalId: placeholder('inReplyToExternalId'),
        priority: placeholder('priority'),
        sentimentLabel: placeholder('sentimentLabel'),
        sentimentScore: placeholder('sentimentScore'),
        status: placeholder('status'),
        wave: placeholder('wave'),
        flag: placeholder('flag'),
        createdAt: placeholder('createdAt'),
        receivedAt: placeholder('receivedAt'),
        slaDueAt: placeholder('slaDueAt'),
        updatedAt: placeholder('updatedAt'),
      })
      .returning()
      .prepare(),
    insertTag: db
      .insert(questionTags)
      .values({
        questionId: placeholder('questionId'),
        slug: placeholder('slug'),
        confidence: placeholder('confidence'),
        source: placeholder('source'),
      })
      .prepare(),
  };

  function load(id: string): QuestionRow {
    const row = db.select().from(questions).where(eq(questions.id, id)).get();
    if (!row) throw notFound('Question');
    return row;
  }

  function findThreadParent(channel: string, inReplyTo: string | undefined): QuestionRow | undefined {
    if (!inReplyTo) return undefined;
    const direct = db
      .select()
      .from(questions)
      .where(and(eq(questions.channel, channel), eq(questions.externalId, inReplyTo)))
      .get();
    if (direct) return direct;
    const message = db
      .select({ questionId: messages.questionId })
      .from(messages)
      .where(eq(messages.externalId, inReplyTo))
      .get();
    return message
      ? db
          .select()
          .from(questions)
          .where(and(eq(questions.id, message.questionId), eq(questions.channel, channel)))
          .get()
      : undefined;
  }

  function lastAnswerer(questionId: string): string | null {
    return (
      db
        .select({ authorId: replies.authorId })
        .from(replies)
        .where(and(eq(replies.questionId, questionId), eq(replies.status, 'posted')))
        .orderBy(desc(replies.createdAt))
        .get()?.authorId ?? null
    );
  }

  /** A customer's post in an existing thread: attach it, and reopen an answered question for the same expert first. */
  function attachFollowUp(parent: QuestionRow, input: IngestQuestion, now: number): QuestionRow {
    const at = input.createdAt ? Date.parse(input.createdAt) : now;
    db.insert(messages)
      .values({
        id: newId(now),
        questionId: parent.id,
        direction: 'in',
        externalId: input.externalId,
        text: input.text,
        authorHandle: input.author.handle,
        at,
        ...sentimentColumns(scoreSentiment(input.text)),
      })
      .run();
    const thanks = isThanks(input.text);
    // A reply under the brand's answer can come from anyone: spam or abuse there is kept in the thread for managers
    // but does not reopen the question to the expert who answered.
    const held = thanks ? null : spam.check(input.text, now);
    recordEvent(db, {
      questionId: parent.id,
      type: thanks ? 'question.thanked' : held?.suspected ? 'question.follow_up_held' : 'question.follow_up',
      at: now,
      data: { externalId: input.externalId, ...(held?.suspected ? { reasons: held.reasons } : {}) },
    });
    if (thanks || held?.suspected || !canApply('reopen', parent.status)) {
      const row = questionRepo.touch(parent.id, { updatedAt: now }) ?? parent;
      uow.emit('question.updated', { question: { row }, informed: row.assigneeId ? [row.assigneeId] : [] });
      return row;
    }
    const previous = lastAnswerer(parent.id);
    const reopened = questionRepo.transitionOne('reopen', parent.id, {
      assigneeId: null,
      claimedAt: null,
      slaDueAt: now + config.slaMs,
      escalatedAt: null,
      updatedAt: now,
    });
    if (!reopened) throw conflict('invalid_state', 'The question changed while the follow-up was stored; try again');
    recordEvent(db, {
      questionId: parent.id,
      type: 'question.reopened',
      at: now,
      data: { previousExpertId: previous },
    });
    if (previous)
      dispatcher.offerNextWave(reopened, {
        preferred: [previous],
        waveMs: Math.max(1000, Math.round(config.waveMs / 4)),
      });
    else dispatcher.offerNextWave(reopened);
    const row = load(parent.id);
    uow.emit('question.reopened', { question: { row }, previousExpertId: previous });
    return row;
  }

  /** A new question: classified and routed first, so it is stored already offered to its first wave. */
  function insertQuestion(input: IngestQuestion, now: number): () => QuestionSummary {
    const id = newId(now);
    const found = router.classify(input.text, tags.rules()).filter((t) => tags.exists(t.slug));
    // Suspected spam is stored for managers, flagged and offered to nobody.
    const held = spam.check(input.text, now);
    const plan = held.suspected
      ? null
      : dispatcher.planWave({ id, text: input.text, wave: 0, status: 'new', flag: null }, { tags: found });
    const sentiment = scoreSentiment(input.text);
    const { priority, slaMs } = triage(sentiment, config.slaMs, negativeSlaMs?.() ?? null);
    const row = statements.insertQuestion.get({
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
    })!;
    for (const tag of found) statements.insertTag.run({ questionId: id, ...tag });
    recordEvent(db, {
      questionId: id,
      type: 'question.created',
      at: now,
      data: { channel: row.channel, externalId: row.externalId, tags: found.map((t) => t.slug) },
    });
    // One summary for the caller and every message, rendered after commit on first use from what was just written
    // (a new question has these tags and no assignee), without reading it back.
    let rendered: QuestionSummary | undefined;
    const summary = () =>
      (rendered ??= toQuestionSummary(
        row,
        [...found].sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1)),
        null,
      ));
    const question = { row, summary };
    uow.emit('question.created', { question });
    if (plan) dispatcher.recordWave(question, plan);
    else recordEvent(db, { questionId: id, type: 'question.held', at: now, data: { reasons: held.reasons } });
    return summary;
  }

  /** Ingest as a step of the caller's unit of work; returns the outcome, rendered once it has committed. */
  function ingestInTransaction(post: IngestQuestion): () => IngestOutcome {
    const now = clock.now();
    const existing = statements.byExternalId.get({ channel: post.channel, externalId: post.externalId });
    if (existing) return () => ({ question: presenters.summary(existing), duplicate: true, followUp: false });
    const seenMessage = statements.messageByExternalId.get({ externalId: post.externalId });
    if (seenMessage) {
      const row = load(seenMessage.questionId);
      return () => ({ question: presenters.summary(row), duplicate: true, followUp: true });
    }
    // Only what is stored is cleaned: the ids it was looked up by are never changed by cleaning.
    const input = cleaned(post);
    const parent = findThreadParent(input.channel, input.inReplyToExternalId);
    if (!parent) {
      const summary = insertQuestion(input, now);
      return () => ({ question: summary(), duplicate: false, followUp: false });
    }
    const row = attachFollowUp(parent, input, now);
    return () => ({ question: presenters.summary(row), duplicate: false, followUp: true });
  }

  // Group commit: questions that arrive while the event loop is busy are written in one transaction, each in its own
  // savepoint (a unit of work inside the batch's) so one bad question fails alone and its events are dropped with
  // it. A lone question is committed on the next turn, so it waits no longer.
  const pending: Pending[] = [];
  let scheduled = false;

  function schedule() {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(drain);
  }

  function drain() {
    scheduled = false;
    const batch = pending.splice(0, MAX_BATCH);
    schedule();
    let done: { item: Pending; outcome?: () => IngestOutcome; error?: unknown }[];
    try {
      done = uow.run(() =>
        batch.map((item) => {
          try {
            return { item, outcome: uow.run(() => ingestInTransaction(item.input)) };
          } catch (error) {
            return { item, error };
          }
        }),
      );
    } catch (error) {
      // The commit itself failed (disk full, say): nothing in the batch was stored, and every caller hears so.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const { item, outcome, error } of done) {
      if (outcome) item.resolve(outcome());
      else item.reject(error);
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
    ingest(input: IngestQuestion): IngestOutcome {
      return uow.run(() => ingestInTransaction(input))();
    },
    /**
     * Ingest posts in one transaction, together with `alsoWrite` (a channel's cursor): the cursor never moves past a
     * post that was not stored, nor stays behind one that was.
     */
    ingestAll(posts: IngestQuestion[], alsoWrite?: () => void): void {
      uow.run(() => {
        for (const post of posts) service.ingestInTransaction(post);
        alsoWrite?.();
      });
    },
    ingestInTransaction,
  };
  return service;
}
export type IngestService = ReturnType<typeof createIngestService>;
