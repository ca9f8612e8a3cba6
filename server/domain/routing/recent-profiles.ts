import { createProfileIndex, type Ordinals, type ProfileIndex } from './profile-index.js';

/** How many questions learned halve an answer's weight in the recent profiles. */
export const RECENT_HALF_LIFE = 512;
/**
 * Stored counts grow by 2^(events / half-life) instead of all decaying at once; they are brought back this often, far
 * below where doubles run out (2^1023), so that a rebase stays a small step.
 */
const REBASE_AFTER_HALF_LIVES = 32;
/** At a rebase, a count below this (an answer about 20 half-lives old) is forgotten, and a key nobody holds goes. */
const FORGET_BELOW = 2 ** -20;

/**
 * The words and tags of the questions each expert answered lately: each answer counts 2^(-age / half-life), age in
 * questions learned since. Lifetime profiles favour whoever answered a topic most ever; these, who does so now.
 */
export interface RecentProfiles {
  readonly terms: ProfileIndex;
  readonly tags: ProfileIndex;
  add(expertId: string, terms: readonly string[], tags: readonly string[], weight: number, event: number): void;
  /** The factor that turns a stored count into its decayed value as of `event`. */
  scale(event: number): number;
}

export function createRecentProfiles(ordinals: Ordinals, halfLife = RECENT_HALF_LIFE): RecentProfiles {
  const terms = createProfileIndex(ordinals);
  const tags = createProfileIndex(ordinals);
  let origin = 0;
  const growth = (event: number) => 2 ** ((event - origin) / halfLife);
  return {
    terms,
    tags,
    add(expertId, answerTerms, answerTags, weight, event) {
      if (event - origin > REBASE_AFTER_HALF_LIVES * halfLife) {
        const factor = 1 / growth(event);
        terms.rescale(factor, FORGET_BELOW);
        tags.rescale(factor, FORGET_BELOW);
        origin = event;
      }
      const grown = weight * growth(event);
      terms.add(expertId, answerTerms, grown);
      tags.add(expertId, answerTags, grown);
    },
    scale: (event) => 1 / growth(event),
  };
}
