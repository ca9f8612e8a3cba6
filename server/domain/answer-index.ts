// An incremental TF-IDF index of past answers (question text + reply text), ranked by cosine similarity. Terms come
// from the routing tokenizer, so "similar" means the same thing here as it does when routing a question.
//
// It holds every approved answer (close to a million on a large network), so it is laid out for memory: terms and
// answers are numbered, each answer's terms sit in shared typed arrays, and postings are arrays of answer numbers,
// where a Map per answer and a Set per term would cost far more memory and start-up time
// (docs/architecture.md#why-some-rules-are-so).
import { contentTerms } from './routing/index.js';

export interface AnswerDocument {
  id: string;
  group: string;
  text: string;
}
export interface AnswerMatch {
  id: string;
  group: string;
  score: number;
}
export interface SearchOptions {
  limit: number;
  excludeGroups?: Iterable<string>;
}

const weight = (tf: number) => 1 + Math.log(tf);

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of contentTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

/** An append-only list of numbers in a typed array that doubles when full. */
class NumberList<T extends Int32Array | Float64Array> {
  length = 0;
  constructor(
    public data: T,
    private readonly make: (capacity: number) => T,
  ) {}
  static ints(capacity = 4) {
    return new NumberList(new Int32Array(capacity), (n) => new Int32Array(n));
  }
  static floats(capacity = 4) {
    return new NumberList(new Float64Array(capacity), (n) => new Float64Array(n));
  }
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = this.make(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

export function createAnswerIndex() {
  // Terms, numbered as first seen: their postings (answer numbers, removed answers included until compaction) and
  // how many live answers use them.
  const termIds = new Map<string, number>();
  const postings: NumberList<Int32Array>[] = [];
  const df = NumberList.ints();
  // Answers, numbered as added. An answer's terms are terms[start .. start + count), in first-occurrence order.
  const byId = new Map<string, number>();
  let ids: string[] = [];
  let groups: string[] = [];
  let alive = NumberList.ints();
  let start = NumberList.ints();
  let count = NumberList.ints();
  let terms = NumberList.ints();
  let tfs = NumberList.ints();
  // Norms depend on every idf, so any change marks them all stale; each is recomputed when a search next needs it.
  let norms = NumberList.floats();
  let normGenerations = NumberList.floats();
  let generation = 0;
  let removed = 0;
  // Scratch for search: the dot product per answer, and which answers were touched.
  let dots = new Float64Array(0);
  const touched = NumberList.ints();

  const idf = (term: number) => {
    const n = df.data[term]!;
    return n === 0 ? 0 : Math.log(1 + byId.size / n);
  };

  function norm(doc: number): number {
    if (normGenerations.data[doc] !== generation) {
      let sum = 0;
      for (let i = start.data[doc]!, end = i + count.data[doc]!; i < end; i++)
        sum += (weight(tfs.data[i]!) * idf(terms.data[i]!)) ** 2;
      norms.data[doc] = Math.sqrt(sum);
      normGenerations.data[doc] = generation;
    }
    return norms.data[doc]!;
  }

  function append(id: string, group: string, frequencies: Iterable<[term: number, tf: number]>): number {
    const doc = ids.length;
    ids.push(id);
    groups.push(group);
    alive.push(1);
    start.push(terms.length);
    let n = 0;
    for (const [term, tf] of frequencies) {
      terms.push(term);
      tfs.push(tf);
      postings[term]!.push(doc);
      df.data[term]! += 1;
      n++;
    }
    count.push(n);
    norms.push(0);
    normGenerations.push(-1);
    byId.set(id, doc);
    return doc;
  }

  /** Renumbers the live answers once removed ones are as many: their slots and postings are reclaimed. */
  function compact() {
    const live: { id: string; group: string; frequencies: [number, number][] }[] = [];
    for (let doc = 0; doc < ids.length; doc++) {
      if (!alive.data[doc]) continue;
      const frequencies: [number, number][] = [];
      for (let i = start.data[doc]!, end = i + count.data[doc]!; i < end; i++)
        frequencies.push([terms.data[i]!, tfs.data[i]!]);
      live.push({ id: ids[doc]!, group: groups[doc]!, frequencies });
    }
    byId.clear();
    ids = [];
    groups = [];
    [alive, start, count, terms, tfs] = [
      NumberList.ints(),
      NumberList.ints(),
      NumberList.ints(),
      NumberList.ints(),
      NumberList.ints(),
    ];
    [norms, normGenerations] = [NumberList.floats(), NumberList.floats()];
    for (let term = 0; term < postings.length; term++) {
      postings[term] = NumberList.ints();
      df.data[term] = 0;
    }
    removed = 0;
    for (const doc of live) append(doc.id, doc.group, doc.frequencies);
  }

  function remove(id: string): boolean {
    const doc = byId.get(id);
    if (doc === undefined) return false;
    byId.delete(id);
    alive.data[doc] = 0;
    for (let i = start.data[doc]!, end = i + count.data[doc]!; i < end; i++) df.data[terms.data[i]!]! -= 1;
    generation++;
    if (++removed > Math.max(1024, byId.size)) compact();
    return true;
  }

  function add(doc: AnswerDocument): void {
    remove(doc.id);
    const frequencies = termFrequencies(doc.text);
    if (frequencies.size === 0) return;
    const numbered: [number, number][] = [];
    for (const [term, tf] of frequencies) {
      let id = termIds.get(term);
      if (id === undefined) {
        termIds.set(term, (id = postings.length));
        postings.push(NumberList.ints());
        df.push(0);
      }
      numbered.push([id, tf]);
    }
    append(doc.id, doc.group, numbered);
    generation++;
  }

  /** The best match per group (one per question), best first; scores are cosines in (0, 1]. */
  function search(text: string, { limit, excludeGroups = [] }: SearchOptions): AnswerMatch[] {
    const excluded = new Set(excludeGroups);
    const query: [term: number, weight: number][] = [];
    let squares = 0;
    for (const [word, tf] of termFrequencies(text)) {
      const term = termIds.get(word);
      if (term === undefined) continue;
      const w = weight(tf) * idf(term);
      if (w > 0) {
        query.push([term, w]);
        squares += w * w;
      }
    }
    const queryNorm = Math.sqrt(squares);
    if (queryNorm === 0) return [];
    if (dots.length < ids.length) dots = new Float64Array(ids.length * 2);
    touched.length = 0;
    const tfOf = (doc: number, term: number) => {
      for (let i = start.data[doc]!, end = i + count.data[doc]!; i < end; i++)
        if (terms.data[i] === term) return tfs.data[i]!;
      return 0;
    };
    for (const [term, qw] of query) {
      const termIdf = idf(term);
      const posting = postings[term]!;
      for (let p = 0; p < posting.length; p++) {
        const doc = posting.data[p]!;
        if (!alive.data[doc] || excluded.has(groups[doc]!)) continue;
        if (dots[doc] === 0) touched.push(doc);
        dots[doc]! += qw * weight(tfOf(doc, term)) * termIdf;
      }
    }
    const best = new Map<string, AnswerMatch>();
    for (let t = 0; t < touched.length; t++) {
      const doc = touched.data[t]!;
      const score = Math.min(1, dots[doc]! / (queryNorm * norm(doc)));
      dots[doc] = 0;
      const id = ids[doc]!;
      const group = groups[doc]!;
      const current = best.get(group);
      if (!current || score > current.score || (score === current.score && id > current.id))
        best.set(group, { id, group, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  return {
    add,
    remove,
    search,
    has: (id: string) => byId.has(id),
    get size() {
      return byId.size;
    },
  };
}
export type AnswerIndex = ReturnType<typeof createAnswerIndex>;
