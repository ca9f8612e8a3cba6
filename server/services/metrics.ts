// What the network delivers, over questions received in [from, to): volume, answer rate, time to claim and to the
// first public reply, SLA breaches, by tag and by expert. Built from per-hour and per-day summaries (metrics-hours.ts),
// so a request costs a merge of what is already known plus a read of the hours that changed.
import type { ReadRepositories } from '../repositories/index.js';
import type { Metrics } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { resolvePeriod } from '../domain/period.js';
import { createHourSummaries, DAY_MS, HOUR_MS, type HourSummary } from './metrics-hours.js';

/** Moves the k-th smallest of values[lo..hi] to index k, smaller ones before it and larger ones after (quickselect). */
function select(values: Float64Array, k: number, lo: number, hi: number): number {
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const swap = values[i]!;
        values[i++] = values[j]!;
        values[j--] = swap;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k]!;
}

type Percentiles = { median: number | null; p90: number | null; count: number };

/** Median and p90 of `values`, reordering them in place. */
function percentilesInPlace(values: Float64Array): Percentiles {
  const n = values.length;
  if (n === 0) return { median: null, p90: null, count: 0 };
  const rank = (q: number) => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  const median = select(values, rank(0.5), 0, n - 1);
  return { median, p90: select(values, rank(0.9), rank(0.5), n - 1), count: n };
}

export function percentiles(values: ArrayLike<number>): Percentiles {
  return percentilesInPlace(Float64Array.from(values));
}

/** Index of the first value of list[lo..hi) (ascending) at or above `value`, or above it if `orEqual`. */
function bound(list: Float64Array, value: number, lo: number, hi: number, orEqual: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < value || (orEqual && list[mid] === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The k-th smallest value (0-based) of the union of ascending lists, without copying them all. Each round takes as
 * pivot the weighted median of the middle values of what is left of every list, counts (by binary search) the values
 * below and equal to it, and keeps the side holding the k-th: at least a quarter of what is left goes each round.
 * Once little is left, it is gathered into `buffer` and quickselected.
 */
export function kthOfSorted(lists: Float64Array[], k: number, buffer: Scratch = scratch()): number {
  const m = lists.length;
  const lo = new Int32Array(m);
  const hi = Int32Array.from(lists, (list) => list.length);
  const below = new Int32Array(m);
  const upTo = new Int32Array(m);
  const order: number[] = [];
  let left = hi.reduce((n, length) => n + length, 0);
  while (left > 4096) {
    order.length = 0;
    for (let i = 0; i < m; i++) if (hi[i]! > lo[i]!) order.push(i);
    const middle = (i: number) => lists[i]![(lo[i]! + hi[i]!) >> 1]!;
    order.sort((a, b) => middle(a) - middle(b));
    let weight = 0;
    let pivot = 0;
    for (const i of order) {
      weight += hi[i]! - lo[i]!;
      if (weight * 2 >= left) {
        pivot = middle(i);
        break;
      }
    }
    let nBelow = 0;
    let nUpTo = 0;
    for (let i = 0; i < m; i++) {
      below[i] = bound(lists[i]!, pivot, lo[i]!, hi[i]!, false) - lo[i]!;
      upTo[i] = bound(lists[i]!, pivot, lo[i]! + below[i]!, hi[i]!, true) - lo[i]!;
      nBelow += below[i]!;
      nUpTo += upTo[i]!;
    }
    if (k < nBelow) {
      for (let i = 0; i < m; i++) hi[i] = lo[i]! + below[i]!;
      left = nBelow;
    } else if (k < nUpTo) {
      return pivot;
    } else {
      for (let i = 0; i < m; i++) lo[i] = lo[i]! + upTo[i]!;
      k -= nUpTo;
      left -= nUpTo;
    }
  }
  const all = buffer.reserve(left);
  let at = 0;
  for (let i = 0; i < m; i++) {
    all.set(lists[i]!.subarray(lo[i]!, hi[i]!), at);
    at += hi[i]! - lo[i]!;
  }
  return select(all, k, 0, left - 1);
}

/** Median and p90 of the union of ascending lists. */
function percentilesOfSorted(lists: Float64Array[], buffer: Scratch): Percentiles {
  const n = lists.reduce((count, list) => count + list.length, 0);
  if (n === 0) return { median: null, p90: null, count: 0 };
  const rank = (q: number) => Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
  return { median: kthOfSorted(lists, rank(0.5), buffer), p90: kthOfSorted(lists, rank(0.9), buffer), count: n };
}

/** A reusable buffer: what it returns is valid until its next use. */
function scratch() {
  let buffer = new Float64Array(4096);
  return {
    reserve(size: number) {
      if (buffer.length < size) buffer = new Float64Array(Math.max(size, buffer.length * 2));
      return buffer.subarray(0, size);
    },
  };
}
type Scratch = ReturnType<typeof scratch>;

/** How many of the ascending `dueAt` times are before `now`. */
function dueBefore(dueAt: Float64Array, now: number): number {
  let lo = 0;
  let hi = dueAt.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dueAt[mid]! < now) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function createMetricsService({
  data,
  clock,
}: {
  data: Pick<ReadRepositories, 'metrics' | 'names'>;
  clock: Clock;
}) {
  const hours = createHourSummaries(data.metrics, clock);
  const values = scratch();
  const expertTimes = scratch();

  // Expert names, each looked up once: re-reading every expert's name is a visible part of a request on a large network
  // (docs/architecture.md#why-some-rules-are-so). A user's name is set when the account is created and never changed; a
  // feature that renames users must clear this cache.
  const names = new Map<string, string>();
  async function namesOf(ids: string[]): Promise<Map<string, string>> {
    const missing = ids.filter((id) => !names.has(id));
    if (missing.length > 0) for (const [id, name] of await data.names.of(missing)) names.set(id, name);
    return names;
  }

  /**
   * Counts per expert in typed arrays indexed by interned id, most answers first (ties in order of first appearance);
   * then the reply times of the first `limit` experts gathered contiguously for their medians. The dashboard shows the
   * top 25 of what can be 10,000 experts: counting is cheap, the medians and the answer's size are not.
   */
  async function byExpert(parts: HourSummary[], limit: number): Promise<{ rows: Metrics['byExpert']; total: number }> {
    const size = hours.expertIds.length;
    const [answered, approved, rejected, timed] = [0, 1, 2, 3].map(() => new Int32Array(size)) as [
      Int32Array,
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    const order: number[] = [];
    const seen = new Uint8Array(size);
    for (const { byExpert: group } of parts) {
      for (let j = 0; j < group.ids.length; j++) {
        const e = group.ids[j]!;
        if (!seen[e]) {
          seen[e] = 1;
          order.push(e);
        }
        answered[e] += group.answered[j]!;
        approved[e] += group.approved[j]!;
        rejected[e] += group.rejected[j]!;
        timed[e] += group.offsets[j + 1]! - group.offsets[j]!;
      }
    }
    const names = await namesOf(order.map((e) => hours.expertIds[e]!));
    const ranked = order.filter((e) => names.has(hours.expertIds[e]!)).sort((a, b) => answered[b]! - answered[a]!);
    const shown = ranked.slice(0, limit);
    // Where each shown expert's times go: a slot per shown expert, -1 for the rest.
    const slot = new Int32Array(size).fill(-1);
    const offsets = new Int32Array(shown.length + 1);
    shown.forEach((e, i) => {
      slot[e] = i;
      offsets[i + 1] = offsets[i]! + timed[e]!;
    });
    const times = expertTimes.reserve(offsets[shown.length]!);
    const fill = offsets.slice(0, shown.length);
    for (const { byExpert: group } of parts) {
      for (let j = 0; j < group.ids.length; j++) {
        const i = slot[group.ids[j]!]!;
        if (i < 0) continue;
        for (let k = group.offsets[j]!; k < group.offsets[j + 1]!; k++) times[fill[i]!++] = group.ms[k]!;
      }
    }
    const rows = shown.map((e, i) => ({
      expertId: hours.expertIds[e]!,
      name: names.get(hours.expertIds[e]!)!,
      answered: answered[e]!,
      approved: approved[e]!,
      rejected: rejected[e]!,
      medianReplyMs:
        offsets[i + 1]! > offsets[i]!
          ? select(
              times,
              offsets[i]! + Math.ceil((offsets[i + 1]! - offsets[i]!) / 2) - 1,
              offsets[i]!,
              offsets[i + 1]! - 1,
            )
          : null,
    }));
    return { rows, total: ranked.length };
  }

  function byTag(parts: HourSummary[]): Metrics['byTag'] {
    const tags = new Map<string, { total: number; answered: number; times: Float64Array[] }>();
    for (const part of parts) {
      for (const [slug, t] of part.byTag) {
        let tag = tags.get(slug);
        if (!tag) tags.set(slug, (tag = { total: 0, answered: 0, times: [] }));
        tag.total += t.total;
        tag.answered += t.answered;
        tag.times.push(t.replyMs);
      }
    }
    return [...tags]
      .map(([tag, t]) => ({
        tag,
        total: t.total,
        answered: t.answered,
        medianReplyMs: percentilesOfSorted(t.times, values).median,
      }))
      .sort((a, b) => b.total - a.total);
  }

  let warming: Promise<boolean> = Promise.resolve(false);
  let stopped = false;

  const service = {
    /**
     * Fills the hour cache for the last `days` days in ~`sliceMs` slices with the event loop free between them, then
     * computes the dashboard's windows once (which merges the day summaries). On a large history the first metrics
     * request after a start would otherwise read every hour itself, for seconds
     * (docs/architecture.md#why-some-rules-are-so). Resolves true once warm, false if stopped first.
     */
    warm({ days = 30, sliceMs = 10 }: { days?: number; sliceMs?: number } = {}): Promise<boolean> {
      stopped = false;
      warming = (async () => {
        const to = clock.now();
        const from = to - days * DAY_MS;
        while (!(await hours.fillMissing(from, to, sliceMs))) {
          await new Promise((resolve) => setImmediate(resolve));
          if (stopped) return false;
        }
        for (const span of new Set([Math.min(7, days), days]))
          await service.compute({ from: new Date(to - span * DAY_MS).toISOString(), to: new Date(to).toISOString() });
        return true;
      })();
      return warming;
    },

    /** The warm-up under way (or the last one). */
    warmed(): Promise<boolean> {
      return warming;
    },

    /** Stops a warm-up between slices (the server is closing). */
    stop(): Promise<boolean> {
      stopped = true;
      return warming;
    },

    /**
     * compute() for a request: the hours it has not cached yet are read first in slices, with the event loop free
     * between them. A long period on a large history is a lot of reading (a year may be every question stored),
     * which in one go would hold every other request and socket for as long.
     */
    async report(range: { from?: string; to?: string; experts?: number } = {}): Promise<Metrics> {
      const { from, to } = resolvePeriod(range, clock.now(), 7);
      while (!(await hours.fillMissing(from, to, 10))) await new Promise((resolve) => setImmediate(resolve));
      return service.compute(range);
    },

    /** The window's metrics; `experts` keeps only that many of the experts who answered most (all by default). */
    async compute(range: { from?: string; to?: string; experts?: number } = {}): Promise<Metrics> {
      const now = clock.now();
      const { from, to } = resolvePeriod(range, now, 7);
      const bucketMs = to - from <= 2 * DAY_MS ? HOUR_MS : DAY_MS;
      const parts = await hours.between(from, to, { wholeDays: bucketMs === DAY_MS });
      const counts = new Map<string, number>();
      let total = 0;
      let slaBreaches = 0;
      const volume = new Map<number, { received: number; answered: number }>();
      for (const part of parts) {
        total += part.received;
        for (const [status, n] of part.byStatus) counts.set(status, (counts.get(status) ?? 0) + n);
        slaBreaches += part.lateReplies + dueBefore(part.openDueAt, now);
        const bucket = Math.floor(part.start / bucketMs);
        const v = volume.get(bucket) ?? { received: 0, answered: 0 };
        v.received += part.received;
        v.answered += part.answered;
        volume.set(bucket, v);
      }
      const byStatus = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
      const answered = (byStatus.answered ?? 0) + (byStatus.closed ?? 0);
      const experts = await byExpert(parts, range.experts ?? Number.POSITIVE_INFINITY);
      const considered = total - (byStatus.dismissed ?? 0);
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        total,
        byStatus,
        answered,
        answerRate: considered > 0 ? answered / considered : null,
        timeToClaimMs: percentilesOfSorted(
          parts.map((p) => p.claimMs),
          values,
        ),
        timeToFirstReplyMs: percentilesOfSorted(
          parts.map((p) => p.replyMs),
          values,
        ),
        slaBreaches,
        byTag: byTag(parts),
        byExpert: experts.rows,
        expertsTotal: experts.total,
        volume: [...volume].map(([bucket, v]) => ({
          bucket: new Date(bucket * bucketMs).toISOString(),
          received: v.received,
          answered: v.answered,
        })),
      };
    },

    async live(experts: { appOpen: number; reachable: number }) {
      const startOfDay = new Date(clock.now()).setUTCHours(0, 0, 0, 0);
      const open = await data.metrics.openByStatus();
      const openCount = ['new', 'offered', 'claimed', 'escalated'].reduce((n, s) => n + (open.get(s) ?? 0), 0);
      const answeredToday = await data.metrics.answeredSince(startOfDay - 7 * 24 * 3600_000, startOfDay);
      return {
        open: openCount,
        inReview: open.get('in_review') ?? 0,
        escalated: open.get('escalated') ?? 0,
        answeredToday,
        onlineExperts: experts.appOpen,
        reachableExperts: experts.reachable,
      };
    },

    /** Hours read from the database since start (what tests count to see the cache at work). */
    get hoursRead() {
      return hours.hoursRead;
    },
  };
  return service;
}
export type MetricsService = ReturnType<typeof createMetricsService>;
