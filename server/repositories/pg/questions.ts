// Questions on PostgreSQL: the same reads and writes as ../questions.ts, over db/pg/schema.ts. Every status change is
// still one guarded `UPDATE … WHERE status IN (…) RETURNING`.
import { and, asc, count, desc, eq, exists, inArray, isNull, lt, lte, ne, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { PgDb } from '../../../db/pg/client.js';
import { placeholdersFor, prepared, withNulls } from './connection.js';
import { messages, notes, offers, questions, questionTags } from '../../../db/pg/schema.js';
import type { CustomerQuestion } from '../../contracts/api.js';
import { type QuestionAction, statusesFor, targetOf } from '../../domain/lifecycle.js';
import type {
  Customer,
  CustomerWeek,
  NewQuestion,
  QuestionChanges,
  QuestionGuard,
  QuestionListFilter,
  createQuestionRepository as sqliteQuestions,
} from '../questions.js';
import { readsByStatusRanges } from '../questions.js';
import { searchCondition } from './search.js';

type QuestionRow = typeof questions.$inferSelect;

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
  if (guard.notFlagged !== undefined)
    conditions.push(sql`coalesce(${questions.flag}, '') <> ${guard.notFlagged}::text`);
  return and(...conditions);
}

function changesSql({ clearNoExpertFlag, firstReplyAtUnlessSet, ...values }: QuestionChanges) {
  const set: Record<string, unknown> = { ...values };
  if (clearNoExpertFlag) set.flag = sql`nullif(${questions.flag}, 'no-expert')`;
  if (firstReplyAtUnlessSet !== undefined)
    set.firstReplyAt = sql`coalesce(${questions.firstReplyAt}, ${firstReplyAtUnlessSet}::bigint)`;
  return set as Partial<typeof questions.$inferInsert>;
}

// The customer's left side is the expression of the questions_customer index.
const sameCustomer = (customer: Customer) =>
  sql`coalesce(${questions.authorExternalId}, '@' || lower(${questions.authorHandle})) = coalesce(${customer.externalId}::text, '@' || lower(${customer.handle}::text))`;

const withoutOpenOffer = sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`;

export function createQuestionRepository(db: PgDb): ReturnType<typeof sqliteQuestions> {
  const byExternalId = prepared(db, 'questions_by_external_id', (b) =>
    b
      .select()
      .from(questions)
      .where(
        and(eq(questions.channel, sql.placeholder('channel')), eq(questions.externalId, sql.placeholder('externalId'))),
      )
      .limit(1),
  );
  const findPost = prepared(db, 'questions_find_post', (b) =>
    b
      .select({
        question: questions,
        inThreadOf: sql<
          string | null
        >`(select ${messages.questionId} from ${messages} where ${messages.externalId} = ${sql.placeholder('externalId')} limit 1)`,
      })
      .from(sql`(select 1) as post`)
      .leftJoin(
        questions,
        and(eq(questions.channel, sql.placeholder('channel')), eq(questions.externalId, sql.placeholder('externalId'))),
      ),
  );
  const insert = prepared(db, 'questions_insert', (b) =>
    b.insert(questions).values(placeholdersFor(questions)).returning(),
  );

  async function transition(
    action: QuestionAction,
    where: SQL | undefined,
    changes: QuestionChanges,
  ): Promise<QuestionRow[]> {
    return db
      .update(questions)
      .set({ ...changesSql(changes), status: targetOf(action) })
      .where(and(inArray(questions.status, statusesFor(action)), where))
      .returning();
  }

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

  const namesUser = (userId: string) => sql`${notes.mentions} @> jsonb_build_array(${userId}::text)`;

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
      // One id list rather than SQLite's `assignee = … or id in (…) or id in (…)`: SQLite reads each arm off its own
      // index (a multi-index OR), PostgreSQL cannot with subqueries, and would test every question in id order.
      const held = alias(questions, 'held');
      conditions.push(
        inArray(
          questions.id,
          db
            .select({ id: held.id })
            .from(held)
            .where(eq(held.assigneeId, viewer.id))
            .unionAll(db.select({ id: offers.questionId }).from(offers).where(eq(offers.expertId, viewer.id)))
            .unionAll(db.select({ id: notes.questionId }).from(notes).where(namesUser(viewer.id))),
        ),
      );
    }
    if (filter.q) conditions.push(searchCondition(filter.q));
    return conditions;
  }

  // As on SQLite, each status's (status, id) range is read newest first and the newest n of those kept: PostgreSQL
  // cannot read `status in (…)` off that index in id order either.
  function newestIds(statuses: string[], filter: QuestionListFilter): SQL {
    const ranges = statuses.map(
      (status) =>
        sql`${db
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
    return sql`(select id from (${sql.join(ranges, sql` union all `)}) as ranges order by id desc limit ${filter.take})`;
  }

  return {
    read: {
      async byId(id: string) {
        const [row] = await db.select().from(questions).where(eq(questions.id, id)).limit(1);
        return row;
      },

      async byIds(ids: string[]) {
        if (ids.length === 0) return [];
        return db.select().from(questions).where(inArray(questions.id, ids));
      },

      async findPost(channel: string, externalId: string) {
        const [row] = await findPost.execute({ channel, externalId });
        return { question: row?.question ?? undefined, inThreadOf: row?.inThreadOf ?? undefined };
      },

      async byExternalId(channel: string, externalId: string) {
        const [row] = await byExternalId.execute({ channel, externalId });
        return row;
      },

      async list(filter: QuestionListFilter) {
        const bySla = filter.sort === 'sla';
        if (readsByStatusRanges(filter) && filter.statuses)
          return db
            .select()
            .from(questions)
            .where(inArray(questions.id, newestIds(filter.statuses, filter)))
            .orderBy(desc(questions.id));
        return db
          .select()
          .from(questions)
          .where(and(...listConditions(filter, bySla ? undefined : filter.before)))
          .orderBy(
            ...(bySla ? [desc(questions.priority), asc(questions.slaDueAt), asc(questions.id)] : [desc(questions.id)]),
          )
          .limit(filter.take)
          .offset(bySla ? filter.offset : 0);
      },

      async heldBy(expertId: string, statuses: readonly string[]) {
        return db
          .select()
          .from(questions)
          .where(and(eq(questions.assigneeId, expertId), inArray(questions.status, [...statuses])));
      },

      async countHeldBy(expertId: string, statuses: readonly string[]) {
        const [row] = await db
          .select({ n: count() })
          .from(questions)
          .where(and(eq(questions.assigneeId, expertId), inArray(questions.status, [...statuses])));
        return row?.n ?? 0;
      },

      async amongInStatus(ids: string[], statuses: readonly string[]) {
        if (ids.length === 0) return [];
        return db
          .select()
          .from(questions)
          .where(and(inArray(questions.id, ids), inArray(questions.status, [...statuses])));
      },

      async withoutOpenOffer(statuses: readonly string[], exceptFlag: string, limit: number) {
        return db
          .select()
          .from(questions)
          .where(
            and(
              inArray(questions.status, [...statuses]),
              sql`coalesce(${questions.flag}, '') <> ${exceptFlag}::text`,
              withoutOpenOffer,
            ),
          )
          .limit(limit);
      },

      async mentions(questionId: string, userId: string) {
        const [row] = await db
          .select({ id: notes.id })
          .from(notes)
          .where(and(eq(notes.questionId, questionId), namesUser(userId)))
          .limit(1);
        return !!row;
      },

      // Questions asked in the same second by id, newest first, the order SQLite's rowids give them: here a row's place
      // among equal keys of the index moves when the row is updated.
      async ofCustomer(customer: Customer, exceptId: string, limit: number) {
        return db
          .select({
            id: questions.id,
            text: questions.text,
            status: sql<CustomerQuestion['status']>`${questions.status}`,
            createdAt: questions.createdAt,
          })
          .from(questions)
          .where(and(eq(questions.channel, customer.channel), sameCustomer(customer), ne(questions.id, exceptId)))
          .orderBy(desc(questions.createdAt), desc(questions.id))
          .limit(limit);
      },

      // Posts carry their time to the second on X, so questions asked in the same second are ordered by id. One
      // statement for the whole list: a page of the queue asks for 50, each a round trip when asked one by one.
      async countsOfCustomers(asked: CustomerWeek[]) {
        if (asked.length === 0) return [];
        const column = <T>(pick: (a: CustomerWeek) => T) => sql.param(asked.map(pick));
        const { rows } = await db.execute<{ n: number }>(
          sql`select (select count(*) from ${questions} q
                       where q.channel = a.channel
                         and coalesce(q.author_external_id, '@' || lower(q.author_handle)) = coalesce(a.external_id, '@' || lower(a.handle))
                         and q.created_at > a.from_at and q.created_at <= a.to_at and (q.created_at < a.to_at or q.id <= a.id)) n
                from unnest(${column((a) => a.customer.channel)}::text[], ${column((a) => a.customer.externalId)}::text[],
                            ${column((a) => a.customer.handle)}::text[], ${column((a) => a.from)}::bigint[],
                            ${column((a) => a.to)}::bigint[], ${column((a) => a.id)}::text[])
                     with ordinality a(channel, external_id, handle, from_at, to_at, id, place)
               order by a.place`,
        );
        return rows.map((row) => Number(row.n));
      },
    },
    write: {
      async insert(question: NewQuestion) {
        const [row] = await insert.execute(
          withNulls(questions, { ...question, priority: question.priority ?? 0, wave: question.wave ?? 0 }),
        );
        if (!row) throw new Error('the question insert returned no row');
        return row;
      },

      async transition(action: QuestionAction, guard: QuestionGuard, changes: QuestionChanges) {
        return transition(action, guardSql(guard), changes);
      },

      async transitionWithoutOpenOffers(action: QuestionAction, changes: QuestionChanges) {
        return transition(action, withoutOpenOffer, changes);
      },

      async transitionOne(action: QuestionAction, id: string, changes: QuestionChanges, guard?: QuestionGuard) {
        const [row] = await transition(action, and(eq(questions.id, id), guardSql(guard)), changes);
        return row;
      },

      async recordWave(id: string, wave: { wave: number; flag: string | null; updatedAt: number; offered: boolean }) {
        const values = { wave: wave.wave, flag: wave.flag, updatedAt: wave.updatedAt };
        const [row] = wave.offered
          ? await db
              .update(questions)
              .set({ ...values, status: targetOf('offer') })
              .where(and(eq(questions.id, id), inArray(questions.status, statusesFor('offer'))))
              .returning()
          : await db.update(questions).set(values).where(eq(questions.id, id)).returning();
        return row;
      },

      async touch(id: string, changes: QuestionChanges, guard?: QuestionGuard) {
        const [row] = await db
          .update(questions)
          .set(changesSql(changes))
          .where(and(eq(questions.id, id), guardSql(guard)))
          .returning();
        return row;
      },
    },
  };
}
