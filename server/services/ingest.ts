// Ingest: one inbound public post becomes a question, idempotent on (channel, external id). A post that replies to
// a known question or to the brand's answer joins that thread instead: it reopens an answered question for the
// expert who answered it, and a plain thank-you is only recorded.
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, questions, questionTags, replies, type QuestionRow } from '../../db/schema.js';
import type { RoutingConfig } from '../config.js';
import type { IngestQuestion, QuestionSummary } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { canApply } from '../domain/lifecycle.js';
import { isThanks } from '../domain/reactions.js';
import type { Router } from '../domain/routing/index.js';
import { notFound } from '../errors.js';
import { flush, recordEvent, type Notice } from './audit.js';
import type { Dispatcher } from './dispatcher.js';
import type { RealtimeHub } from './realtime-hub.js';
import type { TagService } from './tags.js';
import type { Views } from './views.js';

export interface IngestOutcome { question: QuestionSummary; duplicate: boolean; followUp: boolean }

interface Deps { db: Db; clock: Clock; router: Router; hub: RealtimeHub; views: Views; tags: TagService; dispatcher: Dispatcher; config: RoutingConfig }

export function createIngestService({ db, clock, router, hub, views, tags, dispatcher, config }: Deps) {
  function load(id: string): QuestionRow {
    const row = db.select().from(questions).where(eq(questions.id, id)).get();
    if (!row) throw notFound('Question');
    return row;
  }

  function findThreadParent(channel: string, inReplyTo: string | undefined): QuestionRow | undefined {
    if (!inReplyTo) return undefined;
    const direct = db.select().from(questions).where(and(eq(questions.channel, channel), eq(questions.externalId, inReplyTo))).get();
    if (direct) return direct;
    const message = db.select({ questionId: messages.questionId }).from(messages).where(eq(messages.externalId, inReplyTo)).get();
    return message ? db.select().from(questions).where(and(eq(questions.id, message.questionId), eq(questions.channel, channel))).get() : undefined;
  }

  function lastAnswerer(questionId: string): string | null {
    return db.select({ authorId: replies.authorId }).from(replies).where(and(eq(replies.questionId, questionId), eq(replies.status, 'posted')))
      .orderBy(desc(replies.createdAt)).get()?.authorId ?? null;
  }

  /** A customer's post in an existing thread: attach it, and reopen an answered question for the same expert first. */
  function attachFollowUp(parent: QuestionRow, input: IngestQuestion, now: number): { row: QuestionRow; notices: Notice[] } {
    const at = input.createdAt ? Date.parse(input.createdAt) : now;
    db.insert(messages).values({ id: newId(now), questionId: parent.id, direction: 'in', externalId: input.externalId, text: input.text, authorHandle: input.author.handle, at }).run();
    const thanks = isThanks(input.text);
    recordEvent(db, { questionId: parent.id, type: thanks ? 'question.thanked' : 'question.follow_up', at: now, data: { externalId: input.externalId } });
    if (thanks || !canApply('reopen', parent.status)) {
      const row = db.update(questions).set({ updatedAt: now }).where(eq(questions.id, parent.id)).returning().get()!;
      return { row, notices: [() => hub.publish('question.updated', { question: views.summary(row) }, { users: row.assigneeId ? [row.assigneeId] : [] })] };
    }
    const previous = lastAnswerer(parent.id);
    const reopened = db.update(questions).set({ status: 'offered', assigneeId: null, claimedAt: null, slaDueAt: now + config.slaMs, escalatedAt: null, updatedAt: now })
      .where(eq(questions.id, parent.id)).returning().get()!;
    recordEvent(db, { questionId: parent.id, type: 'question.reopened', at: now, data: { previousExpertId: previous } });
    const notices = previous
      ? dispatcher.offerNextWave(reopened, { preferred: [previous], waveMs: Math.max(1000, Math.round(config.waveMs / 4)) })
      : dispatcher.offerNextWave(reopened);
    const row = load(parent.id);
    return { row, notices: [...notices, () => hub.publish('question.reopened', { question: views.summary(row) }, { users: previous ? [previous] : [] })] };
  }

  function insertQuestion(input: IngestQuestion, now: number): { row: QuestionRow; notices: Notice[] } {
    const createdAt = input.createdAt ? Date.parse(input.createdAt) : now;
    const row = db.insert(questions).values({
      id: newId(now), channel: input.channel, externalId: input.externalId, text: input.text,
      authorHandle: input.author.handle.replace(/^@/, ''), authorName: input.author.name ?? null, authorExternalId: input.author.externalId ?? null,
      lang: input.lang ?? null, conversationId: input.conversationId ?? null, inReplyToExternalId: input.inReplyToExternalId ?? null,
      status: 'new', createdAt, receivedAt: now, slaDueAt: now + config.slaMs, updatedAt: now,
    }).returning().get();
    const found = router.classify(input.text, tags.rules()).filter((t) => tags.exists(t.slug));
    if (found.length > 0) db.insert(questionTags).values(found.map((t) => ({ questionId: row.id, slug: t.slug, confidence: t.confidence, source: t.source }))).run();
    recordEvent(db, { questionId: row.id, type: 'question.created', at: now, data: { channel: row.channel, externalId: row.externalId, tags: found.map((t) => t.slug) } });
    const notices: Notice[] = [() => hub.publish('question.created', { question: views.summary(load(row.id)) })];
    notices.push(...dispatcher.offerNextWave(row));
    return { row: load(row.id), notices };
  }

  /** Ingest inside the caller's transaction; returns the outcome and the notices to send after commit. */
  function ingestInTransaction(input: IngestQuestion): { outcome: () => IngestOutcome; notices: Notice[] } {
    const now = clock.now();
    const existing = db.select().from(questions).where(and(eq(questions.channel, input.channel), eq(questions.externalId, input.externalId))).get();
    if (existing) return { outcome: () => ({ question: views.summary(existing), duplicate: true, followUp: false }), notices: [] };
    const seenMessage = db.select({ questionId: messages.questionId }).from(messages).where(eq(messages.externalId, input.externalId)).get();
    if (seenMessage) {
      const row = load(seenMessage.questionId);
      return { outcome: () => ({ question: views.summary(row), duplicate: true, followUp: true }), notices: [] };
    }
    const parent = findThreadParent(input.channel, input.inReplyToExternalId);
    const { row, notices } = parent ? attachFollowUp(parent, input, now) : insertQuestion(input, now);
    return { outcome: () => ({ question: views.summary(row), duplicate: false, followUp: !!parent }), notices };
  }

  return {
    ingest(input: IngestQuestion): IngestOutcome {
      const { outcome, notices } = db.transaction(() => ingestInTransaction(input));
      flush(notices);
      return outcome();
    },
    ingestInTransaction,
  };
}
export type IngestService = ReturnType<typeof createIngestService>;
