// Rising topics: the terms whose share of questions grew most from one period to the next one of the same length.
// Shares are per question (a term counts once per question). The previous share is smoothed, so a term unseen before
// still gets a finite growth, and a minimum count keeps a handful of odd posts from topping the list.
import { contentTerms } from './routing/index.js';

export interface TermDocument { id: string; terms: readonly string[] }

export interface RisingTopic {
  term: string;
  count: number;
  previousCount: number;
  share: number;
  previousShare: number;
  /** Current share divided by the smoothed previous share: (count / n) / ((previousCount + 1) / (previousN + 1)). */
  growth: number;
  /** Up to `examples` ids of current documents with the term, in input order. */
  exampleIds: string[];
}

export interface RisingOptions { minCount?: number; limit?: number; examples?: number }

/** The default minimum count: 3, or 0.5% of the current questions when there are many. */
export const defaultMinCount = (documents: number) => Math.max(3, Math.ceil(documents * 0.005));

function documentFrequencies(documents: readonly TermDocument[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const doc of documents) for (const term of new Set(doc.terms)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

export function risingTopics(current: readonly TermDocument[], previous: readonly TermDocument[], options: RisingOptions = {}): RisingTopic[] {
  const { minCount = defaultMinCount(current.length), limit = 10, examples = 3 } = options;
  if (current.length === 0) return [];
  const now = documentFrequencies(current);
  const before = documentFrequencies(previous);
  const rising: Omit<RisingTopic, 'exampleIds'>[] = [];
  for (const [term, count] of now) {
    if (count < minCount) continue;
    const previousCount = before.get(term) ?? 0;
    const share = count / current.length;
    const previousShare = previous.length > 0 ? previousCount / previous.length : 0;
    if (share <= previousShare) continue;
    const growth = share / ((previousCount + 1) / (previous.length + 1));
    if (growth <= 1) continue;
    rising.push({ term, count, previousCount, share, previousShare, growth });
  }
  rising.sort((a, b) => b.growth - a.growth || b.count - a.count || (a.term < b.term ? -1 : 1));
  return rising.slice(0, limit).map((topic) => ({
    ...topic,
    exampleIds: current.filter((doc) => doc.terms.includes(topic.term)).slice(0, examples).map((doc) => doc.id),
  }));
}

/** Question texts as term documents, with the routing tokenizer's content terms (stemmed). */
export function toTermDocuments(items: readonly { id: string; text: string }[]): TermDocument[] {
  return items.map((item) => ({ id: item.id, terms: [...new Set(contentTerms(item.text))] }));
}

const WORDS_KEPT = 200_000;

/** A readable word for each stemmed term: the surface form the texts use most often ("cancelled" for "cancell"). */
export function surfaceForms(texts: readonly string[], terms: Iterable<string>): Map<string, string> {
  const wanted = new Set(terms);
  const seen = new Map<string, Map<string, number>>();
  // What each distinct raw word reads as: the same few thousand words make up nearly all of the texts.
  const read = new Map<string, { word: string; term: string } | null>();
  const readWord = (raw: string) => {
    const word = raw.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').replace(/['’]s$/u, '');
    if (!word || raw.startsWith('@')) return null;
    const stems = contentTerms(word);
    return stems.length === 1 && wanted.has(stems[0]!) ? { word, term: stems[0]! } : null;
  };
  for (const text of texts) {
    for (const raw of text.split(/\s+/)) {
      let found = read.get(raw);
      if (found === undefined) {
        if (read.size >= WORDS_KEPT) read.clear();
        read.set(raw, (found = readWord(raw)));
      }
      if (!found) continue;
      const forms = seen.get(found.term) ?? new Map<string, number>();
      forms.set(found.word, (forms.get(found.word) ?? 0) + 1);
      seen.set(found.term, forms);
    }
  }
  const labels = new Map<string, string>();
  for (const term of wanted) {
    const forms = [...(seen.get(term) ?? [])].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1));
    labels.set(term, forms[0]?.[0] ?? term);
  }
  return labels;
}
