const URL_PATTERN = /\b(?:https?:\/\/|www\.)\S+/giu;
const MENTION_PATTERN = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;
const HASHTAG_PATTERN = /#([\p{L}\p{N}_]+)/gu;
const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
const DIACRITICS = /\p{M}+/gu;

const STOPWORDS = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can cannot could did do does doing down during each few for from further had has have having he her here hers him his ' +
    'how i if in into is it its itself just me more most my no nor not of off on once only or other our ours out over own same ' +
    'she should so some such than that the their theirs them then there these they this those through to too under until up ' +
    'very was we were what when where which while who whom why will with would you your yours im ive id dont doesnt didnt cant ' +
    'wont isnt arent get got also please pls plz thanks thank hi hello hey u ur ok okay yes yeah'
  ).split(' '),
);

export function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (/(?:sses|xes|ches|shes|zzes)$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith('ing') && w.length >= 6) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length >= 5) w = undouble(w.slice(0, -2));
  if (w.endsWith('e') && w.length >= 5) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(w) && !/(?:ll|ss|zz)$/.test(w) ? w.slice(0, -1) : w;
}

function normalizeWord(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(DIACRITICS, '')
    .toLowerCase()
    .replace(/['’]s$/u, '')
    .replace(/['’]/gu, '');
}

function splitHashtag(tag: string): string[] {
  const parts: string[] = [];
  let current = '';
  const chars = [...tag];
  chars.forEach((ch, i) => {
    const prev = chars[i - 1] ?? '';
    const next = chars[i + 1] ?? '';
    const brandPrefix = current.length === 1 && parts.length === 0 && isLower(current);
    const boundary =
      ch === '_' ||
      (isUpper(ch) && isLower(prev) && !brandPrefix) ||
      (isUpper(ch) && isUpper(prev) && isLower(next)) ||
      (isDigit(ch) !== isDigit(prev) && prev !== '' && prev !== '_');
    if (boundary && current) {
      parts.push(current);
      current = '';
    }
    if (ch !== '_') current += ch;
  });
  if (current) parts.push(current);
  return parts;
}

const isLower = (ch: string) => /\p{Ll}/u.test(ch);
const isUpper = (ch: string) => /\p{Lu}/u.test(ch);
const isDigit = (ch: string) => /\p{N}/u.test(ch);

// Ingest classifies a text and then routes it, and both tokenize it: the last result is kept for the second call.
// Callers only read the array (they filter and iterate), so sharing it is safe.
let lastText: string | null = null;
let lastTokens: readonly string[] = [];

export function tokenize(text: string): readonly string[] {
  if (text === lastText) return lastTokens;
  lastTokens = tokenizeAnew(text);
  lastText = text;
  return lastTokens;
}

function tokenizeAnew(text: string): string[] {
  const cleaned = text
    .replace(URL_PATTERN, ' ')
    .replace(MENTION_PATTERN, '$1 ')
    .replace(HASHTAG_PATTERN, (_, tag: string) => {
      const parts = splitHashtag(tag);
      const joined = parts.length > 1 ? ` ${parts.join('')}` : '';
      return ` ${parts.join(' ')}${joined} `;
    });
  const tokens: string[] = [];
  for (const match of cleaned.matchAll(WORD_PATTERN)) {
    const token = tokenOf(match[0]);
    if (token) tokens.push(token);
  }
  return tokens;
}

// Normalizing and stemming a word takes several regular expressions, and words repeat (a few hundred make up most of
// any text), so each raw word's token is kept rather than worked out again at every occurrence
// (docs/architecture.md#why-some-rules-are-so). The map is emptied when full, which bounds it without the bookkeeping
// of an LRU.
const WORDS_KEPT = 50_000;
const tokens = new Map<string, string>();

function tokenOf(raw: string): string {
  let token = tokens.get(raw);
  if (token === undefined) {
    const word = normalizeWord(raw);
    token = word ? ownCopy(stem(word)) : '';
    if (tokens.size >= WORDS_KEPT) tokens.clear();
    tokens.set(ownCopy(raw), token);
  }
  return token;
}

/**
 * A string to keep in a long-lived map. V8 stores a substring of 13 or more characters (a regular expression match,
 * a slice) as a view into the whole string it was cut from, so a kept word would keep the customer's entire post
 * alive, and a full word map tens of thousands of them. Concatenating and slicing off again makes V8 flatten the
 * word into a string of its own first.
 */
export function ownCopy(text: string): string {
  return text.length < 13 ? text : (' ' + text).slice(1);
}

export function isContentTerm(token: string): boolean {
  return token.length > 1 && !STOPWORDS.has(token);
}

export function contentTerms(text: string): string[] {
  return tokenize(text).filter(isContentTerm);
}
