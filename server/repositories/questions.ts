// The question table's writes that move a question through its lifecycle. `transition` is the only code that sets a
// question's status: it takes the target from the lifecycle table and guards the write with the statuses the action
// may start from, so a question changed by someone else in the meantime is left alone and the caller hears so.
import { and, asc, count, desc, eq, exists, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, notes, offers, questions, questionTags, type QuestionRow } from '../../db/schema.js';
import type { CustomerQuestion } from '../contracts/api.js';
import { type QuestionAction, statusesFor, targetOf } from '../domain/lifecycle.js';
import { searchCondition } from './search.js';

type QuestionColumns = Omit<typeof questions.$inferInsert, 'id' | 'status'>;
/** What a transition may change besides the status. */
export type QuestionChanges = { [K in keyof QuestionColumns]?: QuestionColumns[K] } & {
  updatedAt: number;
  /** Someone holds the question now: "no expert available" is no longer so, while a tagging flag still holds. */
  clearNoExpertFlag?: boolean;
  /** The time of the first answer, kept if the question already had one. */
  firstReplyAtUnlessSet?: number;
};

/** What else must hold of the row for the write to happen, besides the action's start statuses. */
export interface QuestionGuard {
  /** `null`: nobody holds it. */
  assigneeId?: string | null;
  flag?: string;
  status?: string;
  /** Asked before this time (ms). */
  receivedBy?: number;
  /** Claimed before this time (ms). */
  claimedBy?: number;
  notEscalated?: boolean;
  /** Not held as suspected spam (flag `spam`). */
  notFlagged?: string;
}

/** The question list's filters, already checked by the service. */
export interface QuestionListFilter {
  /** Whose list: a manager's is every question; an expert's their own (assigned, offered or named in a note). */
  viewer: { id: string; manager: boolean };
  statuses?: string[];
  tag?: string;
  /** An expert's id, or 'none' for unassigned. */
  assignee?: string;
  flag?: string;
  channel?: string;
  /** The search box's text (domain/search-query.ts). */
  q?: string;
  sort: 'newest' | 'sla';
  /** Newest first: the last id of the page before. */
  before?: string;
  /** By deadline: the position of the page. */
  offset: number;
  take: number;
}

/** A customer as the questions_customer index knows them: their id on the channel, else their handle. */
export interface Customer {
  channel: string;
  externalId: string | null;
  handle: string;
}

/** A customer's questions in (from, to], up to and including the question `id` asked at `to`. */
export interface CustomerWeek {
  customer: Customer;
  from: number;
  to: number;
  id: string;
}

/** A new question as ingest stores it. */
export type NewQuestion = Omit<typeof questions.$inferInsert, 'assigneeId' | 'claimedAt' | 'escalatedAt'>;

// The customer's left side is the expression of the questions_customer index, word for word, so SQLite reads the
// index in date order.
const CUSTOMER = `coalesce(author_external_id, '@' || lower(author_handle)) = coalesce(?, '@' || lower(?))`;

/** The customer's other questions, newest first (`?`: channel, external id, handle, the question's id, limit). */
export const CUSTOMER_HISTORY_SQL = `select id, text, status, created_at createdAt from questions
  where channel = ? and ${CUSTOMER} and id <> ?
  order by created_at desc limit ?`;

/**
 * A manager's plain page of some statuses, newest first, is read as each status's newest ids (an index range per
 * status) rather than filtered and sorted; both engines decide so alike.
 */
export function readsByStatusRanges(filter: QuestionListFilter): boolean {
  return (
    !filter.q &&
    filter.sort !== 'sla' &&
    !filter.flag &&
    !filter.channel &&
    filter.statuses !== undefined &&
    filter.statuses.length > 0 &&
    !filter.assignee &&
    filter.viewer.manager
  );
}

function guardSql(guard: QuestionGuard | undefined): SQL | undefined {
  if (!guard) return undefined;
  const conditions: (SQL | undefined)[] = [];
  if (guard.assigneeId === null) conditions.push(isNull(questions.assigneeId));
  else if (guard.assigneeId !== undefined) conditions.push(eq(questions.assigneeId, guard.assigneeId));
  if (guard.flag !== undefined) conditions.push(eq(questions.flag, guard.flag));
  if (guard.status !== undefined) conditions.push(eq(questions.status, guard.status));
  if (guard.receivedBy !== undefined) conditions.push(lte(questions.receivedAt, guard.receivedBy));
  if (guard.claimedBy !== undefined) conditions.push(lte(questions.claimedAt, guard.claimedBy));
  if (guard.notEscalated) conditions.push(isNull(questions.escalatedAt));
  if (guard.notFlagged !== undefined) conditions.push(sql`coalesce(${questions.flag}, '') <> ${guard.notFlagged}`);
  return and(...conditions);
}

function changesSql({ clearNoExpertFlag, firstReplyAtUnlessSet, ...values }: QuestionChanges) {
  const set: Record<string, unknown> = { ...values };
  if (clearNoExpertFlag) set.flag = sql`nullif(${questions.flag}, 'no-expert')`;
  if (firstReplyAtUnlessSet !== undefined)
    set.firstReplyAt = sql`coalesce(${questions.firstReplyAt}, ${firstReplyAtUnlessSet})`;
  return set as Partial<typeof questions.$inferInsert>;
}

export function createQuestionRepository(db: Db) {
  const placeholder = sql.placeholder;
  // Every wave writes these, so they are prepared once.
  const statements = {
    byId: db
      .select()
      .from(questions)
      .where(eq(questions.id, placeholder('id')))
      .prepare(),
    byExternalId: db
      .select()
      .from(questions)
      .where(and(eq(questions.channel, placeholder('channel')), eq(questions.externalId, placeholder('externalId'))))
      .prepare(),
    messageQuestion: db
      .select({ questionId: messages.questionId })
      .from(messages)
      .where(eq(messages.externalId, placeholder('externalId')))
      .limit(1)
      .prepare(),
    insert: db
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
    offer: db
      .update(questions)
      .set({
        status: targetOf('offer'),
        wave: sql`${placeholder('wave')}`,
        flag: sql`${placeholder('flag')}`,
        updatedAt: sql`${placeholder('updatedAt')}`,
      })
      .where(and(eq(questions.id, placeholder('id')), inArray(questions.status, statusesFor('offer'))))
      .returning()
      .prepare(),
    nextWave: db
      .update(questions)
      .set({
        wave: sql`${placeholder('wave')}`,
        flag: sql`${placeholder('flag')}`,
        updatedAt: sql`${placeholder('updatedAt')}`,
      })
      .where(eq(questions.id, placeholder('id')))
      .returning()
      .prepare(),
  };

  function transition(action: QuestionAction, where: SQL | undefined, changes: QuestionChanges): QuestionRow[] {
    return db
      .update(questions)
      .set({ ...changesSql(changes), status: targetOf(action) })
      .where(and(inArray(questions.status, statusesFor(action)), where))
      .returning()
      .all();
  }

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

  /** A note's condition: it names the user. */
  const namesUser = (userId: string) =>
    sql`exists (select 1 from json_each(${notes.mentions}) where value = ${userId})`;

  function listConditions(filter: QuestionListFilter, before: string | undefined): (SQL | undefined)[] {
    const { viewer } = filter;
    const conditions: (SQL | undefined)[] = [];
    if (filter.statuses) conditions.push(inArray(questions.status, filter.statuses));
    if (filter.flag) conditions.push(eq(questions.flag, filter.flag));
    if (filter.channel) conditions.push(eq(questions.channel, filter.channel));
    if (filter.tag) conditions.push(tagged(filter.tag, filter.statuses !== undefined));
    if (filter.assignee)
      conditions.push(
        filter.assignee === 'none' ? isNull(questions.assigneeId) : eq(questions.assigneeId, filter.assignee),
      );
    if (before) conditions.push(lt(questions.id, before));
    if (!viewer.manager) {
      // An expert's own: assigned to them, offered to them, or named in a note (as question access lets them open).
      conditions.push(
        or(
          eq(questions.assigneeId, viewer.id),
          inArray(
            questions.id,
            db.select({ id: offers.questionId }).from(offers).where(eq(offers.expertId, viewer.id)),
          ),
          inArray(questions.id, db.select({ id: notes.questionId }).from(notes).where(namesUser(viewer.id))),
        ),
      );
    }
    if (filter.q) conditions.push(searchCondition(filter.q));
    return conditions;
  }

  // The manager's queue, newest first, by status: SQLite cannot read several statuses' (status, id) index ranges as one
  // id-ordered stream, so `status in (…) order by id desc limit n` would sort every open question to keep one page
  // (docs/architecture.md, "Why some rules are so"). Each status's range is read newest first instead, n ids at most,
  // and the newest n of those kept: a sort of a few hundred ids, however long the queue. The tag is checked per id
  // (`exists`), so a range still stops after n matches.
  function newestIds(statuses: string[], filter: QuestionListFilter): SQL {
    const ranges = statuses.map(
      (status) =>
        sql`select * from ${db
          .select({ id: questions.id })
          .from(questions)
          .where(
            and(
              eq(questions.status, status),
              filter.tag ? tagged(filter.tag, true) : undefined,
              filter.before ? lt(questions.id, filter.before) : undefined,
            ),
          )
          .orderBy(desc(questions.id))
          .limit(filter.take)}`,
    );
    return sql`(select id from (${sql.join(ranges, sql` union all `)}) order by id desc limit ${filter.take})`;
  }

  const customerStatements = {
    others: db.$client.prepare<
      [string, string | null, string, string, number],
      { id: string; text: string; status: CustomerQuestion['status']; createdAt: number }
    >(CUSTOMER_HISTORY_SQL),
    // Posts carry their time to the second on X, so questions asked in the same second are ordered by id.
    inWeek: db.$client.prepare<[string, string | null, string, number, number, number, string], { n: number }>(
      `select count(*) n from questions where channel = ? and ${CUSTOMER}
         and created_at > ? and created_at <= ? and (created_at < ? or id <= ?)`,
    ),
  };

  return {
    read: {
      async byId(id: string): Promise<QuestionRow | undefined> {
        return statements.byId.get({ id });
      },

      async byIds(ids: string[]): Promise<QuestionRow[]> {
        if (ids.length === 0) return [];
        return db.select().from(questions).where(inArray(questions.id, ids)).all();
      },

      async byExternalId(channel: string, externalId: string): Promise<QuestionRow | undefined> {
        return statements.byExternalId.get({ channel, externalId });
      },

      /**
       * Where a public post is stored already: as a question, or as a message in a question's thread (its id). Ingest
       * asks both of every post, so PostgreSQL answers them in one statement.
       */
      async findPost(
        channel: string,
        externalId: string,
      ): Promise<{ question: QuestionRow | undefined; inThreadOf: string | undefined }> {
        return {
          question: statements.byExternalId.get({ channel, externalId }),
          inThreadOf: statements.messageQuestion.get({ externalId })?.questionId,
        };
      },

      /** One page of the question list (`take` rows at most), in the filter's order. */
      async list(filter: QuestionListFilter): Promise<QuestionRow[]> {
        const bySla = filter.sort === 'sla';
        if (readsByStatusRanges(filter) && filter.statuses)
          return db
            .select()
            .from(questions)
            .where(inArray(questions.id, newestIds(filter.statuses, filter)))
            .orderBy(desc(questions.id))
            .all();
        return db
          .select()
          .from(questions)
          .where(and(...listConditions(filter, bySla ? undefined : filter.before)))
          .orderBy(
            ...(bySla ? [desc(questions.priority), asc(questions.slaDueAt), asc(questions.id)] : [desc(questions.id)]),
          )
          .limit(filter.take)
          .offset(bySla ? filter.offset : 0)
          .all();
      },

      /** The questions an expert holds in the given statuses. */
      async heldBy(expertId: string, statuses: readonly string[]): Promise<QuestionRow[]> {
        return db
          .select()
          .from(questions)
          .where(and(eq(questions.assigneeId, expertId), inArray(questions.status, [...statuses])))
          .all();
      },

      async countHeldBy(expertId: string, statuses: readonly string[]): Promise<number> {
        return (
          db
            .select({ n: count() })
            .from(questions)
            .where(and(eq(questions.assigneeId, expertId), inArray(questions.status, [...statuses])))
            .get()?.n ?? 0
        );
      },

      /** Of these questions, those in the given statuses. */
      async amongInStatus(ids: string[], statuses: readonly string[]): Promise<QuestionRow[]> {
        if (ids.length === 0) return [];
        return db
          .select()
          .from(questions)
          .where(and(inArray(questions.id, ids), inArray(questions.status, [...statuses])))
          .all();
      },

      /**
       * Questions in the given statuses with no open offer and not flagged `exceptFlag` (held as spam): nobody could
       * be offered them when they last were.
       */
      async withoutOpenOffer(statuses: readonly string[], exceptFlag: string, limit: number): Promise<QuestionRow[]> {
        return db
          .select()
          .from(questions)
          .where(
            and(
              inArray(questions.status, [...statuses]),
              sql`coalesce(${questions.flag}, '') <> ${exceptFlag}`,
              sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`,
            ),
          )
          .limit(limit)
          .all();
      },

      /** Whether an internal note on the question names the user. */
      async mentions(questionId: string, userId: string): Promise<boolean> {
        return !!db
          .select({ id: notes.id })
          .from(notes)
          .where(and(eq(notes.questionId, questionId), namesUser(userId)))
          .get();
      },

      /** The customer's other questions, newest first. */
      async ofCustomer(customer: Customer, exceptId: string, limit: number) {
        return customerStatements.others.all(customer.channel, customer.externalId, customer.handle, exceptId, limit);
      },

      /**
       * How many questions the customer asked in (`from`, `to`], counting those asked at `to` only up to `id`:
       * one range read of the questions_customer index.
       */
      async countsOfCustomers(asked: CustomerWeek[]): Promise<number[]> {
        return asked.map(
          ({ customer, from, to, id }) =>
            customerStatements.inWeek.get(customer.channel, customer.externalId, customer.handle, from, to, to, id)
              ?.n ?? 0,
        );
      },
    },
    write: {
      /** Stores a new question (ingest decides its status: new, or already offered to its first wave). */
      async insert(question: NewQuestion): Promise<QuestionRow> {
        const row = statements.insert.get(question as Parameters<typeof statements.insert.get>[0]);
        if (!row) throw new Error('the question insert returned no row');
        return row;
      },

      /**
       * Moves every question that `action` may start from and that matches `guard` to the action's target status.
       * Returns the rows changed: none when the guard held them back.
       */
      async transition(action: QuestionAction, guard: QuestionGuard, changes: QuestionChanges): Promise<QuestionRow[]> {
        return transition(action, guardSql(guard), changes);
      },

      /**
       * Moves the questions `action` may start from that have no open offer left (every offer of their wave was
       * declined or has expired) to the action's target.
       */
      async transitionWithoutOpenOffers(action: QuestionAction, changes: QuestionChanges): Promise<QuestionRow[]> {
        return transition(
          action,
          sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`,
          changes,
        );
      },

      /** `transition` for one question; undefined when it is not in a status the action may start from. */
      async transitionOne(
        action: QuestionAction,
        id: string,
        changes: QuestionChanges,
        guard?: QuestionGuard,
      ): Promise<QuestionRow | undefined> {
        return transition(action, and(eq(questions.id, id), guardSql(guard)), changes)[0];
      },

      /**
       * A wave went out. A question waiting for its first or next wave becomes `offered`; one that nobody could be
       * offered, or that is escalated, keeps its status and only counts the wave.
       */
      async recordWave(
        id: string,
        wave: { wave: number; flag: string | null; updatedAt: number; offered: boolean },
      ): Promise<QuestionRow | undefined> {
        const values = { id, wave: wave.wave, flag: wave.flag, updatedAt: wave.updatedAt };
        return wave.offered ? statements.offer.get(values) : statements.nextWave.get(values);
      },

      /** Changes that are not a status change (tags' flag, the time of a follow-up); `guard` narrows the row further. */
      async touch(id: string, changes: QuestionChanges, guard?: QuestionGuard): Promise<QuestionRow | undefined> {
        return db
          .update(questions)
          .set(changesSql(changes))
          .where(and(eq(questions.id, id), guardSql(guard)))
          .returning()
          .get();
      },
    },
  };
}
export type QuestionRepository = ReturnType<typeof createQuestionRepository>;
