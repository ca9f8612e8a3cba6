import { createOfferLog, recordOffer, type OfferLog } from './availability.js';
import type { RoutingExpert } from './types.js';

export interface RosterEntry { expert: RoutingExpert; skills: Map<string, number>; offers: OfferLog }

/**
 * The experts the app keeps in sync, indexed for routing: by skill tag and level, and the generalists. Every index
 * keeps its members longest-waiting first (never offered, then oldest offer), so walking one is fair by itself.
 */
export interface Roster {
  upsert(expert: RoutingExpert): void;
  remove(id: string): void;
  get(id: string): RosterEntry | undefined;
  noteOffered(id: string, at: number): void;
  skilled(tag: string, level: number): ReadonlyMap<string, RosterEntry>;
  generalists(): ReadonlyMap<string, RosterEntry>;
  ids(): Iterable<string>;
  readonly size: number;
}

export const MAX_LEVEL = 5;
const EMPTY: ReadonlyMap<string, RosterEntry> = new Map();

export function createRoster(): Roster {
  const entries = new Map<string, RosterEntry>();
  const bySkill = new Map<string, Map<string, RosterEntry>[]>();
  const generalists = new Map<string, RosterEntry>();

  const bucket = (tag: string, level: number) => {
    let levels = bySkill.get(tag);
    if (!levels) bySkill.set(tag, (levels = Array.from({ length: MAX_LEVEL + 1 }, () => new Map<string, RosterEntry>())));
    return levels[level]!;
  };
  const unindex = (entry: RosterEntry) => {
    for (const [tag, level] of entry.skills) bySkill.get(tag)?.[level]?.delete(entry.expert.id);
    generalists.delete(entry.expert.id);
  };
  const index = (entry: RosterEntry) => {
    for (const [tag, level] of entry.skills) bucket(tag, level).set(entry.expert.id, entry);
    if (entry.expert.generalist) generalists.set(entry.expert.id, entry);
  };

  return {
    upsert(expert) {
      const skills = new Map<string, number>();
      for (const { tag, level } of expert.skills) {
        skills.set(tag, Math.max(skills.get(tag) ?? 0, Math.min(MAX_LEVEL, Math.max(1, Math.round(level)))));
      }
      const existing = entries.get(expert.id);
      if (existing && sameSkills(existing.skills, skills) && existing.expert.generalist === expert.generalist) {
        existing.expert = { ...expert };
        return;
      }
      if (existing) unindex(existing);
      const entry: RosterEntry = { expert: { ...expert }, skills, offers: existing?.offers ?? createOfferLog() };
      entries.set(expert.id, entry);
      index(entry);
    },
    remove(id) {
      const entry = entries.get(id);
      if (!entry) return;
      unindex(entry);
      entries.delete(id);
    },
    get: (id) => entries.get(id),
    noteOffered(id, at) {
      const entry = entries.get(id);
      if (!entry) return;
      recordOffer(entry.offers, at);
      unindex(entry);
      index(entry);
    },
    skilled: (tag, level) => bySkill.get(tag)?.[level] ?? EMPTY,
    generalists: () => generalists,
    ids: () => entries.keys(),
    get size() { return entries.size; },
  };
}

function sameSkills(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([tag, level]) => b.get(tag) === level);
}
