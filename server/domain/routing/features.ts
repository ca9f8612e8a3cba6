import { HALF_LIVES, type ActivityTracker } from './activity.js';
import type { ExpertBias } from './expert-bias.js';
import {
  profileEvidence,
  recentEvidence,
  resolveKeys,
  type Ordinals,
  type ProfileIndex,
  type ResolvedKeys,
  type WeightedKey,
} from './profile-index.js';
import type { RecentProfiles } from './recent-profiles.js';
import { questionKeys, type SimilarQuestions } from './similar-questions.js';

const MAX_IDLE = Math.log1p(1e6);
const HOUR_MS = 3_600_000;
const HOURS_PER_WEEK = 168;

/** Each learned feature and the reason it is reported under. */
export const FEATURES: readonly { name: string; reason: string; initialWeight: number }[] = [
  { name: 'activity', reason: 'activity', initialWeight: 0.3 },
  { name: 'tenure', reason: 'activity', initialWeight: 0 },
  ...HALF_LIVES.map((halfLife) => ({ name: `recent_${halfLife}`, reason: 'recent', initialWeight: 0.3 })),
  { name: 'idle', reason: 'recent', initialWeight: -0.2 },
  { name: 'shift_share', reason: 'shift', initialWeight: 0.3 },
  { name: 'shift_match', reason: 'shift', initialWeight: 0 },
  { name: 'text_share', reason: 'similar', initialWeight: 0.3 },
  { name: 'text_match', reason: 'similar', initialWeight: 0.3 },
  { name: 'text_volume', reason: 'similar', initialWeight: 0.3 },
  { name: 'tag_share', reason: 'tags', initialWeight: 0.3 },
  { name: 'tag_match', reason: 'tags', initialWeight: 0.3 },
  { name: 'tag_volume', reason: 'tags', initialWeight: 0.3 },
  { name: 'recent_text_share', reason: 'similar', initialWeight: 0 },
  { name: 'recent_text_volume', reason: 'similar', initialWeight: 0 },
  { name: 'recent_tag_share', reason: 'tags', initialWeight: 0 },
  { name: 'recent_tag_volume', reason: 'tags', initialWeight: 0 },
  { name: 'similar_questions', reason: 'similar', initialWeight: 0.3 },
  { name: 'expert_bias', reason: 'activity', initialWeight: 1 },
  // The same bias under a weaker and a stronger pull towards 0 (expert-bias.ts); each site learns how much they add.
  { name: 'expert_bias_slow', reason: 'activity', initialWeight: 0 },
  { name: 'expert_bias_fast', reason: 'activity', initialWeight: 0 },
];

export interface LearnedState {
  /** The experts' numbers in the three profile indexes. */
  ordinals: Ordinals;
  activity: ActivityTracker;
  terms: ProfileIndex;
  tags: ProfileIndex;
  hours: ProfileIndex;
  recent: RecentProfiles;
  similar: SimilarQuestions;
  bias: ExpertBias;
}

export interface PreparedQuery {
  terms: WeightedKey[];
  tags: WeightedKey[];
  now: number;
  resolved: {
    terms: ResolvedKeys;
    tags: ResolvedKeys;
    hour: ResolvedKeys;
    recentTerms: ResolvedKeys;
    recentTags: ResolvedKeys;
  };
  /** Turns the recent profiles' stored counts into decayed ones as of this question. */
  recentScale: number;
  /** By expert ordinal: how close the nearest past questions they answered are to this one (similar-questions.ts). */
  neighbours: ReadonlyMap<number, number>;
}

/** The hour of the week an answer was given, with its neighbours: who tends to be on shift at this time. */
export function hourKeys(at: number, spread = 1): string[] {
  const hour = Math.floor(at / HOUR_MS);
  const keys: string[] = [];
  for (let d = -spread; d <= spread; d++)
    keys.push(`h${(((hour + d) % HOURS_PER_WEEK) + HOURS_PER_WEEK) % HOURS_PER_WEEK}`);
  return keys;
}

export function prepareQuery(
  state: LearnedState,
  terms: readonly string[],
  tags: readonly WeightedKey[],
  now: number,
): PreparedQuery {
  const uniqueTerms = [...new Set(terms)].map((key) => ({ key, weight: 1 }));
  const positiveTags = tags.filter((tag) => tag.weight > 0);
  return {
    terms: uniqueTerms,
    tags: positiveTags,
    now,
    resolved: {
      terms: resolveKeys(state.terms, uniqueTerms),
      tags: resolveKeys(state.tags, positiveTags),
      hour: resolveKeys(
        state.hours,
        hourKeys(now, 0).map((key) => ({ key, weight: 1 })),
      ),
      recentTerms: resolveKeys(state.recent.terms, uniqueTerms),
      recentTags: resolveKeys(state.recent.tags, positiveTags),
    },
    recentScale: state.recent.scale(state.activity.events),
    neighbours: state.similar.scores(questionKeys(uniqueTerms, positiveTags)),
  };
}

/** The expert's features for this query, written over `into` when given (scoring reuses one array per query). */
export function featureVector(
  state: LearnedState,
  query: PreparedQuery,
  expertId: string,
  into: number[] = [],
): number[] {
  const seen = state.activity.snapshot(expertId, query.now);
  let n = 0;
  into[n++] = Math.log1p(seen.count);
  into[n++] = Math.log1p(seen.tenure);
  for (let i = 0; i < seen.recent.length; i++) into[n++] = Math.log1p(seen.recent[i]!);
  into[n++] = Math.min(MAX_IDLE, Math.log1p(seen.sinceLast));
  const ordinal = state.ordinals.find(expertId);
  n = profileEvidence(query.resolved.hour, ordinal, into, n);
  n = profileEvidence(query.resolved.terms, ordinal, into, n, true);
  n = profileEvidence(query.resolved.tags, ordinal, into, n, true);
  n = recentEvidence(query.resolved.recentTerms, ordinal, query.recentScale, into, n);
  n = recentEvidence(query.resolved.recentTags, ordinal, query.recentScale, into, n);
  into[n++] = ordinal === undefined ? 0 : Math.log1p(query.neighbours.get(ordinal) ?? 0);
  into[n++] = state.bias.of(ordinal, 0);
  into[n++] = state.bias.of(ordinal, 1);
  into[n++] = state.bias.of(ordinal, 2);
  into.length = n;
  return into;
}
