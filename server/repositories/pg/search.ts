// Search on PostgreSQL: the same list condition as ../search.ts, over the tsvector documents of search_docs
// (db/pg/migrations/0001_search.sql). The user's text only ever reaches PostgreSQL as a bound parameter.
import { and, inArray, type SQL, sql } from 'drizzle-orm';
import { notes, questions, replies } from '../../../db/pg/schema.js';
import type { SearchTerm } from '../../domain/search-query.js';
import { checkSearch } from '../../services/search.js';

// The searched text is cut into words as the documents were (search_words in db/pg/migrations/0001_search.sql), so
// "wi-fi", "café" and "rob@example.com" find what FTS5 finds on SQLite. A phrase is those words in order; a prefix
// ("refu*") marks its last word, as FTS5 does. What search_words leaves is letters, digits and single spaces, so
// joining the words with tsquery's `<->` can never write an operator the user typed.
const words = (text: string) => sql`trim(search_words(${text}::text))`;
const textQuery = (term: Extract<SearchTerm, { kind: 'text' }>) =>
  term.prefix
    ? sql`(case when ${words(term.text)} = '' then phraseto_tsquery('simple', '')
        else to_tsquery('simple', regexp_replace(${words(term.text)}, ' ', ' <-> ', 'g') || ':*') end)`
    : sql`phraseto_tsquery('simple', ${words(term.text)})`;

// search_docs is not in db/pg/schema.ts (drizzle-kit has no tsvector), so it is named here as the migration names it.
// Each term is its own `@@`, not one query joined with &&: a term with no words to PostgreSQL (an empty tsquery) then
// matches nothing, as && would drop it and find more.
const matchingQuestions = (queries: SQL[]) =>
  inArray(
    questions.id,
    sql`(select question_id from search_docs where ${sql.join(
      queries.map((query) => sql`doc @@ ${query}`),
      sql` and `,
    )})`,
  );

// One id list, where SQLite writes `id = … or id in (…)` and reads each arm off its own index: PostgreSQL would test
// every question against the subquery instead.
const byId = (id: string) =>
  sql`${questions.id} in (select ${id}::text union all select ${replies.questionId} from ${replies} where ${replies.id} = ${id} union all select ${notes.questionId} from ${notes} where ${notes.id} = ${id})`;

// The whole handle, with or without its "@", in any case: the expression of the questions_handle index.
const byHandle = (handle: string) => sql`lower(ltrim(${questions.authorHandle}, '@')) = lower(${handle}::text)`;

export function searchCondition(q: string): SQL | undefined {
  if (!q.trim()) return undefined;
  const terms = checkSearch(q);
  if (terms.length === 0) return sql`false`;
  const queries = terms.flatMap((term) => (term.kind === 'text' ? [textQuery(term)] : []));
  return and(
    queries.length > 0 ? matchingQuestions(queries) : undefined,
    ...terms.map((term) =>
      term.kind === 'id' ? byId(term.id) : term.kind === 'handle' ? byHandle(term.handle) : undefined,
    ),
  );
}
