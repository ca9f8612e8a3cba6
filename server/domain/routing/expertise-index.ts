import { createActivityTracker } from './activity.js';
import { createExpertBias } from './expert-bias.js';
import { FEATURES, featureVector, hourKeys, prepareQuery, type LearnedState, type PreparedQuery } from './features.js';
import { createOrdinals, createProfileIndex, type WeightedKey } from './profile-index.js';
import { createOnlineRanker, type OnlineRanker } from './ranker.js';
import { createRecentProfiles } from './recent-profiles.js';
import { createSimilarQuestions, questionKeys } from './similar-questions.js';
import { seededRandom } from '../random.js';

/**
 * Each answer is compared with this many sampled experts. A young site is ranked against everyone seen so far, and
 * its few answers must teach the ranker what sets the answerer apart from all of them, so it samples widely; a
 * large history has plenty of answers to learn from, and a wide sample would only slow its replay down.
 */
export function negativesPerAnswer(answersLearned: number): number {
  return Math.max(
    MIN_NEGATIVES,
    Math.round(MAX_NEGATIVES * Math.sqrt(YOUNG_SITE_ANSWERS / Math.max(YOUNG_SITE_ANSWERS, answersLearned))),
  );
}
const MIN_NEGATIVES = 15;
const MAX_NEGATIVES = 200;
const YOUNG_SITE_ANSWERS = 2000;

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
  /** How much of a simple scorer to add to the learned combination, while such a blend is ranking better. */
  fallback(): Blend | null;
}

/**
 * Simple scorers watched beside the learned ranker: most active, and the most of this question's words and tags, ever
 * and lately.
 */
const SIMPLE_SCORERS = ['activity', 'text_volume', 'tag_volume', 'recent_text_volume', 'recent_tag_volume'].map(
  (name) => FEATURES.findIndex((feature) => feature.name === name),
);
const WATCH_MEMORY = 0.01;
const MIN_WATCHED = 50;
const FALLBACK_MARGIN = 0;
/** How far a watched blend adds a simple scorer (its features are log-counts): from a nudge to taking the lead. */
const LEADS = [0.5, 1, 2, 5];

/** The learned combination plus `lead` × one simple scorer's feature. */
export interface Blend {
  feature: number;
  lead: number;
}
const BLENDS: Blend[] = SIMPLE_SCORERS.flatMap((feature) => LEADS.map((lead) => ({ feature, lead })));
const MAX_COMPETITORS = 64;
const WATCH_EVERY_ANSWER_UNTIL = 20_000;

export function createExpertiseIndex(seed = 1): ExpertiseIndex {
  const ordinals = createOrdinals();
  const state: LearnedState = {
    ordinals,
    activity: createActivityTracker(),
    terms: createProfileIndex(ordinals),
    tags: createProfileIndex(ordinals),
    hours: createProfileIndex(ordinals),
    recent: createRecentProfiles(ordinals),
    similar: createSimilarQuestions(),
    bias: createExpertBias(),
  };
  const ranker = createOnlineRanker();
  const random = seededRandom(seed);
  let currentKey = '';
  let answersLearned = 0;
  const currentAnswerers = new Set<string>();

  // Decayed reciprocal rank of each answerer among the experts a new question would reach, under the learned ranker
  // (index 0) and under each blend of it with a simple scorer: measured before learning from the answer, as routing
  // would have ranked. The best blend is used while it does better than the learned combination alone.
  const watched = new Float64Array(BLENDS.length + 1);
  let watchedCount = 0;
  const reciprocalRank = (positive: number, others: readonly number[]) => {
    let above = 0;
    let tied = 0;
    for (const value of others) {
      if (value > positive) above++;
      else if (value === positive) tied++;
    }
    return 1 / (1 + above + tied / 2);
  };
  const watch = (query: PreparedQuery, positive: number[]) => {
    const competitors: number[][] = [];
    for (const id of reachableFrom(query)) {
      if (competitors.length >= MAX_COMPETITORS) break;
      if (!currentAnswerers.has(id)) competitors.push(featureVector(state, query, id));
    }
    if (competitors.length === 0) return;
    const base = ranker.score(positive);
    const others = competitors.map(ranker.score);
    const ranks = [reciprocalRank(base, others)];
    for (const { feature, lead } of BLENDS)
      ranks.push(
        reciprocalRank(
          base + lead * positive[feature]!,
          competitors.map((features, i) => others[i]! + lead * features[feature]!),
        ),
      );
    const memory = Math.max(WATCH_MEMORY, 1 / (watchedCount + 1));
    ranks.forEach((rank, i) => {
      watched[i] = watched[i]! + (rank - watched[i]!) * memory;
    });
    watchedCount++;
  };
  const reachableFrom = (query: PreparedQuery) => {
    const found = new Set<string>(state.activity.recentlyActive());
    for (const { key } of query.terms) for (const id of state.terms.topHolders(key)) found.add(id);
    for (const { key } of query.tags) for (const id of state.tags.topHolders(key)) found.add(id);
    return found;
  };

  /** Distinct experts other than this question's answerers: a small pool is taken whole, a large one sampled. */
  const sampleNegatives = (): string[] => {
    const pool = state.activity.experts;
    const wanted = negativesPerAnswer(answersLearned);
    const chosen = new Set<string>();
    if (pool.length <= wanted + currentAnswerers.size) {
      for (const id of pool) if (!currentAnswerers.has(id)) chosen.add(id);
    } else {
      for (let tries = 0; chosen.size < wanted && tries < wanted * 3; tries++) {
        const id = pool[Math.floor(random() * pool.length)]!;
        if (!currentAnswerers.has(id)) chosen.add(id);
      }
    }
    return [...chosen];
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
        answersLearned++;
        const weightedTags = tags.map((tag) => ({ key: tag, weight: 1 }));
        const query = prepareQuery(state, terms, weightedTags, at);
        const positive = featureVector(state, query, expertId);
        // A large history has answers to spare: one in ten keeps the watch current at a tenth of its cost.
        if (answersLearned <= WATCH_EVERY_ANSWER_UNTIL || answersLearned % 10 === 0) watch(query, positive);
        const negatives = sampleNegatives();
        const probabilities = ranker.update(
          positive,
          negatives.map((id) => featureVector(state, query, id)),
          weight,
        );
        // The same step moves each compared expert's own bias: the answerer up by 1 − p, the others down by p.
        state.bias.learn(
          [expertId, ...negatives].map((id) => state.ordinals.of(id)),
          probabilities.map((p, i) => (i === 0 ? 1 : 0) - p),
        );
        state.similar.add(
          questionKeys(query.terms, weightedTags).map(({ key }) => key),
          state.ordinals.of(expertId),
        );
      } else state.similar.addAnswerer(state.ordinals.of(expertId));
      state.activity.record(expertId, key, at, weight);
      state.terms.add(expertId, terms, weight);
      state.tags.add(expertId, tags, weight);
      state.hours.add(expertId, hourKeys(at), weight);
      state.recent.add(expertId, terms, tags, weight, state.activity.events);
    },
    prepare: (terms, tags, now) => prepareQuery(state, terms, tags, now),
    features: (query, expertId, into) => featureVector(state, query, expertId, into),
    reachable: (query) => reachableFrom(query),
    fallback() {
      if (watchedCount < MIN_WATCHED) return null;
      let best = 0;
      for (let i = 1; i < watched.length; i++) if (watched[i]! > watched[best]!) best = i;
      return best > 0 && watched[best]! > watched[0]! + FALLBACK_MARGIN ? BLENDS[best - 1]! : null;
    },
  };
}
