import { offersInLastHour } from './availability.js';
import { FEATURES } from './features.js';
import { MAX_LEVEL, type RosterEntry } from './roster.js';
import type { RankedExpert, RoutingSettings, TagScore } from './types.js';

export const SKILL_WEIGHT = 2;
const LOAD_WEIGHT = 1;
const FAIRNESS_WEIGHT = 0.5;
/** A connected expert sees an offer at once; one reached by push may be busy elsewhere, so they answer later. */
export const CONNECTED_BONUS = 0.25;
const PRIOR_APPROVALS = 4;
const PRIOR_REJECTIONS = 1;
const MINUTE_MS = 60_000;

type Reasons = Record<string, number>;

/** Declared skill on the question's tags: level × tag confidence, one reason per matching tag. */
export function skillReasons(skills: ReadonlyMap<string, number>, tags: readonly TagScore[]): Reasons {
  const reasons: Reasons = {};
  for (const { slug, confidence } of tags) {
    const level = skills.get(slug);
    if (level) reasons[`skill:${slug}`] = Math.max(reasons[`skill:${slug}`] ?? 0, skillPart(confidence, level));
  }
  return reasons;
}

const skillPart = (confidence: number, level: number) => (SKILL_WEIGHT * confidence * level) / MAX_LEVEL;

/**
 * The learned part, each feature's contribution measured against an expert with no history, summed by reason; the
 * ranker's small network (the entry after the features, see ranker.ts) is one line of its own, `learned_pattern`.
 */
export function learnedReasons(contributions: readonly number[], baseline: readonly number[]): Reasons {
  const reasons: Reasons = {};
  FEATURES.forEach(({ reason }, i) => {
    reasons[reason] = (reasons[reason] ?? 0) + contributions[i]! - baseline[i]!;
  });
  const network = FEATURES.length;
  if (network < contributions.length) reasons[LEARNED_PATTERN] = contributions[network]! - (baseline[network] ?? 0);
  return reasons;
}

/** The reason the ranker's network is reported under: what it learned from combinations of the features. */
export const LEARNED_PATTERN = 'learned_pattern';

/** What the roster knows now: load against capacity, review record, speed, offers already made this hour, presence. */
export function operationalReasons(entry: RosterEntry, settings: RoutingSettings, now: number): Reasons {
  const { load, capacity, approved, rejected } = entry.expert;
  const reasons: Reasons = {};
  if (capacity > 0 && load > 0) reasons.load = loadPart(load, capacity);
  if (approved + rejected > 0) reasons.record = recordPart(approved, rejected);
  const speed = speedOf(entry);
  if (speed !== 0) reasons.speed = -speed;
  const offered = offersInLastHour(entry.offers, now);
  if (offered > 0 && settings.maxOffersPerHour > 0) reasons.fairness = fairnessPart(offered, settings);
  if (entry.expert.online) reasons.connected = CONNECTED_BONUS;
  return reasons;
}

const loadPart = (load: number, capacity: number) => (-LOAD_WEIGHT * Math.min(load, capacity)) / capacity;

function recordPart(approved: number, rejected: number): number {
  const rate = (approved + PRIOR_APPROVALS) / (approved + rejected + PRIOR_APPROVALS + PRIOR_REJECTIONS);
  return Math.log(rate / (PRIOR_APPROVALS / (PRIOR_APPROVALS + PRIOR_REJECTIONS)));
}

const speedOf = ({ expert }: RosterEntry) =>
  slowness(expert.medianClaimMs, 5 * MINUTE_MS, 0.15) + slowness(expert.medianReplyMs, 15 * MINUTE_MS, 0.1);

const fairnessPart = (offered: number, settings: RoutingSettings) =>
  (-FAIRNESS_WEIGHT * offered) / settings.maxOffersPerHour;

/**
 * `score` plus every value of skillReasons() and operationalReasons(), added in the order ranked() would add them,
 * without building either object: routing scores every candidate and explains only the few it keeps.
 */
export function plusRosterScore(
  score: number,
  entry: RosterEntry,
  tags: readonly TagScore[],
  settings: RoutingSettings,
  now: number,
): number {
  for (let i = 0; i < tags.length; i++) {
    const level = entry.skills.get(tags[i]!.slug);
    if (!level || seenBefore(tags, i)) continue;
    let best = 0;
    for (let j = i; j < tags.length; j++)
      if (tags[j]!.slug === tags[i]!.slug) best = Math.max(best, skillPart(tags[j]!.confidence, level));
    score += best;
  }
  const { load, capacity, approved, rejected } = entry.expert;
  if (capacity > 0 && load > 0) score += loadPart(load, capacity);
  if (approved + rejected > 0) score += recordPart(approved, rejected);
  const speed = speedOf(entry);
  if (speed !== 0) score += -speed;
  const offered = offersInLastHour(entry.offers, now);
  if (offered > 0 && settings.maxOffersPerHour > 0) score += fairnessPart(offered, settings);
  if (entry.expert.online) score += CONNECTED_BONUS;
  return score;
}

function seenBefore(tags: readonly TagScore[], i: number): boolean {
  for (let j = 0; j < i; j++) if (tags[j]!.slug === tags[i]!.slug) return true;
  return false;
}

function slowness(ms: number | null, unit: number, weight: number): number {
  return ms === null || !(ms > 0) ? 0 : weight * Math.log2(1 + ms / unit);
}

export function ranked(expertId: string, parts: readonly Reasons[]): RankedExpert {
  const reasons: Reasons = {};
  let score = 0;
  for (const part of parts) {
    for (const [name, value] of Object.entries(part)) {
      if (value === 0 || !Number.isFinite(value)) continue;
      reasons[name] = Math.round(((reasons[name] ?? 0) + value) * 1000) / 1000;
      score += value;
    }
  }
  return { expertId, score: Math.round(score * 1e6) / 1e6, reasons };
}

/** Best score first; on a tie whoever has waited longest for an offer, then a fixed shuffle of ids (never input order). */
export type Scored = Pick<RankedExpert, 'expertId' | 'score'>;

export function byScoreThenWaiting(lastOfferedAt: (id: string) => number) {
  return (a: Scored, b: Scored) =>
    b.score - a.score ||
    lastOfferedAt(a.expertId) - lastOfferedAt(b.expertId) ||
    idHash(a.expertId) - idHash(b.expertId) ||
    (a.expertId < b.expertId ? -1 : a.expertId > b.expertId ? 1 : 0);
}

export function idHash(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return hash >>> 0;
}
