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
import { sanitizeText } from '../domain/text-safety.js';
import type { Router } from '../domain/routing/index.js';
import { notFound } from '../errors.js';
import { flush, recordEvent, type Notice } from './audit-log.js';
import type { Dispatcher } from './dispatcher.js';
import type { RealtimeHub } from './realtime-hub.js';
import type { TagService } from './tags.js';
import { toQuestionSummary, type Presenters } from './presenters.js';

export interface IngestOutcome {
  question: QuestionSummary;
  duplicate: boolean;
  followUp: boolean;
}

interface Deps {
  db: Db;
  clock: Clock;
  router: Router;
  hub: RealtimeHub;
  presenters: Presenters;
  tags: TagService;
  dispatcher: Dispatcher;
  config: RoutingConfig;
}

/**
 * The most questions one group commit takes; the rest wait for the next turn of the event loop. A question costs
 * about a millisecond of CPU, so this bounds how long a batch holds the event loop (and the sockets) to ~30 ms,
 * while a commit (~0.1-0.5 ms) is already a small share of a batch of a few questions.
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

export function createIngestService({ db, clock, router, hub, presenters, tags, dispatcher, config }: Deps) {
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
  function attachFollowUp(
    parent: QuestionRow,
    input: IngestQuestion,
    now: number,
  ): { row: QuestionRow; notices: Notice[] } {
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
      })
      .run();
    const thanks = isThanks(input.text);
    recordEvent(db, {
      questionId: parent.id,
      type: thanks ? 'question.thanked' : 'question.follow_up',
      at: now,
      data: { externalId: input.externalId },
    });
    if (thanks || !canApply('reopen', parent.status)) {
      const row = db.update(questions).set({ updatedAt: now }).where(eq(questions.id, parent.id)).returning().get()!;
      return {
        row,
        notices: [
          () =>
            hub.publish(
              'question.updated',
              { question: presenters.summary(row) },
              { users: row.assigneeId ? [row.assigneeId] : [] },
            ),
        ],
      };
    }
    const previous = lastAnswerer(parent.id);
    const reopened = db
      .update(questions)
      .set({
        status: 'offered',
        assigneeId: null,
        claimedAt: null,
        slaDueAt: now + config.slaMs,
        escalatedAt: null,
        updatedAt: now,
      })
      .where(eq(questions.id, parent.id))
      .returning()
      .get()!;
    recordEvent(db, {
      questionId: parent.id,
      type: 'question.reopened',
      at: now,
      data: { previousExpertId: previous },
    });
    const notices = previous
      ? dispatcher.offerNextWave(reopened, {
          preferred: [previous],
          waveMs: Math.max(1000, Math.round(config.waveMs / 4)),
        })
      : dispatcher.offerNextWave(reopened);
    const row = load(parent.id);
    return {
      row,
      notices: [
        ...notices,
        () =>
          hub.publish(
            'question.reopened',
            { question: presenters.summary(row) },
            { users: previous ? [previous] : [] },
          ),
      ],
    };
  }

  /** A new question: classified and routed first, so it is stored already offered to its first wave. */
  function insertQuestion(input: IngestQuestion, now: number): { summary: () => QuestionSummary; notices: Notice[] } {
    const id = newId(now);
    const found = router.classify(input.text, tags.rules()).filter((t) => tags.exists(t.slug));
    const plan = dispatcher.planWave({ id, text: input.text, wave: 0, status: 'new', flag: null }, { tags: found })!;
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
      status: plan.status,
      wave: plan.wave,
      flag: plan.flag,
      createdAt: input.createdAt ? Date.parse(input.createdAt) : now,
      receivedAt: now,
      slaDueAt: now + config.slaMs,
      updatedAt: now,
    })!;
    for (const tag of found) statements.insertTag.run({ questionId: id, ...tag });
    recordEvent(db, {
      questionId: id,
      type: 'question.created',
      at: now,
      data: { channel: row.channel, externalId: row.externalId, tags: found.map((t) => t.slug) },
    });
    dispatcher.recordWave(id, plan);
    // One summary for the caller and every message, rendered after commit on first use from what was just written
    // (a new question has these tags and no assignee), without reading it back.
    let rendered: QuestionSummary | undefined;
    const summary = () =>
      (rendered ??= toQuestionSummary(
        row,
        [...found].sort((a, b) => b.confidence - a.confidence || (a.slug < b.slug ? -1 : 1)),
        null,
      ));
    return {
      summary,
      notices: [
        () => hub.publish('question.created', { question: summary() }),
        ...dispatcher.waveNotices(plan, summary),
      ],
    };
  }

  /** Ingest inside the caller's transaction; returns the outcome and the notices to send after commit. */
  function ingestInTransaction(post: IngestQuestion): { outcome: () => IngestOutcome; notices: Notice[] } {
    const now = clock.now();
    const existing = statements.byExternalId.get({ channel: post.channel, externalId: post.externalId });
    if (existing)
      return {
        outcome: () => ({ question: presenters.summary(existing), duplicate: true, followUp: false }),
        notices: [],
      };
    const seenMessage = statements.messageByExternalId.get({ externalId: post.externalId });
    if (seenMessage) {
      const row = load(seenMessage.questionId);
      return { outcome: () => ({ question: presenters.summary(row), duplicate: true, followUp: true }), notices: [] };
    }
    // Only what is stored is cleaned: the ids it was looked up by are never changed by cleaning.
    const input = cleaned(post);
    const parent = findThreadParent(input.channel, input.inReplyToExternalId);
    if (!parent) {
      const { summary, notices } = insertQuestion(input, now);
      return { outcome: () => ({ question: summary(), duplicate: false, followUp: false }), notices };
    }
    const { row, notices } = attachFollowUp(parent, input, now);
    return { outcome: () => ({ question: presenters.summary(row), duplicate: false, followUp: true }), notices };
  }

  // Group commit: questions that arrive while the event loop is busy are written in one transaction, each in its own
  // savepoint so one bad question fails alone. A lone question is committed on the next turn, so it waits no longer.
  const pending: Pending[] = [];
  let scheduled = false;

  function schedule() {
    if (scheduled || pending.length === 0) return;
    scheduled = true;
    setImmediate(drain);
  }

  // better-sqlite3's own transaction functions, made once: drizzle's db.transaction() builds a transaction object and
  // new wrapper functions on every call, twice per question here. Nested inside the batch, `inSavepoint` is a savepoint.
  const sqlite = db.$client;
  const inSavepoint = sqlite.transaction((input: IngestQuestion) => ingestInTransaction(input));
  const inBatch = sqlite.transaction((batch: Pending[]) => {
    const done: { item: Pending; result?: ReturnType<typeof ingestInTransaction>; error?: unknown }[] = [];
    for (const item of batch) {
      try {
        done.push({ item, result: inSavepoint(item.input) });
      } catch (error) {
        done.push({ item, error });
      }
    }
    return done;
  });

  function drain() {
    scheduled = false;
    const batch = pending.splice(0, MAX_BATCH);
    schedule();
    let done: ReturnType<typeof inBatch>;
    try {
      done = inBatch.immediate(batch);
    } catch (error) {
      // The commit itself failed (disk full, say): nothing in the batch was stored, and every caller hears so.
      for (const item of batch) item.reject(error);
      return;
    }
    for (const { item, result, error } of done) {
      if (!result) {
        item.reject(error);
        continue;
      }
      flush(result.notices);
      item.resolve(result.outcome());
    }
  }

  return {
    /** Ingest as part of the next group commit; resolves once the question is stored and offered. */
    submit(input: IngestQuestion): Promise<IngestOutcome> {
      return new Promise((resolve, reject) => {
        pending.push({ input, resolve, reject });
        schedule();
      });
    },
    /** Ingest now, in a transaction of its own. */
    ingest(input: IngestQuestion): IngestOutcome {
      const { outcome, notices } = db.transaction(() => ingestInTransaction(input));
      flush(notices);
      return outcome();
    },
    ingestInTransaction,
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
