import { createActivityTracker } from './activity.js';
import { featureVector, hourKeys, prepareQuery, type LearnedState, type PreparedQuery } from './features.js';
import { createOrdinals, createProfileIndex, type WeightedKey } from './profile-index.js';
import { createOnlineRanker, type OnlineRanker } from './ranker.js';
import { seededRandom } from '../random.js';

const NEGATIVES_PER_ANSWER = 15;

/**
 * Everything learned from answers: activity, the words and tags each expert handled, and the ranker's weights.
 * Learning one answer costs O(length of the question) plus a fixed number of sampled comparisons.
 */
export interface ExpertiseIndex {
  readonly state: LearnedState;
  readonly ranker: OnlineRanker;
  learn(expertId: string, terms: readonly string[], tags: readonly string[], at: number, weight: number): void;
  prepare(terms: readonly string[], tags: readonly WeightedKey[], now: number): PreparedQuery;
  features(query: PreparedQuery, expertId: string, into?: number[]): number[];
  reachable(query: PreparedQuery): Set<string>;
}

export function createExpertiseIndex(seed = 1): ExpertiseIndex {
  const ordinals = createOrdinals();
  const state: LearnedState = {
    ordinals, activity: createActivityTracker(), terms: createProfileIndex(ordinals), tags: createProfileIndex(ordinals), hours: createProfileIndex(ordinals),
  };
  const ranker = createOnlineRanker();
  const random = seededRandom(seed);
  let currentKey = '';
  const currentAnswerers = new Set<string>();

  const sampleNegatives = (query: PreparedQuery): number[][] => {
    const pool = state.activity.experts;
    const negatives: number[][] = [];
    for (let tries = 0; negatives.length < NEGATIVES_PER_ANSWER && tries < NEGATIVES_PER_ANSWER * 3; tries++) {
      const id = pool[Math.floor(random() * pool.length)];
      if (id !== undefined && !currentAnswerers.has(id)) negatives.push(featureVector(state, query, id));
    }
    return negatives;
  };

  return {
    state,
    ranker,
    learn(expertId, terms, tags, at, weight) {
      const key = `${at}\u0000${terms.join(' ')}\u0000${tags.join(' ')}`;
      if (key !== currentKey) {
        currentKey = key;
        currentAnswerers.clear();
      }
      const firstAnswer = currentAnswerers.size === 0;
      currentAnswerers.add(expertId);
      if (firstAnswer) {
        const query = prepareQuery(state, terms, tags.map((tag) => ({ key: tag, weight: 1 })), at);
        ranker.update(featureVector(state, query, expertId), sampleNegatives(query), weight);
      }
      state.activity.record(expertId, key, at, weight);
      state.terms.add(expertId, terms, weight);
      state.tags.add(expertId, tags, weight);
      state.hours.add(expertId, hourKeys(at), weight);
    },
    prepare: (terms, tags, now) => prepareQuery(state, terms, tags, now),
    features: (query, expertId, into) => featureVector(state, query, expertId, into),
    reachable(query) {
      const found = new Set<string>(state.activity.recentlyActive());
      for (const { key } of query.terms) for (const id of state.terms.topHolders(key)) found.add(id);
      for (const { key } of query.tags) for (const id of state.tags.topHolders(key)) found.add(id);
      return found;
    },
  };
}
