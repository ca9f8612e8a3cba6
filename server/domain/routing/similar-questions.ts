import type { WeightedKey } from './profile-index.js';

/** How many nearest past questions a new one is scored by. */
const NEIGHBOURS = 20;
/** How many of the latest questions holding a key are kept to look it up by: a common word reaches recent ones. */
const POSTINGS_PER_KEY = 256;
/** How many past questions are remembered at all (a ring): older ones are forgotten with their answerers. */
const REMEMBERED = 32_768;

/**
 * The questions answered so far, searchable by their keys (words, and tags under a prefix): who answered the past
 * questions most like this one. It is the document model of expert finding beside the term profiles' candidate
 * model, which scores an expert by all their words at once. Memory is bounded by REMEMBERED questions, their
 * answerers and POSTINGS_PER_KEY per key; a lookup reads at most POSTINGS_PER_KEY questions per key of the query.
 */
export interface SimilarQuestions {
  /** A new answered question and its first answerer. */
  add(keys: readonly string[], answerer: number): void;
  /** Another answerer of the question added last. */
  addAnswerer(answerer: number): void;
  /** By expert ordinal, the sum of the TF-IDF cosines of the nearest past questions they answered. */
  scores(keys: readonly WeightedKey[]): Map<number, number>;
}

/** A question's keys: its words, and its tags marked apart (a word never starts with '#'). */
export function questionKeys(terms: readonly WeightedKey[], tags: readonly WeightedKey[]): WeightedKey[] {
  return [...terms, ...tags.map(({ key, weight }) => ({ key: `#${key}`, weight }))];
}

export function createSimilarQuestions(neighbours = NEIGHBOURS): SimilarQuestions {
  const questionsHolding = new Map<string, number>();
  /** Per key, its latest questions and the key's weight in each (idf as of then, over the question's norm). */
  const postings = new Map<string, { latest: number[]; weights: number[]; next: number }>();
  const answerers: number[][] = [];
  const dot = new Float64Array(REMEMBERED);
  let questions = 0;

  const idf = (key: string) => Math.log1p(questions / (questionsHolding.get(key) ?? 1));

  /** The `neighbours` slots with the largest dot products, best first: an insertion into a short sorted list. */
  const nearest = (touched: readonly number[]) => {
    const best: number[] = [];
    for (const slot of touched) {
      if (best.length === neighbours && dot[slot]! <= dot[best[best.length - 1]!]!) continue;
      let i = best.length === neighbours ? best.length - 1 : best.length;
      while (i > 0 && dot[best[i - 1]!]! < dot[slot]!) {
        best[i] = best[i - 1]!;
        i--;
      }
      best[i] = slot;
    }
    return best;
  };

  return {
    add(keys, answerer) {
      const id = questions++;
      const slot = id % REMEMBERED;
      const unique = [...new Set(keys)];
      for (const key of unique) questionsHolding.set(key, (questionsHolding.get(key) ?? 0) + 1);
      const norm = Math.sqrt(unique.reduce((sum, key) => sum + idf(key) ** 2, 0)) || 1;
      for (const key of unique) {
        let posting = postings.get(key);
        if (!posting) postings.set(key, (posting = { latest: [], weights: [], next: 0 }));
        const at = posting.next++ % POSTINGS_PER_KEY;
        posting.latest[at] = id;
        posting.weights[at] = idf(key) / norm;
      }
      answerers[slot] = [answerer];
    },
    addAnswerer(answerer) {
      const latest = answerers[(questions - 1) % REMEMBERED];
      if (questions > 0 && latest && !latest.includes(answerer)) latest.push(answerer);
    },
    scores(keys) {
      const touched: number[] = [];
      const oldest = questions - REMEMBERED;
      let squares = 0;
      for (const { key, weight } of keys) {
        const keyWeight = weight * idf(key);
        squares += keyWeight ** 2;
        const posting = postings.get(key);
        if (!posting) continue;
        const { latest, weights } = posting;
        for (let i = 0; i < latest.length; i++) {
          if (latest[i]! < oldest) continue;
          const slot = latest[i]! % REMEMBERED;
          if (dot[slot] === 0) touched.push(slot);
          dot[slot] += keyWeight * weights[i]!;
        }
      }
      const queryNorm = Math.sqrt(squares) || 1;
      const scores = new Map<number, number>();
      for (const slot of nearest(touched)) {
        const cosine = dot[slot]! / queryNorm;
        for (const answerer of answerers[slot]!) scores.set(answerer, (scores.get(answerer) ?? 0) + cosine);
      }
      for (const slot of touched) dot[slot] = 0;
      return scores;
    },
  };
}
