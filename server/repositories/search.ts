// Search as a condition on the question list: GET /api/questions?q= narrows whatever else the list filters by (status,
// tag, assignee, and an expert's own questions), so search can never show more than the list would. The index is one
// FTS5 document per question, kept in step by triggers (db/migrations/0011_search.sql).
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { notes, questions, replies } from '../../db/schema.js';
import { matchExpression, type SearchTerm } from '../domain/search-query.js';
import { checkSearch } from '../services/search.js';

const matchingQuestions = (match: string) =>
  inArray(
    questions.id,
    sql`(select d.question_id from search_index s join search_docs d on d.id = s.rowid where search_index match ${match})`,
  );

// An id finds its question whether it names the question itself or one of its replies or notes.
const byId = (id: string) =>
  sql`(${eq(questions.id, id)} or ${questions.id} in (select ${replies.questionId} from ${replies} where ${replies.id} = ${id} union all select ${notes.questionId} from ${notes} where ${notes.id} = ${id}))`;

// The index matched the handle's words at its start; the whole handle must be the same, with or without its "@".
const byHandle = (handle: string) => sql`ltrim(${questions.authorHandle}, '@') = ${handle} collate nocase`;

/** The list condition for a search, or undefined when `q` holds nothing at all. Text with nothing searchable finds nothing. */
export function searchCondition(q: string): SQL | undefined {
  if (!q.trim()) return undefined;
  const terms = checkSearch(q);
  if (terms.length === 0) return sql`0`;
  const match = matchExpression(terms);
  return and(
    match ? matchingQuestions(match) : undefined,
    ...terms.map((term: SearchTerm) =>
      term.kind === 'id' ? byId(term.id) : term.kind === 'handle' ? byHandle(term.handle) : undefined,
    ),
  );
}
