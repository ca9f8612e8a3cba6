// Questions after ingest: the queue, the detail view, and the ownership transitions — claim, release, assign,
// dismiss, re-tag. Each is one unit of work around the repository's guarded transition, so two concurrent claims can
// never both win; who hears of it and what routing learns is up to the listeners of its events.
import { and, asc, count, desc, eq, exists, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offers, questions, questionTags, type QuestionRow } from '../../db/schema.js';
import type { QuestionDetail, QuestionStatus, QuestionSummary, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { canApply, OPEN_STATUSES, statusesFor } from '../domain/lifecycle.js';
import { AppError, conflict, forbidden, invalid, notFound } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { QuestionRepository } from '../repositories/questions.js';
import { recordEvent } from './audit-log.js';
import { SPAM_FLAG } from './spam.js';
import type { Dispatcher } from './dispatcher.js';
import type { ExpertService } from './experts.js';
import { createQuestionAccess, isManager, mentionedQuestionIds } from './question-access.js';
import type { TagService } from './tags.js';
import type { Presenters } from './presenters.js';
import { searchCondition } from './search.js';

interface Deps {
  db: Db;
  clock: Clock;
  uow: UnitOfWork;
  questionRepo: QuestionRepository;
  presenters: Presenters;
  tags: TagService;
  experts: ExpertService;
  dispatcher: Dispatcher;
}

/** Someone holds the question now, so "no expert available" is no longer so; a tagging flag still holds. */
const heldFlag = sql`nullif(${questions.flag}, 'no-expert')`;

export function createQuestionService({ db, clock, uow, questionRepo, presenters, tags, experts, dispatcher }: Deps) {
  function load(id: string): QuestionRow {
    const row = db.select().from(questions).where(eq(questions.id, id)).get();
    if (!row) throw notFound('Question');
    return row;
  }

  const { canSee, visible } = createQuestionAccess(db);

  // Within statuses, whose index bounds the rows read, a tag is checked per question; alone, the tag's own index finds
  // its questions (checking per question, a rare tag would walk every question).
  const tagged = (slug: string, withinStatuses: boolean) =>
    withinStatuses
      ? exists(
          db
            .select({ one: sql`1` })
            .from(questionTags)
            .where(and(eq(questionTags.questionId, questions.id), eq(questionTags.slug, slug))),
        )
      : inArray(
          questions.id,
          db.select({ id: questionTags.questionId }).from(questionTags).where(eq(questionTags.slug, slug)),
        );

  function listConditions(
    user: User,
    query: { statuses?: string[]; tag?: string; assignee?: string; flag?: string; channel?: string; cursor?: string },
  ): SQL[] {
    const conditions: SQL[] = [];
    if (query.statuses) conditions.push(inArray(questions.status, query.statuses));
    if (query.flag) conditions.push(eq(questions.flag, query.flag));
    if (query.channel) conditions.push(eq(questions.channel, query.channel));
    if (query.tag) conditions.push(tagged(query.tag, query.statuses !== undefined));
    if (query.assignee)
      conditions.push(
        query.assignee === 'none'
          ? isNull(questions.assigneeId)
          : eq(questions.assigneeId, query.assignee === 'me' ? user.id : query.assignee),
      );
    if (query.cursor) conditions.push(lt(questions.id, query.cursor));
    if (!isManager(user)) {
      // An expert's own: assigned to them, offered to them, or named in a note (as question-access.ts lets them open).
      conditions.push(
        or(
          eq(questions.assigneeId, user.id),
          inArray(questions.id, db.select({ id: offers.questionId }).from(offers).where(eq(offers.expertId, user.id))),
          inArray(questions.id, mentionedQuestionIds(db, user.id)),
        )!,
      );
    }
    return conditions;
  }

  // The manager's queue, newest first, by status: SQLite cannot read several statuses' (status, id) index ranges as one
  // id-ordered stream, so `status in (…) order by id desc limit n` would sort every open question to keep one page
  // (docs/architecture.md, "Why some rules are so"). Each status's range is read newest first instead, n ids at most,
  // and the newest n of those kept: a sort of a few hundred ids, however long the queue. The tag is checked per id (`exists`), so a range
  // still stops after n matches. Filters by assignee, or an expert's own questions, have their index and keep one query.
  function newestIds(statuses: string[], query: { tag?: string; cursor?: string }, take: number): SQL {
    const ranges = statuses.map(
      (status) =>
        sql`select * from ${db
          .select({ id: questions.id })
          .from(questions)
          .where(
            and(
              eq(questions.status, status),
              query.tag ? tagged(query.tag, true) : undefined,
              query.cursor ? lt(questions.id, query.cursor) : undefined,
            ),
          )
          .orderBy(desc(questions.id))
          .limit(take)}`,
    );
    return sql`(select id from (${sql.join(ranges, sql` union all `)}) order by id desc limit ${take})`;
  }

  function requireExpert(user: User) {
    if (experts.hasProfile(user.id)) return;
    if (!isManager(user)) throw forbidden('Only experts can answer questions');
    experts.ensureProfile(user.id, user.name);
  }

  const anonymousHolderConflict = () => conflict('already_claimed', 'Someone else is already answering this question');

  function holderConflict(id: string): AppError {
    const row = load(id);
    if (row.assigneeId) {
      const name = presenters.names([row.assigneeId]).get(row.assigneeId) ?? 'someone else';
      return conflict('already_claimed', `This question was already claimed by ${name}`);
    }
    return conflict('invalid_state', `This question is ${row.status.replace('_', ' ')} and cannot be claimed now`);
  }

  return {
    list(
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
      const take = query.limit + 1;
      const matching = query.q ? searchCondition(query.q) : undefined;
      const byStatusRanges =
        !matching &&
        !bySla &&
        !query.flag &&
        !query.channel &&
        statuses !== undefined &&
        statuses.length > 0 &&
        !query.assignee &&
        isManager(user);
      const rows = byStatusRanges
        ? db
            .select()
            .from(questions)
            .where(inArray(questions.id, newestIds(statuses, query, take)))
            .orderBy(desc(questions.id))
            .all()
        : db
            .select()
            .from(questions)
            .where(
              and(...listConditions(user, { ...query, statuses, cursor: bySla ? undefined : query.cursor }), matching),
            )
            .orderBy(
              ...(bySla
                ? [desc(questions.priority), asc(questions.slaDueAt), asc(questions.id)]
                : [desc(questions.id)]),
            )
            .limit(take)
            .offset(offset)
            .all();
      const page = rows.slice(0, query.limit);
      const more = rows.length > query.limit;
      return {
        items: presenters.summaries(page),
        nextCursor: more ? (bySla ? String(offset + query.limit) : page[page.length - 1]!.id) : null,
      };
    },

    detail(user: User, id: string): QuestionDetail {
      return presenters.detail(visible(user, id), isManager(user) ? null : user.id);
    },

    myOffers(user: User) {
      const rows = db
        .select({ question: questions, offer: offers })
        .from(offers)
        .innerJoin(questions, eq(questions.id, offers.questionId))
        .where(
          and(eq(offers.expertId, user.id), eq(offers.state, 'open'), inArray(questions.status, statusesFor('claim'))),
        )
        .orderBy(desc(offers.createdAt))
        .all();
      const summaries = presenters.summaries(rows.map((r) => r.question));
      return rows.map((r, i) => ({
        question: summaries[i]!,
        offer: {
          expertId: r.offer.expertId,
          score: r.offer.score,
          reasons: r.offer.reasons,
          wave: r.offer.wave,
          state: r.offer.state,
          createdAt: new Date(r.offer.createdAt).toISOString(),
          expiresAt: new Date(r.offer.expiresAt).toISOString(),
        },
      }));
    },

    claim(user: User, id: string): QuestionSummary {
      if (!experts.isActive(user.id)) throw forbidden('This account is deactivated');
      requireExpert(user);
      const row = visibleOrClaimable(user, id);
      refuseWhileHeld(row);
      // biome-ignore lint/style/noNonNullAssertion: requireExpert made sure there is a profile
      const profile = experts.getProfile(user.id)!;
      const held =
        db
          .select({ n: count() })
          .from(questions)
          .where(and(eq(questions.assigneeId, user.id), inArray(questions.status, ['claimed', 'in_review'])))
          .get()?.n ?? 0;
      if (held >= profile.capacity)
        throw conflict('at_capacity', `You already hold ${held} questions (your capacity is ${profile.capacity})`);
      const claimed = uow.run((emit) => {
        const now = clock.now();
        const updated = questionRepo.transitionOne(
          'claim',
          row.id,
          { assigneeId: user.id, claimedAt: now, updatedAt: now, flag: heldFlag },
          isNull(questions.assigneeId),
        );
        if (!updated) return null;
        const open = db
          .update(offers)
          .set({ state: sql`case when ${offers.expertId} = ${user.id} then 'claimed' else 'lost' end` })
          .where(and(eq(offers.questionId, id), eq(offers.state, 'open')))
          .returning({ expertId: offers.expertId })
          .all();
        recordEvent(db, {
          questionId: id,
          actorId: user.id,
          type: 'question.claimed',
          at: now,
          data: { expertId: user.id, afterMs: now - updated.receivedAt },
        });
        emit('question.claimed', {
          question: { row: updated },
          expertId: user.id,
          expertName: user.name,
          previousExpertId: null,
          ended: open.map((o) => o.expertId).filter((e) => e !== user.id),
        });
        return updated;
      });
      // Who won is news only to those who may see the question; to anyone else it is now a question they cannot see.
      if (!claimed) throw canSee(user, load(id)) ? holderConflict(id) : anonymousHolderConflict();
      return presenters.summary(claimed);
    },

    release(user: User, id: string): QuestionSummary {
      const row = visible(user, id);
      if (row.assigneeId !== user.id && !isManager(user))
        throw forbidden('Only the expert holding this question can release it');
      const holder = row.assigneeId;
      uow.run((emit) => {
        const now = clock.now();
        const updated = questionRepo.transitionOne(
          'release',
          id,
          { assigneeId: null, claimedAt: null, updatedAt: now },
          eq(questions.assigneeId, holder ?? ''),
        );
        if (!updated)
          throw conflict(
            'invalid_state',
            `This question is ${row.status.replace('_', ' ')}; only a claimed question can be released`,
          );
        db.update(offers)
          .set({ state: 'released' })
          .where(and(eq(offers.questionId, id), eq(offers.state, 'claimed')))
          .run();
        recordEvent(db, {
          questionId: id,
          actorId: user.id,
          type: 'question.released',
          at: now,
          data: { expertId: holder },
        });
        // Announced as it stands after its next wave went out.
        emit('question.released', {
          question: { row: updated, summary: () => presenters.summary(load(id)) },
          expertId: holder,
        });
        dispatcher.offerNextWave(updated, { exclude: holder ? [holder] : [] });
      });
      return presenters.summary(load(id));
    },

    /** The questions an expert holds and can still answer (claimed): what goes back to the pool if their account is closed. */
    heldBy(expertId: string): string[] {
      return db
        .select({ id: questions.id })
        .from(questions)
        .where(and(eq(questions.assigneeId, expertId), inArray(questions.status, statusesFor('release'))))
        .all()
        .map((q) => q.id);
    },

    assign(manager: User, id: string, expertId: string): QuestionSummary {
      refuseWhileHeld(load(id));
      load(id);
      if (!experts.isActiveExpert(expertId)) throw invalid('unknown_expert', 'No active expert with that id');
      const expertName = presenters.names([expertId]).get(expertId) ?? 'expert';
      const assigned = uow.run((emit) => {
        const now = clock.now();
        const before = load(id);
        const updated = questionRepo.transitionOne('assign', id, {
          assigneeId: expertId,
          claimedAt: now,
          updatedAt: now,
          flag: heldFlag,
        });
        if (!updated)
          throw conflict('invalid_state', `A question that is ${before.status.replace('_', ' ')} cannot be assigned`);
        const ended = db
          .update(offers)
          .set({ state: 'lost' })
          .where(and(eq(offers.questionId, id), inArray(offers.state, ['open', 'claimed'])))
          .returning({ expertId: offers.expertId })
          .all();
        db.insert(offers)
          .values({
            id: newId(now),
            questionId: id,
            expertId,
            wave: updated.wave,
            score: 1,
            reasons: { 'assigned-by-manager': 1 },
            state: 'claimed',
            createdAt: now,
            expiresAt: now,
          })
          .run();
        recordEvent(db, {
          questionId: id,
          actorId: manager.id,
          type: 'question.assigned',
          at: now,
          data: { expertId, previousExpertId: before.assigneeId },
        });
        // Everyone whose offer this ended hears of it too: their inbox drops it at once.
        emit('question.claimed', {
          question: { row: updated },
          expertId,
          expertName,
          previousExpertId: before.assigneeId,
          ended: ended.map((o) => o.expertId),
        });
        return updated;
      });
      return presenters.summary(assigned);
    },

    dismiss(manager: User, id: string, reason: string): QuestionSummary {
      const row = load(id);
      const dismissed = uow.run((emit) => {
        const now = clock.now();
        const updated = questionRepo.transitionOne('dismiss', id, { dismissReason: reason, updatedAt: now });
        if (!updated)
          throw conflict('invalid_state', `A question that is ${row.status.replace('_', ' ')} cannot be dismissed`);
        db.update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.questionId, id), eq(offers.state, 'open')))
          .run();
        recordEvent(db, {
          questionId: id,
          actorId: manager.id,
          type: 'question.dismissed',
          at: now,
          data: { reason },
        });
        emit('question.dismissed', { question: { row: updated }, assigneeId: row.assigneeId });
        return updated;
      });
      return presenters.summary(dismissed);
    },

    /** A manager looked at a question held as suspected spam and found a customer: it is offered like any other. */
    notSpam(manager: User, id: string): QuestionSummary {
      const row = load(id);
      if (row.flag !== SPAM_FLAG || row.status !== 'new')
        throw conflict('invalid_state', 'This question is not waiting as suspected spam');
      uow.run((emit) => {
        const now = clock.now();
        // The customer's SLA runs from the release, at the length it was given: the hold was ours, not theirs.
        const released = questionRepo.touch(
          id,
          { flag: null, slaDueAt: now + (row.slaDueAt - row.receivedAt), updatedAt: now },
          and(eq(questions.flag, SPAM_FLAG), eq(questions.status, 'new')),
        );
        if (!released) throw conflict('invalid_state', 'This question is not waiting as suspected spam');
        recordEvent(db, { questionId: id, actorId: manager.id, type: 'question.not_spam', at: now });
        emit('question.not_spam', { question: { row: released, summary: () => presenters.summary(load(id)) } });
        dispatcher.offerNextWave(released);
      });
      return presenters.summary(load(id));
    },

    retag(manager: User, id: string, slugs: string[]): QuestionSummary {
      const row = load(id);
      const unknown = slugs.filter((s) => !tags.exists(s));
      if (unknown.length > 0) throw invalid('unknown_tag', `Unknown tag: ${unknown.join(', ')}`);
      uow.run((emit) => {
        const now = clock.now();
        db.delete(questionTags).where(eq(questionTags.questionId, id)).run();
        const unique = [...new Set(slugs)];
        if (unique.length > 0)
          db.insert(questionTags)
            .values(unique.map((slug) => ({ questionId: id, slug, confidence: 1, source: 'manual' as const })))
            .run();
        const changed = questionRepo.touch(id, {
          updatedAt: now,
          flag: unique.length > 0 && row.flag === 'no-tag' ? null : row.flag,
        });
        recordEvent(db, {
          questionId: id,
          actorId: manager.id,
          type: 'question.retagged',
          at: now,
          data: { tags: unique },
        });
        // A question held as suspected spam stays held: releasing it is the manager's explicit "not spam".
        if (changed?.status === 'new' && changed.flag !== SPAM_FLAG) dispatcher.offerNextWave(changed);
        emit('question.retagged', {
          question: { row: row, summary: () => presenters.summary(load(id)) },
          text: row.text,
          tags: slugs,
        });
      });
      return presenters.summary(load(id));
    },
    statusOf(id: string): QuestionStatus {
      return load(id).status as QuestionStatus;
    },
  };

  function refuseWhileHeld(row: QuestionRow) {
    if (row.flag === SPAM_FLAG && row.status === 'new')
      throw conflict('held_as_spam', 'This question is held as suspected spam; a manager must release it first');
  }

  function visibleOrClaimable(user: User, id: string): QuestionRow {
    const row = load(id);
    if (canSee(user, row)) return row;
    // Any available expert may pick up an open question they were not offered (DESIGN.md), so one who finds it taken
    // lost a race like any other and hears 409 — but not who holds it, which is theirs to see only if it was offered
    // to them. A closed question is not theirs to see at all: the same 404 as opening it.
    if (experts.getProfile(user.id)?.availability === 'available') {
      if (canApply('claim', row.status) && !row.assigneeId) return row;
      if (row.assigneeId && OPEN_STATUSES.includes(row.status as QuestionStatus)) throw anonymousHolderConflict();
    }
    throw notFound('Question');
  }
}
export type QuestionService = ReturnType<typeof createQuestionService>;
