// Questions after ingest: the queue, the detail view, and the ownership transitions — claim, release, assign,
// dismiss, re-tag. Each is one unit of work around the repository's guarded transition, so two concurrent claims can
// never both win; who hears of it and what routing learns is up to the listeners of its events.
import type { QuestionRow } from '../../db/schema.js';
import type { QuestionDetail, QuestionStatus, QuestionSummary, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { canApply, OPEN_STATUSES, statusesFor } from '../domain/lifecycle.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import { SPAM_FLAG } from './spam.js';
import type { Dispatcher } from './dispatcher.js';
import type { ExpertService } from './experts.js';
import { createQuestionAccess, isManager } from './question-access.js';
import type { TagService } from './tags.js';
import type { Presenters } from './presenters.js';
import { checkSearch } from './search.js';

interface Deps {
  data: ReadRepositories;
  clock: Clock;
  uow: UnitOfWork;
  presenters: Presenters;
  tags: TagService;
  experts: ExpertService;
  dispatcher: Dispatcher;
}

export function createQuestionService({ data, clock, uow, presenters, tags, experts, dispatcher }: Deps) {
  async function load(id: string, from: Pick<ReadRepositories, 'questions'> = data): Promise<QuestionRow> {
    const row = await from.questions.byId(id);
    if (!row) throw notFound('Question');
    return row;
  }

  const { canSee, visible } = createQuestionAccess(data);

  async function requireExpert(user: User) {
    if (await experts.hasProfile(user.id)) return;
    if (!isManager(user)) throw forbidden('Only experts can answer questions');
    await experts.ensureProfile(user.id, user.name);
  }

  const anonymousHolderConflict = () => conflict('already_claimed', 'Someone else is already answering this question');

  async function holderConflict(id: string): Promise<AppError> {
    const row = await load(id);
    if (row.assigneeId) {
      const name = (await presenters.names([row.assigneeId])).get(row.assigneeId) ?? 'someone else';
      return conflict('already_claimed', `This question was already claimed by ${name}`);
    }
    return conflict('invalid_state', `This question is ${row.status.replace('_', ' ')} and cannot be claimed now`);
  }

  function refuseWhileHeld(row: QuestionRow) {
    if (row.flag === SPAM_FLAG && row.status === 'new')
      throw conflict('held_as_spam', 'This question is held as suspected spam; a manager must release it first');
  }

  async function visibleOrClaimable(user: User, id: string): Promise<QuestionRow> {
    const row = await load(id);
    if (await canSee(user, row)) return row;
    // Any available expert may pick up an open question they were not offered (DESIGN.md), so one who finds it taken
    // lost a race like any other and hears 409 — but not who holds it, which is theirs to see only if it was offered
    // to them. A closed question is not theirs to see at all: the same 404 as opening it.
    if ((await experts.getProfile(user.id))?.availability === 'available') {
      if (canApply('claim', row.status) && !row.assigneeId) return row;
      if (row.assigneeId && OPEN_STATUSES.includes(row.status as QuestionStatus)) throw anonymousHolderConflict();
    }
    throw notFound('Question');
  }

  /** The question as it stands once the unit has committed (its next wave out, say). */
  const current = (id: string) => async () => presenters.summary(await load(id));

  return {
    async list(
      user: User,
      query: {
        status?: string;
        tag?: string;
        assignee?: string;
        flag?: string;
        channel?: string;
        limit: number;
        cursor?: string;
        sort?: 'newest' | 'sla';
        q?: string;
      },
    ) {
      const bySla = query.sort === 'sla';
      // Newest first pages by id (ids sort by time); by deadline it pages by position, as deadlines are not unique.
      // A position past SQLite's integer range fails the query itself, so one is refused before it gets there.
      if (bySla && query.cursor && !/^\d{1,9}$/.test(query.cursor))
        throw new AppError(400, 'invalid_cursor', 'cursor: expected the nextCursor of an earlier page');
      const offset = bySla && query.cursor ? Number(query.cursor) : 0;
      const statuses = query.status
        ? [
            ...new Set(
              query.status
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean),
            ),
          ]
        : undefined;
      if (query.q) checkSearch(query.q);
      const rows = await data.questions.list({
        viewer: { id: user.id, manager: isManager(user) },
        statuses,
        tag: query.tag,
        assignee: query.assignee === 'me' ? user.id : query.assignee,
        flag: query.flag,
        channel: query.channel,
        q: query.q?.trim() ? query.q : undefined,
        sort: bySla ? 'sla' : 'newest',
        before: bySla ? undefined : query.cursor,
        offset,
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const more = rows.length > query.limit && last !== undefined;
      return {
        items: await presenters.summaries(page),
        nextCursor: more ? (bySla ? String(offset + query.limit) : last.id) : null,
      };
    },

    async detail(user: User, id: string): Promise<QuestionDetail> {
      return presenters.detail(await visible(user, id), isManager(user) ? null : user.id);
    },

    async myOffers(user: User) {
      const open = await data.offers.openFor(user.id);
      const claimable = new Map(
        (
          await data.questions.amongInStatus(
            open.map((o) => o.questionId),
            statusesFor('claim'),
          )
        ).map((q) => [q.id, q]),
      );
      const shown = open.filter((o) => claimable.has(o.questionId));
      const summaries = new Map(
        (await presenters.summaries(shown.map((o) => claimable.get(o.questionId) as QuestionRow))).map((q) => [
          q.id,
          q,
        ]),
      );
      return shown.map((offer) => ({
        question: summaries.get(offer.questionId) as QuestionSummary,
        offer: {
          expertId: offer.expertId,
          score: offer.score,
          reasons: offer.reasons,
          wave: offer.wave,
          state: offer.state,
          createdAt: new Date(offer.createdAt).toISOString(),
          expiresAt: new Date(offer.expiresAt).toISOString(),
        },
      }));
    },

    async claim(user: User, id: string): Promise<QuestionSummary> {
      if (!(await experts.isActive(user.id))) throw forbidden('This account is deactivated');
      await requireExpert(user);
      const row = await visibleOrClaimable(user, id);
      refuseWhileHeld(row);
      const profile = await experts.getProfile(user.id);
      if (!profile) throw forbidden('Only experts can answer questions');
      const claimed = await uow.run(async (unit) => {
        const held = await unit.questions.countHeldBy(user.id, ['claimed', 'in_review']);
        if (held >= profile.capacity)
          throw conflict('at_capacity', `You already hold ${held} questions (your capacity is ${profile.capacity})`);
        const now = clock.now();
        const updated = await unit.questions.transitionOne(
          'claim',
          row.id,
          { assigneeId: user.id, claimedAt: now, updatedAt: now, clearNoExpertFlag: true },
          { assigneeId: null },
        );
        if (!updated) return null;
        const ended = await unit.offers.settleClaim(id, user.id);
        await unit.auditLog.record({
          questionId: id,
          actorId: user.id,
          type: 'question.claimed',
          at: now,
          data: { expertId: user.id, afterMs: now - updated.receivedAt },
        });
        unit.emit('question.claimed', {
          question: { row: updated },
          expertId: user.id,
          expertName: user.name,
          previousExpertId: null,
          ended,
        });
        return updated;
      });
      // Who won is news only to those who may see the question; to anyone else it is now a question they cannot see.
      if (!claimed) throw (await canSee(user, await load(id))) ? await holderConflict(id) : anonymousHolderConflict();
      await experts.refreshed(user.id);
      return presenters.summary(claimed);
    },

    async release(user: User, id: string): Promise<QuestionSummary> {
      const row = await visible(user, id);
      if (row.assigneeId !== user.id && !isManager(user))
        throw forbidden('Only the expert holding this question can release it');
      const holder = row.assigneeId;
      await uow.run(async (unit) => {
        const now = clock.now();
        const updated = await unit.questions.transitionOne(
          'release',
          id,
          { assigneeId: null, claimedAt: null, updatedAt: now },
          { assigneeId: holder ?? '' },
        );
        if (!updated)
          throw conflict(
            'invalid_state',
            `This question is ${row.status.replace('_', ' ')}; only a claimed question can be released`,
          );
        await unit.offers.releaseClaim(id);
        await unit.auditLog.record({
          questionId: id,
          actorId: user.id,
          type: 'question.released',
          at: now,
          data: { expertId: holder },
        });
        // Announced as it stands after its next wave went out.
        unit.emit('question.released', { question: { row: updated, summary: current(id) }, expertId: holder });
        await dispatcher.offerNextWave(unit, updated, { exclude: holder ? [holder] : [] });
      });
      if (holder) await experts.refreshed(holder);
      return presenters.summary(await load(id));
    },

    /** The questions an expert holds and can still answer (claimed): what goes back to the pool if their account is closed. */
    async heldBy(expertId: string): Promise<string[]> {
      return (await data.questions.heldBy(expertId, statusesFor('release'))).map((q) => q.id);
    },

    /**
     * Gives the question to an expert. `holder`, when given, is who must still hold it for the assignment to happen
     * (a hand-off passes on only what its author holds).
     */
    async assign(
      manager: User,
      id: string,
      expertId: string,
      options: { holder?: string | null } = {},
    ): Promise<QuestionSummary> {
      refuseWhileHeld(await load(id));
      if (!(await experts.isActiveExpert(expertId))) throw invalid('unknown_expert', 'No active expert with that id');
      const expertName = (await presenters.names([expertId])).get(expertId) ?? 'expert';
      let previousHolder: string | null = null;
      const assigned = await uow.run(async (unit) => {
        const now = clock.now();
        const before = await load(id, unit);
        previousHolder = before.assigneeId;
        const updated = await unit.questions.transitionOne(
          'assign',
          id,
          { assigneeId: expertId, claimedAt: now, updatedAt: now, clearNoExpertFlag: true },
          options.holder === undefined ? undefined : { assigneeId: options.holder },
        );
        if (!updated && options.holder !== undefined && before.assigneeId !== options.holder)
          throw conflict('already_claimed', 'This question changed hands meanwhile; reload it');
        if (!updated)
          throw conflict('invalid_state', `A question that is ${before.status.replace('_', ' ')} cannot be assigned`);
        const ended = await unit.offers.loseAll(id);
        await unit.offers.insert([
          {
            id: newId(now),
            questionId: id,
            expertId,
            wave: updated.wave,
            score: 1,
            reasons: { 'assigned-by-manager': 1 },
            state: 'claimed',
            createdAt: now,
            expiresAt: now,
          },
        ]);
        await unit.auditLog.record({
          questionId: id,
          actorId: manager.id,
          type: 'question.assigned',
          at: now,
          data: { expertId, previousExpertId: before.assigneeId },
        });
        // Everyone whose offer this ended hears of it too: their inbox drops it at once.
        unit.emit('question.claimed', {
          question: { row: updated },
          expertId,
          expertName,
          previousExpertId: before.assigneeId,
          ended,
        });
        return updated;
      });
      await Promise.all([expertId, previousHolder].map((e) => e && experts.refreshed(e)));
      return presenters.summary(assigned);
    },

    async dismiss(manager: User, id: string, reason: string): Promise<QuestionSummary> {
      const row = await load(id);
      const dismissed = await uow.run(async (unit) => {
        const now = clock.now();
        const updated = await unit.questions.transitionOne('dismiss', id, { dismissReason: reason, updatedAt: now });
        if (!updated)
          throw conflict('invalid_state', `A question that is ${row.status.replace('_', ' ')} cannot be dismissed`);
        await unit.offers.expireOpen(id);
        await unit.auditLog.record({
          questionId: id,
          actorId: manager.id,
          type: 'question.dismissed',
          at: now,
          data: { reason },
        });
        unit.emit('question.dismissed', { question: { row: updated }, assigneeId: row.assigneeId });
        return updated;
      });
      return presenters.summary(dismissed);
    },

    /** A manager looked at a question held as suspected spam and found a customer: it is offered like any other. */
    async notSpam(manager: User, id: string): Promise<QuestionSummary> {
      const row = await load(id);
      if (row.flag !== SPAM_FLAG || row.status !== 'new')
        throw conflict('invalid_state', 'This question is not waiting as suspected spam');
      await uow.run(async (unit) => {
        const now = clock.now();
        // The customer's SLA runs from the release, at the length it was given: the hold was ours, not theirs.
        const released = await unit.questions.touch(
          id,
          { flag: null, slaDueAt: now + (row.slaDueAt - row.receivedAt), updatedAt: now },
          { flag: SPAM_FLAG, status: 'new' },
        );
        if (!released) throw conflict('invalid_state', 'This question is not waiting as suspected spam');
        await unit.auditLog.record({ questionId: id, actorId: manager.id, type: 'question.not_spam', at: now });
        unit.emit('question.not_spam', { question: { row: released, summary: current(id) } });
        await dispatcher.offerNextWave(unit, released);
      });
      return presenters.summary(await load(id));
    },

    async retag(manager: User, id: string, slugs: string[]): Promise<QuestionSummary> {
      const row = await load(id);
      const unknown = slugs.filter((s) => !tags.exists(s));
      if (unknown.length > 0) throw invalid('unknown_tag', `Unknown tag: ${unknown.join(', ')}`);
      await uow.run(async (unit) => {
        const now = clock.now();
        const unique = [...new Set(slugs)];
        await unit.questionTags.replace(
          id,
          unique.map((slug) => ({ slug, confidence: 1, source: 'manual' as const })),
        );
        const changed = await unit.questions.touch(id, {
          updatedAt: now,
          flag: unique.length > 0 && row.flag === 'no-tag' ? null : row.flag,
        });
        await unit.auditLog.record({
          questionId: id,
          actorId: manager.id,
          type: 'question.retagged',
          at: now,
          data: { tags: unique },
        });
        // A question held as suspected spam stays held: releasing it is the manager's explicit "not spam".
        if (changed?.status === 'new' && changed.flag !== SPAM_FLAG) await dispatcher.offerNextWave(unit, changed);
        unit.emit('question.retagged', {
          question: { row: row, summary: current(id) },
          text: row.text,
          tags: slugs,
        });
      });
      return presenters.summary(await load(id));
    },

    async statusOf(id: string): Promise<QuestionStatus> {
      return (await load(id)).status as QuestionStatus;
    },
  };
}
export type QuestionService = ReturnType<typeof createQuestionService>;
