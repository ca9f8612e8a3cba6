const TOP_HOLDERS = 8;

export interface WeightedKey { key: string; weight: number }

/**
 * Who used which key (a word or a tag) in the questions they answered, and how often: per-key postings for
 * scoring, plus each key's few strongest holders so a new question can reach likely experts without a scan.
 */
export interface ProfileIndex {
  add(expertId: string, keys: readonly string[], weight: number): void;
  count(key: string, expertId: string): number;
  keyTotal(key: string): number;
  holders(key: string): ReadonlyMap<string, number> | undefined;
  topHolders(key: string): readonly string[];
  readonly experts: number;
}

interface Posting { holders: Map<string, number>; total: number; top: string[] }

export function createProfileIndex(): ProfileIndex {
  const postings = new Map<string, Posting>();
  const experts = new Set<string>();

  const promote = (posting: Posting, expertId: string, count: number) => {
    const { top, holders } = posting;
    const at = top.indexOf(expertId);
    if (at >= 0) top.splice(at, 1);
    else if (top.length >= TOP_HOLDERS && count <= holders.get(top[top.length - 1]!)!) return;
    let i = top.length;
    while (i > 0 && holders.get(top[i - 1]!)! < count) i--;
    top.splice(i, 0, expertId);
    if (top.length > TOP_HOLDERS) top.pop();
  };

  return {
    add(expertId, keys, weight) {
      experts.add(expertId);
      for (const key of new Set(keys)) {
        let posting = postings.get(key);
        if (!posting) postings.set(key, (posting = { holders: new Map(), total: 0, top: [] }));
        const count = (posting.holders.get(expertId) ?? 0) + weight;
        posting.holders.set(expertId, count);
        posting.total += weight;
        promote(posting, expertId, count);
      }
    },
    count: (key, expertId) => postings.get(key)?.holders.get(expertId) ?? 0,
    keyTotal: (key) => postings.get(key)?.total ?? 0,
    holders: (key) => postings.get(key)?.holders,
    topHolders: (key) => postings.get(key)?.top ?? [],
    get experts() { return experts.size; },
  };
}

/** A query's keys looked up once, so scoring each expert costs one map read per key. */
export interface ResolvedKeys { holders: ReadonlyMap<string, number>[]; shares: number[]; idfs: number[]; weights: number[]; weightSum: number; experts: number }

export function resolveKeys(index: ProfileIndex, keys: readonly WeightedKey[]): ResolvedKeys {
  const resolved: ResolvedKeys = { holders: [], shares: [], idfs: [], weights: [], weightSum: 0, experts: index.experts };
  for (const { key, weight } of keys) {
    resolved.weightSum += weight;
    const holders = index.holders(key);
    if (!holders) continue;
    resolved.holders.push(holders);
    resolved.weights.push(weight);
    resolved.shares.push(weight / index.keyTotal(key));
    resolved.idfs.push(weight * Math.log1p(index.experts / (holders.size + 1)));
  }
  return resolved;
}

/**
 * Two views of how much of the expert's history is about these keys:
 * share = log(1 + E · Σ w·p(expert|key) / Σ w), this expert's part of the answers on them against an even share;
 * match = log(1 + Σ w·idf·tf/(tf+1)), saturating evidence that they handled them, rarer keys counting more.
 * Both are written into `into` from `at`; returns the index after them.
 */
export function profileEvidence(keys: ResolvedKeys, expertId: string, into: number[], at: number): number {
  let share = 0;
  let match = 0;
  for (let i = 0; i < keys.holders.length; i++) {
    const count = keys.holders[i]!.get(expertId);
    if (count === undefined) continue;
    share += keys.shares[i]! * count;
    match += (keys.idfs[i]! * count) / (count + 1);
  }
  into[at] = keys.weightSum > 0 ? Math.log1p((keys.experts * share) / keys.weightSum) : 0;
  into[at + 1] = Math.log1p(match);
  return at + 2;
}
