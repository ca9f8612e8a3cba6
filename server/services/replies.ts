// Replies: the assignee submits, the review policy decides whether a manager must approve, approval hands the exact
// public text to the outbox. Review transitions are guarded updates like claims: two managers cannot both approve.
import type { QuestionRow, ReplyRow } from '../../db/schema.js';
import type { Reply, ReplyStatus, User } from '../contracts/api.js';
import { buildPreview, type LengthRule } from '../domain/attribution.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { statusesFor } from '../domain/lifecycle.js';
import { needsReview, type ReviewPolicy } from '../domain/review-policy.js';
import { publicTextProblem } from '../domain/text-safety.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { ExpertService } from './experts.js';
import type { TagService } from './tags.js';
import type { Presenters } from './presenters.js';

interface Deps {
  data: ReadRepositories;
  clock: Clock;
  uow: UnitOfWork;
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
  data,
  clock,
  uow,
  presenters,
  experts,
  tags,
  policy,
  attributionTemplate,
  lengthRule,
}: Deps) {
  async function preview(authorId: string, text: string, channel: string) {
    const rule = lengthRule(channel);
    const result = buildPreview(text, await experts.signatureOf(authorId), attributionTemplate(channel), rule);
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
  async function channelOf(reply: ReplyRow): Promise<string> {
    const question = await data.questions.byId(reply.questionId);
    if (!question) throw notFound('Question');
    return question.channel;
  }

  /** The post the reply threads under: the customer's latest message in the thread, else the question itself. */
  async function replyTarget(unit: Unit, question: QuestionRow): Promise<string> {
    return (await unit.messages.latestIn(question.id))?.externalId ?? question.externalId;
  }

  async function approveInTransaction(
    unit: Unit,
    reply: ReplyRow,
    question: QuestionRow,
    reviewerId: string | null,
    now: number,
    edit?: { by: string; originalText: string },
  ): Promise<ReplyRow> {
    const approved = await unit.replies.approve(reply.id, reviewerId, now);
    if (!(await unit.questions.transitionOne('approve', question.id, { updatedAt: now })))
      throw conflict('invalid_state', 'The question changed while the reply was approved; reload it');
    await unit.outbox.insert({
      id: newId(now),
      replyId: reply.id,
      questionId: question.id,
      channel: question.channel,
      text: approved.preview,
      inReplyToExternalId: await replyTarget(unit, question),
      state: 'pending',
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    });
    await unit.auditLog.record({
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
    unit.emit('reply.approved', { reply: approved, editedBy: edit?.by ?? null });
    return approved;
  }

  async function loadReply(id: string, from: Pick<ReadRepositories, 'replies'> = data): Promise<ReplyRow> {
    const row = await from.replies.byId(id);
    if (!row) throw notFound('Reply');
    return row;
  }

  return {
    async submit(user: User, questionId: string, text: string): Promise<Reply> {
      const question = await data.questions.byId(questionId);
      if (!question) throw notFound('Question');
      if (question.assigneeId !== user.id) throw forbidden('Only the expert who holds this question can reply to it');
      if (!(await experts.isActive(user.id))) throw forbidden('This account is deactivated');
      if (!statusesFor('submit').includes(question.status as never))
        throw conflict('invalid_state', `This question is ${question.status.replace('_', ' ')}; replies are closed`);
      const { preview: publicText, weightedLength } = await preview(user.id, text, question.channel);
      const review = needsReview(policy(), {
        approvedCount: await experts.approvedCount(user.id),
        questionTags: (await data.questionTags.of(questionId)).map((t) => t.slug),
        sensitiveTags: tags.sensitiveSlugs(),
      });
      const row = await uow.run(async (unit) => {
        const now = clock.now();
        const current = await unit.questions.byId(questionId);
        if (current?.assigneeId !== user.id || !statusesFor('submit').includes(current.status as never))
          throw conflict('invalid_state', 'This question changed hands; reload it');
        const pending = await unit.replies.inReview(questionId, user.id);
        const words = { text: text.trim(), preview: publicText, weightedLength };
        const saved = pending
          ? await unit.replies.revise(pending.id, { ...words, updatedAt: now })
          : await unit.replies.insert({
              id: newId(now),
              questionId,
              authorId: user.id,
              ...words,
              status: 'in_review',
              createdAt: now,
              updatedAt: now,
            });
        if (!(await unit.questions.transitionOne('submit', questionId, { updatedAt: now })))
          throw conflict('invalid_state', 'This question changed hands; reload it');
        await unit.auditLog.record({
          questionId,
          actorId: user.id,
          type: 'reply.submitted',
          at: now,
          data: { replyId: saved.id, review },
        });
        if (review) {
          unit.emit('reply.submitted', { reply: saved });
          return saved;
        }
        return approveInTransaction(unit, saved, { ...current, status: 'in_review' }, null, now);
      });
      return presenters.reply(row);
    },

    async approve(manager: User, replyId: string, editedText?: string): Promise<Reply> {
      const reply = await loadReply(replyId);
      const edited = editedText?.trim();
      const edit = edited ? await preview(reply.authorId, edited, await channelOf(reply)) : null;
      const row = await uow.run(async (unit) => {
        const now = clock.now();
        const current = await loadReply(replyId, unit);
        if (current.status !== 'in_review')
          throw conflict('invalid_state', `This reply is ${current.status.replace('_', ' ')}, not waiting for review`);
        const question = await unit.questions.byId(reply.questionId);
        if (!question) throw notFound('Question');
        if (!statusesFor('approve').includes(question.status as never))
          throw conflict('invalid_state', `The question is ${question.status.replace('_', ' ')}`);
        if (edit && edited)
          await unit.replies.revise(replyId, {
            text: edited,
            preview: edit.preview,
            weightedLength: edit.weightedLength,
          });
        return approveInTransaction(
          unit,
          { ...current, preview: edit?.preview ?? current.preview },
          question,
          manager.id,
          now,
          edit && edited !== current.text ? { by: manager.name, originalText: current.text } : undefined,
        );
      });
      return presenters.reply(row);
    },

    async reject(manager: User, replyId: string, feedback: string): Promise<Reply> {
      const reply = await loadReply(replyId);
      const row = await uow.run(async (unit) => {
        const now = clock.now();
        const rejected = await unit.replies.reject(replyId, manager.id, feedback, now);
        if (!rejected)
          throw conflict('invalid_state', `This reply is ${reply.status.replace('_', ' ')}, not waiting for review`);
        await unit.questions.transitionOne('reject', reply.questionId, { updatedAt: now });
        await unit.auditLog.record({
          questionId: reply.questionId,
          actorId: manager.id,
          type: 'reply.rejected',
          at: now,
          data: { replyId, feedback },
        });
        unit.emit('reply.rejected', { reply: rejected });
        return rejected;
      });
      return presenters.reply(row);
    },

    /** Ids of the author's replies waiting for review. */
    pendingBy(authorId: string): Promise<string[]> {
      return data.replies.inReviewBy(authorId);
    },

    async list(user: User, query: { status?: string; author?: string; limit: number }) {
      const isManager = user.role === 'manager' || user.role === 'admin';
      const author = query.author === 'me' ? user.id : query.author;
      if (!isManager && author !== user.id) throw forbidden('Experts can list only their own replies (author=me)');
      const rows = await data.replies.list({
        authorId: author,
        statuses: query.status ? (query.status.split(',').map((s) => s.trim()) as ReplyStatus[]) : undefined,
        limit: query.limit,
      });
      const questions = await data.questions.byIds([...new Set(rows.map((r) => r.questionId))]);
      const summaries = new Map((await presenters.summaries(questions)).map((q) => [q.id, q]));
      const names = await presenters.names(rows.map((r) => r.authorId));
      return Promise.all(
        rows.map(async (r) => ({
          ...(await presenters.reply(r)),
          authorName: names.get(r.authorId),
          // biome-ignore lint/style/noNonNullAssertion: every reply's question was just read
          question: summaries.get(r.questionId)!,
        })),
      );
    },
  };
}
export type ReplyService = ReturnType<typeof createReplyService>;
