import { hourlyQuota, ineligibility, isReachable, localClock, type LocalClock } from './availability.js';
import { createClassifier } from './classifier.js';
import { createExpertiseIndex } from './expertise-index.js';
import type { PreparedQuery } from './features.js';
import { createRoster, MAX_LEVEL, type RosterEntry } from './roster.js';
import {
  byScoreThenWaiting,
  learnedReasons,
  operationalReasons,
  plusRosterScore,
  ranked,
  skillReasons,
  type Scored,
} from './score.js';
import { createTagModel } from './tag-model.js';
import { contentTerms } from './tokenize.js';
import type { RankedExpert, RouteInput, Router, RoutingSettings, TagScore } from './types.js';

/** How many eligible experts a fair walk of a pool contributes, on top of those the learned indexes reach. */
const WALK_LIMIT = 32;
/** rank() returns everyone in order but gives reasons for the head only, which keeps a full ordering cheap. */
const EXPLAINED_IN_RANK = 50;
const NO_HISTORY = '\u0000no-history';

export function createRouter(settings: RoutingSettings): Router {
  const roster = createRoster({ requireOnline: settings.requireOnline });
  const learned = createExpertiseIndex();
  const tagModel = createTagModel();
  const classifier = createClassifier(tagModel);
  const lastOfferedAt = (id: string) => roster.get(id)?.offers.lastOfferedAt ?? -Infinity;
  const order = byScoreThenWaiting(lastOfferedAt);

  const prepare = (text: string, tags: readonly TagScore[], now: number) => {
    const positive = tags.filter((tag) => tag.confidence > 0);
    return {
      tags: positive,
      query: learned.prepare(
        contentTerms(text),
        positive.map((tag) => ({ key: tag.slug, weight: tag.confidence })),
        now,
      ),
    };
  };

  const scorer = (tags: readonly TagScore[], query: PreparedQuery) => {
    const baselineFeatures = learned.features(query, NO_HISTORY);
    // While adding a simple scorer ranks this site's answerers better than the learned combination alone, the
    // ranking adds it: a little when it only helps at the margin, enough to lead when the combination is still thin.
    const fallback = learned.fallback();
    const learnedScore =
      fallback === null
        ? learned.ranker.score
        : (features: readonly number[]) => learned.ranker.score(features) + fallback.lead * features[fallback.feature]!;
    const learnedContributions =
      fallback === null
        ? learned.ranker.contributions
        : (features: readonly number[]) =>
            learned.ranker
              .contributions(features)
              .map((value, i) => (i === fallback.feature ? value + fallback.lead * features[i]! : value));
    const baseline = learnedScore(baselineFeatures);
    const operational = (entry: RosterEntry | undefined) =>
      entry ? [skillReasons(entry.skills, tags), operationalReasons(entry, settings, query.now)] : [];
    const scratch: number[] = [];
    return {
      /** The sum explain() itemizes, computed without the itemizing: every candidate is scored, few are explained. */
      value(id: string): number {
        const value = learnedScore(learned.features(query, id, scratch)) - baseline;
        const entry = roster.get(id);
        return entry ? plusRosterScore(value, entry, tags, settings, query.now) : value;
      },
      explain(id: string): RankedExpert {
        const contributions = learnedContributions(learned.features(query, id));
        const learnedPart = learnedReasons(contributions, learnedContributions(baselineFeatures));
        return ranked(id, [learnedPart, ...operational(roster.get(id))]);
      },
    };
  };

  const collect = (
    buckets: readonly ReadonlyMap<string, RosterEntry>[],
    fits: (entry: RosterEntry) => boolean,
    reachable: Iterable<string>,
    eligible: (entry: RosterEntry) => boolean,
  ) => {
    const candidates = new Set<string>();
    for (const id of reachable) {
      const entry = roster.get(id);
      if (entry && fits(entry) && eligible(entry)) candidates.add(id);
    }
    let walked = 0;
    for (const bucket of buckets) {
      for (const entry of bucket.values()) {
        if (walked >= WALK_LIMIT) return candidates;
        if (eligible(entry) && !candidates.has(entry.expert.id)) {
          candidates.add(entry.expert.id);
          walked += 1;
        }
      }
    }
    return candidates;
  };

  const skilledBuckets = (tags: readonly TagScore[]) => {
    const buckets: ReadonlyMap<string, RosterEntry>[] = [];
    for (let level = MAX_LEVEL; level >= 1; level--)
      for (const { slug } of tags) buckets.push(roster.skilled(slug, level));
    return buckets;
  };

  /** Orders by the plain score, then explains only the first `explained` (reasons cost more than the score). */
  const best = (candidates: Iterable<string>, score: ReturnType<typeof scorer>, keep: number, explained: number) => {
    const ordered: Scored[] = [];
    for (const expertId of candidates) ordered.push({ expertId, score: score.value(expertId) });
    ordered.sort(order);
    const head = ordered
      .slice(0, explained)
      .map(({ expertId }) => score.explain(expertId))
      .sort(order);
    return head.concat(
      ordered.slice(explained, keep).map(
        ({ expertId, score: value }): RankedExpert => ({
          expertId,
          score: Math.round(value * 1e6) / 1e6,
          reasons: {},
        }),
      ),
    );
  };

  return {
    upsertExpert: (expert) => roster.upsert(expert),
    removeExpert: (id) => roster.remove(id),
    setLoad(id, load) {
      const entry = roster.get(id);
      if (entry) entry.expert.load = load;
    },
    setOnline: (id, online) => roster.setOnline(id, online),
    setPushable: (id, pushable) => roster.setPushable(id, pushable),
    isAvailable: (id) => roster.get(id)?.expert.availability === 'available',
    noteOffered: (id, at) => roster.noteOffered(id, at),
    presence() {
      const counts = { appOpen: 0, reachable: 0 };
      for (const id of roster.ids()) {
        const expert = roster.get(id)?.expert;
        if (expert?.availability !== 'available') continue;
        if (expert.online) counts.appOpen++;
        if (isReachable(expert)) counts.reachable++;
      }
      return counts;
    },
    offerQuota(id, now) {
      const entry = roster.get(id);
      return entry ? hourlyQuota(entry.offers, settings.maxOffersPerHour, now) : null;
    },
    classify: (text, rules) => classifier.classify(text, rules),
    learnTags(text, tags) {
      classifier.observe(text, tags);
      tagModel.learn(contentTerms(text), tags);
    },
    learnAnswer(expertId, text, tags, at, weight = 1) {
      learned.learn(expertId, contentTerms(text), tags, at, weight);
    },
    route(input: RouteInput) {
      const { tags, query } = prepare(input.text, input.tags, input.now);
      const clock: LocalClock = localClock(input.now);
      const eligible = (entry: RosterEntry) => {
        const { expert } = entry;
        if (
          expert.availability !== 'available' ||
          expert.load >= expert.capacity ||
          (settings.requireOnline && !isReachable(expert))
        )
          return false;
        return ineligibility(expert, entry.offers, settings, input.now, clock, input.exclude) === null;
      };
      const reachable = learned.reachable(query);
      const score = scorer(tags, query);
      if (tags.length > 0) {
        const hasSkill = (entry: RosterEntry) => tags.some((tag) => entry.skills.has(tag.slug));
        const skilled = collect(skilledBuckets(tags), hasSkill, reachable, eligible);
        if (skilled.size > 0) return { ranked: best(skilled, score, settings.k, settings.k), pool: 'skilled' };
      }
      const generalists = collect([roster.generalists()], (entry) => entry.expert.generalist, reachable, eligible);
      if (generalists.size > 0)
        return { ranked: best(generalists, score, settings.k, settings.k), pool: 'generalists' };
      return { ranked: [], pool: 'none' };
    },
    rank(input, candidateIds) {
      const { tags, query } = prepare(input.text, input.tags, input.now);
      const score = scorer(tags, query);
      return best(candidateIds ?? roster.ids(), score, Number.POSITIVE_INFINITY, EXPLAINED_IN_RANK);
    },
  };
}
