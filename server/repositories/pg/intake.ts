// A new question's rows on PostgreSQL: the question, its tags, its first wave's offers and its log entries in one
// statement, the other three as data-modifying CTEs of the question's insert, each taking its rows as arrays. Four
// statements were four round trips for every question ingested, each a wake-up of the node and of its backend; on
// the two-node bench those round trips were most of what a question cost.
//
// The foreign keys of the tags and offers hold: PostgreSQL checks them when the whole statement is done, the question
// inserted. The log's entries get their ids (their order) in the order given, by `with ordinality`.
import { getTableColumns } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { questions } from '../../../db/pg/schema.js';
import type { QuestionRow } from '../../../db/schema.js';
import type { createIntakeRepository as sqliteIntake, NewQuestionRows } from '../intake.js';
import type { NewQuestion } from '../questions.js';
import { namedStatement, withNulls } from './connection.js';

const questionColumns = Object.entries(getTableColumns(questions)).map(([key, column]) => ({ key, name: column.name }));
const first = questionColumns.length + 1;
/** `$n` for each array parameter after the question's columns, in the order `arraysOf` gives them. */
const p = (i: number) => `$${first + i}`;

const INSERT_NEW_QUESTION = `with tag_rows as (
  insert into question_tags (question_id, slug, confidence, source)
  select $1, t.slug, t.confidence, t.source
    from unnest(${p(0)}::text[], ${p(1)}::float8[], ${p(2)}::text[]) as t(slug, confidence, source)
), offer_rows as (
  insert into offers (id, question_id, expert_id, wave, score, reasons, state, created_at, expires_at)
  select o.id, $1, o.expert_id, o.wave, o.score, o.reasons::jsonb, o.state, o.created_at, o.expires_at
    from unnest(${p(3)}::text[], ${p(4)}::text[], ${p(5)}::int[], ${p(6)}::float8[], ${p(7)}::text[], ${p(8)}::text[],
                ${p(9)}::int8[], ${p(10)}::int8[])
         as o(id, expert_id, wave, score, reasons, state, created_at, expires_at)
), log_rows as (
  insert into events (question_id, actor_id, type, data, at)
  select $1, e.actor_id, e.type, e.data::jsonb, e.at
    from unnest(${p(11)}::text[], ${p(12)}::text[], ${p(13)}::text[], ${p(14)}::int8[]) with ordinality
         as e(actor_id, type, data, at, place)
   order by e.place
)
insert into questions (${questionColumns.map((c) => `"${c.name}"`).join(', ')})
values (${questionColumns.map((_, i) => `$${i + 1}`).join(', ')})`;

/** The rows as one array per column, in the statement's order. */
function arraysOf(rows: NewQuestionRows): unknown[][] {
  const { tags, offers, log } = rows;
  return [
    tags.map((t) => t.slug),
    tags.map((t) => t.confidence),
    tags.map((t) => t.source),
    offers.map((o) => o.id),
    offers.map((o) => o.expertId),
    offers.map((o) => o.wave),
    offers.map((o) => o.score),
    offers.map((o) => JSON.stringify(o.reasons)),
    offers.map((o) => o.state),
    offers.map((o) => o.createdAt),
    offers.map((o) => o.expiresAt),
    log.map((e) => e.actorId ?? null),
    log.map((e) => e.type),
    log.map((e) => JSON.stringify(e.data ?? {})),
    log.map((e) => e.at),
  ];
}

export function createIntakeRepository(db: PgDb): ReturnType<typeof sqliteIntake> {
  const insertNew = namedStatement(db, 'intake_insert', INSERT_NEW_QUESTION);
  return {
    read: {},
    write: {
      async insert(question: NewQuestion, rows: NewQuestionRows): Promise<QuestionRow> {
        // Every column is given (a missing one as null, as the questions repository's insert does), so the row as
        // stored is the row as sent, and it is not read back.
        const row = withNulls(questions, { ...question, priority: question.priority ?? 0, wave: question.wave ?? 0 });
        await insertNew([...questionColumns.map((c) => row[c.key]), ...arraysOf(rows)]);
        return row as QuestionRow;
      },
    },
  };
}
