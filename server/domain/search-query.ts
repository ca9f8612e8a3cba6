// What a person types in the search box, read as terms: words, "a quoted phrase", @handle, a question/reply/note id.
// Every word and phrase reaches SQLite as an FTS5 string (double-quoted, inner quotes doubled), never as FTS5 syntax:
// `NEAR(`, `OR`, `-`, `*` and stray quotes are searched for as the words they contain, or dropped when they hold none.

export const MAX_SEARCH_TERMS = 10;

export type SearchTerm =
  | { kind: 'text'; text: string; prefix: boolean }
  | { kind: 'handle'; handle: string }
  | { kind: 'id'; id: string };

// server/domain/ids.ts: 9 base-36 characters of milliseconds, 4 of sequence, 10 hex.
const ID = /^[0-9a-z]{13}[0-9a-f]{10}$/;
const SEARCHABLE = /[\p{L}\p{N}]/u;
const HANDLE = /^@([\p{L}\p{N}_.-]{1,50})$/u;

export function parseSearch(q: string): SearchTerm[] {
  const terms = new Map<string, SearchTerm>();
  // Control characters (NUL among them) would end or break the FTS5 string; they are never part of a word.
  for (const [, quoted, bare] of q.replace(/\p{Cc}/gu, ' ').matchAll(/"([^"]*)"?|([^\s"]+)/g)) {
    const term = quoted !== undefined ? phrase(quoted) : word(bare ?? '');
    const key = JSON.stringify(term).toLowerCase();
    if (term && !terms.has(key)) terms.set(key, term);
  }
  return [...terms.values()];
}

function phrase(text: string): SearchTerm | null {
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return SEARCHABLE.test(trimmed) ? { kind: 'text', text: trimmed, prefix: false } : null;
}

function word(raw: string): SearchTerm | null {
  const text = raw.replace(/[,;:!?)]+$/, '');
  const handle = HANDLE.exec(text)?.[1]?.replace(/[._-]+$/, '');
  if (handle && SEARCHABLE.test(handle)) return { kind: 'handle', handle };
  if (ID.test(text)) return { kind: 'id', id: text };
  // "refu*" asks for words starting with "refu"; a shorter stem would match most of the index.
  const stem = text.replace(/\*+$/, '');
  if (!SEARCHABLE.test(stem)) return null;
  return { kind: 'text', text: stem, prefix: stem !== text && stem.length >= 3 };
}

/** One FTS5 string: the tokenizer splits it into words that must appear in this order. */
export function ftsString(text: string, prefix = false): string {
  return `"${text.replaceAll('"', '""')}"${prefix ? ' *' : ''}`;
}

/**
 * The MATCH expression for the text and handle terms (all must match: FTS5's implicit AND), or null when there are
 * none. A handle is matched at the start of the handle column; the caller compares the whole handle exactly.
 */
export function matchExpression(terms: SearchTerm[]): string | null {
  const parts = terms.flatMap((term) => {
    if (term.kind === 'text') return [ftsString(term.text, term.prefix)];
    if (term.kind === 'handle') return [`handle : ^${ftsString(term.handle)}`];
    return [];
  });
  return parts.length > 0 ? parts.join(' ') : null;
}
