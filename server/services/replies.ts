// Replies: the assignee submits, the review policy decides whether a manager must approve, approval hands the exact
// public text to the outbox. Review transitions are guarded updates like claims: two managers cannot both approve.
import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  messages,
  outbox,
  questions,
  questionTags,
  replies,
  type QuestionRow,
  type ReplyRow,
} from '../../db/schema.js';
import type { Reply, ReplyStatus, User } from '../contracts/api.js';
import { buildPreview, type LengthRule } from '../domain/attribution.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { statusesFor } from '../domain/lifecycle.js';
import { needsReview, type ReviewPolicy } from '../domain/review-policy.js';
import { publicTextProblem } from '../domain/text-safety.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { QuestionRepository } from '../repositories/questions.js';
import { recordEvent } from './audit-log.js';
import type { ExpertService } from './experts.js';
import type { TagService } from './tags.js';
import type { Presenters } from './presenters.js';

interface Deps {
  db: Db;
  clock: Clock;
  uow: UnitOfWork;
  questionRepo: QuestionRepository;
  presenters: Presenters;
  experts: ExpertService;
  tags: TagService;
  policy: () => ReviewPolicy;
  /** The attribution template of a question's channel (its own, else the default). */
  attributionTemplate: (channel: string) => string;
  /** How the network of a question's channel counts a reply. */
  lengthRule: (channel: string) => LengthRule;
}

export function createReplyService({
  db,
  clock,
  uow,
  questionRepo,
  presenters,
  experts,
  tags,
  policy,
  attributionTemplate,
  lengthRule,
}: Deps) {
  function preview(authorId: string, text: string, channel: string) {
    const rule = lengthRule(channel);
    const result = buildPreview(text, experts.signatureOf(authorId), attributionTemplate(channel), rule);
    if (!result.fits) {
      throw invalid(
        'too_long',
        `The public reply would be ${result.weightedLength} ${rule.unit}; the limit is ${rule.max}`,
      );
    }
    // The request checked the words; a signature or template stored before the text rules existed is checked here.
    const problem = publicTextProblem(result.preview, 'multi');
    if (problem) throw invalid('unsafe_text', `The public reply (text, signature and attribution): ${problem}`);
    return result;
  }

  /** A reply is measured by the network it will be posted to: its question's channel. */
  function channelOf(reply: ReplyRow): string {
    const question = db
      .select({ channel: questions.channel })
      .from(questions)
      .where(eq(questions.id, reply.questionId))
      .get();
    if (!question) throw notFound('Question');
    return question.channel;
  }

  /** The post the reply threads under: the customer's latest message in the thread, else the question itself. */
  function replyTarget(question: QuestionRow): string {
    const latest = db
      .select({ externalId: messages.externalId })
      .from(messages)
      .where(and(eq(messages.questionId, question.id), eq(messages.direction, 'in')))
      .orderBy(desc(messages.at))
      .get();
    return latest?.externalId ?? question.externalId;
  }

  function approveInTransaction(
    reply: ReplyRow,
    question: QuestionRow,
    reviewerId: string | null,
    now: number,
    edit?: { by: string; originalText: string },
  ): ReplyRow {
    const approved = db
      .update(replies)
      .set({ status: 'approved', reviewerId, updatedAt: now })
      .where(eq(replies.id, reply.id))
      .returning()
      .get()!;
    if (!questionRepo.transitionOne('approve', question.id, { updatedAt: now }))
      throw conflict('invalid_state', 'The question changed while the reply was approved; reload it');
    db.insert(outbox)
      .values({
        id: newId(now),
        replyId: reply.id,
        questionId: question.id,
        channel: question.channel,
        text: approved.preview,
        inReplyToExternalId: replyTarget(question),
        state: 'pending',
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })
      .run();
    recordEvent(db, {
      questionId: question.id,
      actorId: reviewerId,
      type: 'reply.approved',
      at: now,
      // An edit puts the manager's words under the expert's signature: the expert's own stay on record, to be shown.
      data: {
        replyId: reply.id,
        reviewed: reviewerId !== null,
        ...(edit ? { edited: true, editedBy: edit.by, originalText: edit.originalText } : {}),
      },
    });
    uow.emit('reply.approved', { reply: approved, editedBy: edit?.by ?? null });
    return approved;
  }

  function loadReply(id: string): ReplyRow {
    const row = db.select().from(replies).where(eq(replies.id, id)).get();
    if (!row) throw notFound('Reply');
    return row;
  }

  return {
    submit(user: User, questionId: string, text: string): Reply {
      const question = db.select().from(questions).where(eq(questions.id, questionId)).get();
      if (!question) throw notFound('Question');
      if (question.assigneeId !== user.id) throw forbidden('Only the expert who holds this question can reply to it');
      if (!experts.isActive(user.id)) throw forbidden('This account is deactivated');
      if (!statusesFor('submit').includes(question.status as never))
        throw conflict('invalid_state', `This question is ${question.status.replace('_', ' ')}; replies are closed`);
      const { preview: publicText, weightedLength } = preview(user.id, text, question.channel);
      const review = needsReview(policy(), {
        approvedCount: experts.approvedCount(user.id),
        questionTags: db
          .select({ slug: questionTags.slug })
          .from(questionTags)
          .where(eq(questionTags.questionId, questionId))
          .all()
          .map((t) => t.slug),
        sensitiveTags: tags.sensitiveSlugs(),
      });
      const row = uow.run((emit) => {
        const now = clock.now();
        const current = db.select().from(questions).where(eq(questions.id, questionId)).get()!;
        if (current.assigneeId !== user.id || !statusesFor('submit').includes(current.status as never))
          throw conflict('invalid_state', 'This question changed hands; reload it');
        const pending = db
          .select()
          .from(replies)
          .where(
            and(eq(replies.questionId, questionId), eq(replies.authorId, user.id), eq(replies.status, 'in_review')),
          )
          .get();
        const saved = pending
          ? db
              .update(replies)
              .set({ text: text.trim(), preview: publicText, weightedLength, updatedAt: now })
              .where(eq(replies.id, pending.id))
              .returning()
              .get()!
          : db
              .insert(replies)
              .values({
                id: newId(now),
                questionId,
                authorId: user.id,
                text: text.trim(),
                preview: publicText,
                weightedLength,
                status: 'in_review',
                createdAt: now,
                updatedAt: now,
              })
              .returning()
              .get();
        if (!questionRepo.transitionOne('submit', questionId, { updatedAt: now }))
          throw conflict('invalid_state', 'This question changed hands; reload it');
        recordEvent(db, {
          questionId,
          actorId: user.id,
          type: 'reply.submitted',
          at: now,
          data: { replyId: saved.id, review },
        });
        if (review) {
          emit('reply.submitted', { reply: saved });
          return saved;
        }
        return approveInTransaction(saved, { ...current, status: 'in_review' }, null, now);
      });
      return presenters.reply(row);
    },

    approve(manager: User, replyId: string, editedText?: string): Reply {
      const reply = loadReply(replyId);
      const edit = editedText ? preview(reply.authorId, editedText, channelOf(reply)) : null;
      const row = uow.run(() => {
        const now = clock.now();
        const current = loadReply(replyId);
        if (current.status !== 'in_review')
          throw conflict('invalid_state', `This reply is ${current.status.replace('_', ' ')}, not waiting for review`);
        const question = db.select().from(questions).where(eq(questions.id, reply.questionId)).get()!;
        if (!statusesFor('approve').includes(question.status as never))
          throw conflict('invalid_state', `The question is ${question.status.replace('_', ' ')}`);
        if (edit)
          db.update(replies)
            .set({ text: editedText!.trim(), preview: edit.preview, weightedLength: edit.weightedLength })
            .where(eq(replies.id, replyId))
            .run();
        const approved = approveInTransaction(
          { ...current, preview: edit?.preview ?? current.preview },
          question,
          manager.id,
          now,
          edit && editedText?.trim() !== current.text ? { by: manager.name, originalText: current.text } : undefined,
        );
        return approved;
      });
      return presenters.reply(row);
    },

    reject(manager: User, replyId: string, feedback: string): Reply {
      const reply = loadReply(replyId);
      const row = uow.run((emit) => {
        const now = clock.now();
        const rejected = db
          .update(replies)
          .set({ status: 'rejected', feedback, reviewerId: manager.id, updatedAt: now })
          .where(and(eq(replies.id, replyId), eq(replies.status, 'in_review')))
          .returning()
          .get();
        if (!rejected)
          throw conflict('invalid_state', `This reply is ${reply.status.replace('_', ' ')}, not waiting for review`);
        questionRepo.transitionOne('reject', reply.questionId, { updatedAt: now });
        recordEvent(db, {
          questionId: reply.questionId,
          actorId: manager.id,
          type: 'reply.rejected',
          at: now,
          data: { replyId, feedback },
        });
        emit('reply.rejected', { reply: rejected });
        return rejected;
      });
      return presenters.reply(row);
    },

    /** Ids of the author's replies waiting for review. */
    pendingBy(authorId: string): string[] {
      return db
        .select({ id: replies.id })
        .from(replies)
        .where(and(eq(replies.authorId, authorId), eq(replies.status, 'in_review')))
        .all()
        .map((r) => r.id);
    },

    list(user: User, query: { status?: string; author?: string; limit: number }) {
      const isManager = user.role === 'manager' || user.role === 'admin';
      const author = query.author === 'me' ? user.id : query.author;
      if (!isManager && author !== user.id) throw forbidden('Experts can list only their own replies (author=me)');
      const conditions: SQL[] = [];
      if (author) conditions.push(eq(replies.authorId, author));
      if (query.status)
        conditions.push(inArray(replies.status, query.status.split(',').map((s) => s.trim()) as ReplyStatus[]));
      const rows = db
        .select()
        .from(replies)
        .where(and(...conditions))
        .orderBy(desc(replies.createdAt))
        .limit(query.limit)
        .all();
      const summaries = new Map(
        presenters
          .summaries(
            rows.length
              ? db
                  .select()
                  .from(questions)
                  .where(inArray(questions.id, [...new Set(rows.map((r) => r.questionId))]))
                  .all()
              : [],
          )
          .map((q) => [q.id, q]),
      );
      const names = presenters.names(rows.map((r) => r.authorId));
      return rows.map((r) => ({
        ...presenters.reply(r),
        authorName: names.get(r.authorId),
        question: summaries.get(r.questionId)!,
      }));
    },
  };
}
export type ReplyService = ReturnType<typeof createReplyService>;
