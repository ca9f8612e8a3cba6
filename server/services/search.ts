// What the search box accepts, checked before a search runs or is saved in a view. The search itself is a condition
// of the question list (server/repositories/search.ts).
import { MAX_SEARCH_TERMS, parseSearch, type SearchTerm } from '../domain/search-query.js';
import { AppError } from '../errors.js';

/** The search's terms; a 400 when there are more than the list will look for. */
export function checkSearch(q: string): SearchTerm[] {
  const terms = parseSearch(q);
  if (terms.length > MAX_SEARCH_TERMS)
    throw new AppError(
      400,
      'invalid_request',
      `q: at most ${MAX_SEARCH_TERMS} words, phrases, @handles or ids (this has ${terms.length})`,
    );
  return terms;
}
