// A new question's rows on PostgreSQL: the question, its tags, its first wave's offers and its log entries in one
// statement, the other three as data-modifying CTEs of the question's insert, each taking its rows as a JSON array.
// Four statements were four round trips for every question ingested, each a wake-up of the node and of its backend;
// on the two-node bench those round trips were most of what a question cost.
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
/** The tags, offers and log entries follow the question's columns, each as one JSON array of rows. */
const [tagsAt, offersAt, logAt] = [1, 2, 3].map((i) => `$${questionColumns.length + i}::json`);

const INSERT_NEW_QUESTION = `with tag_rows as (
  insert into question_tags (question_id, slug, confidence, source)
  select $1, t.slug, t.confidence, t.source
    from json_to_recordset(${tagsAt}) as t(slug text, confidence float8, source text)
), offer_rows as (
  insert into offers (id, question_id, expert_id, wave, score, reasons, state, created_at, expires_at)
  select o.id, $1, o."expertId", o.wave, o.score, o.reasons, o.state, o."createdAt", o."expiresAt"
    from json_to_recordset(${offersAt}) as o(id text, "expertId" text, wave int, score float8, reasons jsonb,
                                           state text, "createdAt" int8, "expiresAt" int8)
), log_rows as (
  insert into events (question_id, actor_id, type, data, at)
  select $1, e."actorId", e.type, coalesce(e.data, '{}'), e.at
    from rows from (json_to_recordset(${logAt}) as ("actorId" text, type text, data jsonb, at int8)) with ordinality
         as e("actorId", type, data, at, place)
   order by e.place
)
insert into questions (${questionColumns.map((c) => `"${c.name}"`).join(', ')})
values (${questionColumns.map((_, i) => `$${i + 1}`).join(', ')})`;

export function createIntakeRepository(db: PgDb): ReturnType<typeof sqliteIntake> {
  const insertNew = namedStatement(db, 'intake_insert', INSERT_NEW_QUESTION);
  return {
    read: {},
    write: {
      async insert(question: NewQuestion, rows: NewQuestionRows): Promise<QuestionRow> {
        // Every column is given (a missing one as null, as the questions repository's insert does), so the row as
        // stored is the row as sent, and it is not read back.
        const row = withNulls(questions, { ...question, priority: question.priority ?? 0, wave: question.wave ?? 0 });
        // The rows as JSON: node-postgres would escape an array parameter's text character by character.
        await insertNew([
          ...questionColumns.map((c) => row[c.key]),
          JSON.stringify(rows.tags),
          JSON.stringify(rows.offers),
          JSON.stringify(rows.log),
        ]);
        return row as QuestionRow;
      },
    },
  };
}
