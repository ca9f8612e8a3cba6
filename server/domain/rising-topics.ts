// Rising topics: the terms whose share of questions grew most from one period to the next one of the same length.
// Shares are per question (a term counts once per question). The previous share is smoothed, so a term unseen before
// still gets a finite growth, and a minimum count keeps a handful of odd posts from topping the list.
// A period is counted one question at a time into a TermCounts, whose size grows with the vocabulary rather than with
// the number of questions, so a long period on a large history fits in memory.
import { contentTerms, ownCopy } from './routing/index.js';

export interface TermDocument {
  id: string;
  terms: readonly string[];
}

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

export interface RisingOptions {
  minCount?: number;
  limit?: number;
}

/** The default minimum count: 3, or 0.5% of the current questions when there are many. */
export const defaultMinCount = (documents: number) => Math.max(3, Math.ceil(documents * 0.005));

/** A word as texts write it, and the term it reads as. */
interface Word {
  form: string;
  term: string;
}

/** Distinct raw words kept while reading forms: a period's texts repeat a few thousand words, with a long tail. */
const WORDS_KEPT = 200_000;

/**
 * One period's term statistics, added one document at a time: in how many documents each term occurs, the first
 * `examples` of them, and, with `forms`, the words behind each term as customers wrote them.
 */
export class TermCounts {
  documents = 0;
  readonly frequencies = new Map<string, number>();
  private readonly firstIds = new Map<string, string[]>();
  private readonly forms = new Map<string, Map<string, number>>();
  private readonly words = new Map<string, Word | null>();

  constructor(private readonly options: { examples?: number; forms?: boolean } = {}) {}

  /** Counts a question's text; true when it became an example of some term. */
  addText(id: string, text: string): boolean {
    if (this.options.forms) this.countForms(text);
    return this.addTerms(id, contentTerms(text));
  }

  /** Counts a document already split into terms (each counts once); true when it became an example of some term. */
  addTerms(id: string, terms: readonly string[]): boolean {
    this.documents++;
    const examples = this.options.examples ?? 0;
    let kept = false;
    for (const term of new Set(terms)) {
      this.frequencies.set(term, (this.frequencies.get(term) ?? 0) + 1);
      if (examples === 0) continue;
      const ids = this.firstIds.get(term);
      if (!ids) this.firstIds.set(term, [id]);
      else if (ids.length < examples) ids.push(id);
      else continue;
      kept = true;
    }
    return kept;
  }

  exampleIds(term: string): string[] {
    return this.firstIds.get(term) ?? [];
  }

  /** A readable word for a stemmed term: the surface form the texts use most often ("cancelled" for "cancell"). */
  label(term: string): string {
    const forms = [...(this.forms.get(term) ?? [])].sort(
      (a, b) => b[1] - a[1] || a[0].length - b[0].length || (a[0] < b[0] ? -1 : 1),
    );
    return forms[0]?.[0] ?? term;
  }

  private countForms(text: string) {
    for (const raw of text.split(/\s+/)) {
      let word = this.words.get(raw);
      if (word === undefined) {
        if (this.words.size >= WORDS_KEPT) this.words.clear();
        this.words.set(ownCopy(raw), (word = readWord(raw)));
      }
      if (!word) continue;
      let forms = this.forms.get(word.term);
      if (!forms) this.forms.set(word.term, (forms = new Map()));
      forms.set(word.form, (forms.get(word.form) ?? 0) + 1);
    }
  }
}

/** What a whitespace-separated piece of text reads as, if it is one content word (not a @mention). */
function readWord(raw: string): Word | null {
  const form = raw
    .toLowerCase()
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/['’]s$/u, '');
  if (!form || raw.startsWith('@')) return null;
  const stems = contentTerms(form);
  return stems.length === 1 ? { form: ownCopy(form), term: stems[0]! } : null;
}

/** The terms of `current` that rose against `previous`, each with the example ids `current` kept. */
export function risingBetween(current: TermCounts, previous: TermCounts, options: RisingOptions = {}): RisingTopic[] {
  const { minCount = defaultMinCount(current.documents), limit = 10 } = options;
  if (current.documents === 0) return [];
  const rising: Omit<RisingTopic, 'exampleIds'>[] = [];
  for (const [term, count] of current.frequencies) {
    if (count < minCount) continue;
    const previousCount = previous.frequencies.get(term) ?? 0;
    const share = count / current.documents;
    const previousShare = previous.documents > 0 ? previousCount / previous.documents : 0;
    if (share <= previousShare) continue;
    const growth = share / ((previousCount + 1) / (previous.documents + 1));
    if (growth <= 1) continue;
    rising.push({ term, count, previousCount, share, previousShare, growth });
  }
  rising.sort((a, b) => b.growth - a.growth || b.count - a.count || (a.term < b.term ? -1 : 1));
  return rising.slice(0, limit).map((topic) => ({ ...topic, exampleIds: current.exampleIds(topic.term) }));
}

/** Rising topics of documents already split into terms. */
export function risingTopics(
  current: readonly TermDocument[],
  previous: readonly TermDocument[],
  options: RisingOptions & { examples?: number } = {},
): RisingTopic[] {
  const now = new TermCounts({ examples: options.examples ?? 3 });
  for (const doc of current) now.addTerms(doc.id, doc.terms);
  const before = new TermCounts();
  for (const doc of previous) before.addTerms(doc.id, doc.terms);
  return risingBetween(now, before, options);
}

/** Question texts as term documents, with the routing tokenizer's content terms (stemmed). */
export function toTermDocuments(items: readonly { id: string; text: string }[]): TermDocument[] {
  return items.map((item) => ({ id: item.id, terms: [...new Set(contentTerms(item.text))] }));
}

/** A readable word for each stemmed term, from these texts (see TermCounts.label). */
export function surfaceForms(texts: readonly string[], terms: Iterable<string>): Map<string, string> {
  const counts = new TermCounts({ forms: true });
  texts.forEach((text, i) => counts.addText(String(i), text));
  return new Map([...terms].map((term) => [term, counts.label(term)]));
}
