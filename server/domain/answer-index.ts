// An incremental TF-IDF index of past answers (question text + reply text), ranked by cosine similarity. Terms come
// from the routing tokenizer, so "similar" means the same thing here as it does when routing a question.
import { contentTerms } from './routing/index.js';

export interface AnswerDocument { id: string; group: string; text: string }
export interface AnswerMatch { id: string; group: string; score: number }
export interface SearchOptions { limit: number; excludeGroups?: Iterable<string> }

interface Entry { group: string; terms: Map<string, number>; norm: number; normGeneration: number }

const weight = (tf: number) => 1 + Math.log(tf);

function termFrequencies(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of contentTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}

export function createAnswerIndex() {
  const postings = new Map<string, Set<string>>();
  const entries = new Map<string, Entry>();
  let generation = 0;

  const idf = (term: string) => {
    const df = postings.get(term)?.size ?? 0;
    return df === 0 ? 0 : Math.log(1 + entries.size / df);
  };

  function norm(entry: Entry): number {
    if (entry.normGeneration !== generation) {
      let sum = 0;
      for (const [term, tf] of entry.terms) sum += (weight(tf) * idf(term)) ** 2;
      entry.norm = Math.sqrt(sum);
      entry.normGeneration = generation;
    }
    return entry.norm;
  }

  function remove(id: string): boolean {
    const entry = entries.get(id);
    if (!entry) return false;
    for (const term of entry.terms.keys()) {
      const docs = postings.get(term)!;
      docs.delete(id);
      if (docs.size === 0) postings.delete(term);
    }
    entries.delete(id);
    generation++;
    return true;
  }

  function add(doc: AnswerDocument): void {
    remove(doc.id);
    const terms = termFrequencies(doc.text);
    if (terms.size === 0) return;
    entries.set(doc.id, { group: doc.group, terms, norm: 0, normGeneration: -1 });
    for (const term of terms.keys()) {
      let docs = postings.get(term);
      if (!docs) postings.set(term, (docs = new Set()));
      docs.add(doc.id);
    }
    generation++;
  }

  /** The best match per group (one per question), best first; scores are cosines in (0, 1]. */
  function search(text: string, { limit, excludeGroups = [] }: SearchOptions): AnswerMatch[] {
    const excluded = new Set(excludeGroups);
    const query = new Map<string, number>();
    for (const [term, tf] of termFrequencies(text)) {
      const w = weight(tf) * idf(term);
      if (w > 0) query.set(term, w);
    }
    const queryNorm = Math.sqrt([...query.values()].reduce((sum, w) => sum + w * w, 0));
    if (queryNorm === 0) return [];
    const dots = new Map<string, number>();
    for (const [term, qw] of query) {
      const termIdf = idf(term);
      for (const id of postings.get(term)!) {
        const entry = entries.get(id)!;
        if (excluded.has(entry.group)) continue;
        dots.set(id, (dots.get(id) ?? 0) + qw * weight(entry.terms.get(term)!) * termIdf);
      }
    }
    const best = new Map<string, AnswerMatch>();
    for (const [id, dot] of dots) {
      const entry = entries.get(id)!;
      const score = Math.min(1, dot / (queryNorm * norm(entry)));
      const current = best.get(entry.group);
      if (!current || score > current.score || (score === current.score && id > current.id)) best.set(entry.group, { id, group: entry.group, score });
    }
    return [...best.values()].sort((a, b) => b.score - a.score || (a.id < b.id ? 1 : -1)).slice(0, limit);
  }

  return { add, remove, search, has: (id: string) => entries.has(id), get size() { return entries.size; } };
}
export type AnswerIndex = ReturnType<typeof createAnswerIndex>;
