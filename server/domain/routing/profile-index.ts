const TOP_HOLDERS = 8;

export interface WeightedKey {
  key: string;
  weight: number;
}

/**
 * Dense numbers for expert ids, shared by the indexes of one learned state. Scoring a candidate looks them up once per
 * query key, and a Map reads a small number key much faster than a 26-character id.
 */
export interface Ordinals {
  /** The expert's number, given on first sight. */
  of(expertId: string): number;
  /** The expert's number if they have any history. */
  find(expertId: string): number | undefined;
  id(ordinal: number): string;
}

export function createOrdinals(): Ordinals {
  const numbers = new Map<string, number>();
  const ids: string[] = [];
  return {
    of(expertId) {
      let ordinal = numbers.get(expertId);
      if (ordinal === undefined) {
        numbers.set(expertId, (ordinal = ids.length));
        ids.push(expertId);
      }
      return ordinal;
    },
    find: (expertId) => numbers.get(expertId),
    id: (ordinal) => ids[ordinal]!,
  };
}

/**
 * Who used which key (a word or a tag) in the questions they answered, and how often: per-key postings for
 * scoring, plus each key's few strongest holders so a new question can reach likely experts without a scan.
 */
export interface ProfileIndex {
  add(expertId: string, keys: readonly string[], weight: number): void;
  keyTotal(key: string): number;
  /** Holders of the key by expert ordinal. */
  holders(key: string): ReadonlyMap<number, number> | undefined;
  topHolders(key: string): readonly string[];
  /**
   * Multiplies every count by `factor` (the order of holders does not change) and forgets counts that end below
   * `dropBelow`, and keys left with none: decayed counts would otherwise shrink to zero, never leave, and turn the
   * shares of a key into 0/0.
   */
  rescale(factor: number, dropBelow?: number): void;
  readonly experts: number;
}

interface Posting {
  holders: Map<number, number>;
  total: number;
  top: number[];
  topIds: string[] | null;
}

export function createProfileIndex(ordinals: Ordinals = createOrdinals()): ProfileIndex {
  const postings = new Map<string, Posting>();
  const experts = new Set<number>();

  const promote = (posting: Posting, expert: number, count: number) => {
    const { top, holders } = posting;
    const at = top.indexOf(expert);
    if (at >= 0) top.splice(at, 1);
    else if (top.length >= TOP_HOLDERS && count <= holders.get(top[top.length - 1]!)!) return;
    let i = top.length;
    while (i > 0 && holders.get(top[i - 1]!)! < count) i--;
    top.splice(i, 0, expert);
    if (top.length > TOP_HOLDERS) top.pop();
    posting.topIds = null;
  };

  return {
    add(expertId, keys, weight) {
      const expert = ordinals.of(expertId);
      experts.add(expert);
      for (const key of new Set(keys)) {
        let posting = postings.get(key);
        if (!posting) postings.set(key, (posting = { holders: new Map(), total: 0, top: [], topIds: null }));
        const count = (posting.holders.get(expert) ?? 0) + weight;
        posting.holders.set(expert, count);
        posting.total += weight;
        promote(posting, expert, count);
      }
    },
    keyTotal: (key) => postings.get(key)?.total ?? 0,
    holders: (key) => postings.get(key)?.holders,
    topHolders(key) {
      const posting = postings.get(key);
      if (!posting) return [];
      return (posting.topIds ??= posting.top.map(ordinals.id));
    },
    rescale(factor, dropBelow = 0) {
      for (const [key, posting] of postings) {
        let total = 0;
        for (const [expert, count] of posting.holders) {
          const scaled = count * factor;
          if (scaled < dropBelow) posting.holders.delete(expert);
          else {
            posting.holders.set(expert, scaled);
            total += scaled;
          }
        }
        if (posting.holders.size === 0) {
          postings.delete(key);
          continue;
        }
        posting.total = total;
        if (posting.top.some((expert) => !posting.holders.has(expert))) {
          posting.top = posting.top.filter((expert) => posting.holders.has(expert));
          posting.topIds = null;
        }
      }
    },
    get experts() {
      return experts.size;
    },
  };
}

/** A query's keys looked up once, so scoring each expert costs one map read per key. */
export interface ResolvedKeys {
  holders: ReadonlyMap<number, number>[];
  shares: number[];
  idfs: number[];
  weightSum: number;
  experts: number;
}

export function resolveKeys(index: ProfileIndex, keys: readonly WeightedKey[]): ResolvedKeys {
  const resolved: ResolvedKeys = {
    holders: [],
    shares: [],
    idfs: [],
    weightSum: 0,
    experts: index.experts,
  };
  for (const { key, weight } of keys) {
    resolved.weightSum += weight;
    const holders = index.holders(key);
    const total = index.keyTotal(key);
    if (!holders || !(total > 0)) continue;
    resolved.holders.push(holders);
    resolved.shares.push(weight / total);
    resolved.idfs.push(weight * Math.log1p(index.experts / (holders.size + 1)));
  }
  return resolved;
}

/**
 * Two views of how much of the expert's history is about these keys:
 * share = log(1 + E · Σ w·p(expert|key) / Σ w), this expert's part of the answers on them against an even share;
 * match = log(1 + Σ w·idf·tf/(tf+1)), saturating evidence that they handled them, rarer keys counting more.
 * Both are written into `into` from `at`; returns the index after them. An expert with no ordinal has no history.
 */
export function profileEvidence(
  keys: ResolvedKeys,
  expert: number | undefined,
  into: number[],
  at: number,
  withVolume = false,
): number {
  let share = 0;
  let match = 0;
  let volume = 0;
  for (let i = 0; expert !== undefined && i < keys.holders.length; i++) {
    const count = keys.holders[i]!.get(expert);
    if (count === undefined) continue;
    share += keys.shares[i]! * count;
    match += (keys.idfs[i]! * count) / (count + 1);
    volume += keys.idfs[i]! * count;
  }
  into[at] = keys.weightSum > 0 ? Math.log1p((keys.experts * share) / keys.weightSum) : 0;
  into[at + 1] = Math.log1p(match);
  if (!withVolume) return at + 2;
  into[at + 2] = Math.log1p(volume);
  return at + 3;
}

/**
 * Recent evidence from a profile whose counts decay (recent-profiles.ts): `scale` turns its stored counts into
 * decayed ones. share as in profileEvidence (a ratio, so the scale cancels); volume = log(1 + Σ w·idf·decayed count).
 */
export function recentEvidence(
  keys: ResolvedKeys,
  expert: number | undefined,
  scale: number,
  into: number[],
  at: number,
): number {
  let share = 0;
  let volume = 0;
  for (let i = 0; expert !== undefined && i < keys.holders.length; i++) {
    const count = keys.holders[i]!.get(expert);
    if (count === undefined) continue;
    share += keys.shares[i]! * count;
    volume += keys.idfs[i]! * count;
  }
  into[at] = keys.weightSum > 0 ? Math.log1p((keys.experts * share) / keys.weightSum) : 0;
  into[at + 1] = Math.log1p(scale * volume);
  return at + 2;
}
