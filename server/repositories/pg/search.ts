// Search on PostgreSQL: the same list condition as ../search.ts, over the tsvector documents of search_docs
// (db/pg/migrations/0001_search.sql). The user's text only ever reaches PostgreSQL as a bound parameter: a phrase goes
// through phraseto_tsquery, which reads no operators, and a prefix is quoted as one tsquery lexeme before `:*` is added.
import { and, inArray, type SQL, sql } from 'drizzle-orm';
import { notes, questions, replies } from '../../../db/pg/schema.js';
import type { SearchTerm } from '../../domain/search-query.js';
import { checkSearch } from '../../services/search.js';

// Inside a quoted tsquery lexeme a backslash escapes the next character and a quote is doubled. quote_literal would
// write a backslash as E'…\\…', whose E tsquery would read as a word.
const prefixQuery = (text: string) =>
  sql`to_tsquery('simple', '''' || replace(replace(${text}::text, '\\', '\\\\'), '''', '''''') || ''':*')`;

// TODO(pg): the words differ from FTS5's unicode61 where PostgreSQL's parser reads more than letters and digits:
// search_docs keeps "rob@example.com", "example.com/help", "v2.0" and "1.5" whole (so "example" or "v2" finds nothing
// there), a hyphenated word as itself and its parts (so "fi-router" or "wi-fi router" misses "wi-fi-router"), and
// neither folds diacritics ("cafe" misses "café") nor, under a C ctype, the case of non-ASCII letters. Both sides
// would need one normalisation (ICU lower, NFD without marks, every other character a space) in the migration's
// search_document and here. And `:*` marks every word of a stem such as "it's*", where FTS5 marks only the last.
const textQuery = (term: Extract<SearchTerm, { kind: 'text' }>) =>
  term.prefix ? prefixQuery(term.text) : sql`phraseto_tsquery('simple', ${term.text}::text)`;

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
