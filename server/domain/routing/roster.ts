import { createOfferLog, isReachable, recordOffer, type OfferLog } from './availability.js';
import type { RoutingExpert } from './types.js';

export interface RosterEntry {
  expert: RoutingExpert;
  skills: Map<string, number>;
  offers: OfferLog;
}

/**
 * The experts the app keeps in sync, indexed for routing: by skill tag and level, and the generalists. The indexes
 * hold only experts who could take an offer at all — Available, and connected when routing requires it — so a walk
 * never steps over the thousands who are away or offline. Each keeps its members longest-waiting first (never
 * offered, then oldest offer), so walking one is fair by itself.
 */
export interface Roster {
  upsert(expert: RoutingExpert): void;
  remove(id: string): void;
  get(id: string): RosterEntry | undefined;
  setOnline(id: string, online: boolean): void;
  setPushable(id: string, pushable: boolean): void;
  noteOffered(id: string, at: number): void;
  skilled(tag: string, level: number): ReadonlyMap<string, RosterEntry>;
  generalists(): ReadonlyMap<string, RosterEntry>;
  ids(): Iterable<string>;
  readonly size: number;
}

export const MAX_LEVEL = 5;
const EMPTY: ReadonlyMap<string, RosterEntry> = new Map();

/** Members in fairness order, and an upper bound of the last one's offer time (so most inserts are appends). */
interface Bucket {
  members: Map<string, RosterEntry>;
  tail: number;
}

const newBucket = (): Bucket => ({ members: new Map(), tail: -Infinity });

/** Puts the entry after everyone offered no later than it was; an offer just made appends. */
function insertInOrder(bucket: Bucket, entry: RosterEntry) {
  const at = entry.offers.lastOfferedAt;
  if (at >= bucket.tail) {
    bucket.members.set(entry.expert.id, entry);
    bucket.tail = at;
    return;
  }
  const members = [...bucket.members.values()];
  const position = members.findIndex((member) => member.offers.lastOfferedAt > at);
  members.splice(position < 0 ? members.length : position, 0, entry);
  bucket.members.clear();
  for (const member of members) bucket.members.set(member.expert.id, member);
}

export function createRoster({ requireOnline }: { requireOnline: boolean }): Roster {
  const entries = new Map<string, RosterEntry>();
  const bySkill = new Map<string, Bucket[]>();
  const generalists = newBucket();
  const indexed = new Set<string>();

  const ready = ({ expert }: RosterEntry) =>
    expert.availability === 'available' && (!requireOnline || isReachable(expert));
  const bucket = (tag: string, level: number) => {
    let levels = bySkill.get(tag);
    if (!levels) bySkill.set(tag, (levels = Array.from({ length: MAX_LEVEL + 1 }, newBucket)));
    return levels[level]!;
  };
  const unindex = (entry: RosterEntry) => {
    if (!indexed.delete(entry.expert.id)) return;
    for (const [tag, level] of entry.skills) bySkill.get(tag)?.[level]?.members.delete(entry.expert.id);
    generalists.members.delete(entry.expert.id);
  };
  const index = (entry: RosterEntry) => {
    if (!ready(entry)) return;
    indexed.add(entry.expert.id);
    for (const [tag, level] of entry.skills) insertInOrder(bucket(tag, level), entry);
    if (entry.expert.generalist) insertInOrder(generalists, entry);
  };
  /** After a change that may make the expert ready or not ready (their index positions stay if nothing moved). */
  const refresh = (entry: RosterEntry) => {
    if (ready(entry) !== indexed.has(entry.expert.id)) {
      unindex(entry);
      index(entry);
    }
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
        refresh(existing);
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
    setOnline(id, online) {
      const entry = entries.get(id);
      if (!entry) return;
      entry.expert.online = online;
      refresh(entry);
    },
    setPushable(id, pushable) {
      const entry = entries.get(id);
      if (!entry) return;
      entry.expert.pushable = pushable;
      refresh(entry);
    },
    noteOffered(id, at) {
      const entry = entries.get(id);
      if (!entry) return;
      recordOffer(entry.offers, at);
      unindex(entry);
      index(entry);
    },
    skilled: (tag, level) => bySkill.get(tag)?.[level]?.members ?? EMPTY,
    generalists: () => generalists.members,
    ids: () => entries.keys(),
    get size() {
      return entries.size;
    },
  };
}

function sameSkills(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  return a.size === b.size && [...a].every(([tag, level]) => b.get(tag) === level);
}
