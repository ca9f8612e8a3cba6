// What the network delivers, over questions received in [from, to): volume, answer rate, time to claim and to the
// first public reply, SLA breaches, by tag and by expert. Built from per-hour summaries (metrics-hours.ts), so a
// request costs a merge of what is already known plus a read of the hours that changed.
import type { Db } from '../../db/client.js';
import type { Metrics } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { createHourSummaries, HOUR_MS, REPLY_STATUS, type HourSummary } from './metrics-hours.js';

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

/** A reusable buffer: a 30-day window gathers ~300,000 values per list, which allocated per request would keep the
 * garbage collector busy. What it returns is valid until its next use. */
function scratch() {
  let buffer = new Float64Array(4096);
  const reserve = (size: number) => {
    if (buffer.length < size) buffer = new Float64Array(Math.max(size, buffer.length * 2));
    return buffer.subarray(0, size);
  };
  return {
    reserve,
    gather(lists: Float64Array[]) {
      const all = reserve(lists.reduce((n, list) => n + list.length, 0));
      let at = 0;
      for (const list of lists) { all.set(list, at); at += list.length; }
      return all;
    },
  };
}

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

export function createMetricsService({ db, clock }: { db: Db; clock: Clock }) {
  const sqlite = db.$client;
  const hours = createHourSummaries(db, clock);
  const values = scratch();
  const expertTimes = scratch();
  const statements = {
    names: sqlite.prepare<[string], { id: string; name: string }>('select id, name from users where id in (select value from json_each(?))'),
    open: sqlite.prepare<[], { status: string; n: number }>(
      "select status, count(*) n from questions where status in ('new','offered','claimed','escalated','in_review') group by status"),
    // Questions answered today were received at most a few days ago: a range of the covering received_at index.
    // The unary + keeps SQLite from the (status, received_at) index, which would read every row (27 ms vs 7 ms at 1M).
    answeredSince: sqlite.prepare<[number, number], { n: number }>(
      "select count(*) n from questions where +status in ('answered','closed') and received_at >= ? and first_reply_at >= ?"),
  };

  // Expert names, looked up once and kept a minute: re-reading 10,000 names would cost more than the rest of a request.
  const names = new Map<string, string>();
  let namesReadAt = -Infinity;
  function namesOf(ids: string[]): Map<string, string> {
    if (Math.abs(clock.now() - namesReadAt) > 60_000) { names.clear(); namesReadAt = clock.now(); }
    const missing = ids.filter((id) => !names.has(id));
    if (missing.length > 0) for (const user of statements.names.all(JSON.stringify(missing))) names.set(user.id, user.name);
    return names;
  }

  /** Counts per expert in typed arrays indexed by interned id, then each expert's reply times gathered contiguously. */
  function byExpert(parts: HourSummary[]): Metrics['byExpert'] {
    const size = hours.expertIds.length;
    const [answered, approved, rejected, timed] = [0, 1, 2, 3].map(() => new Int32Array(size)) as [Int32Array, Int32Array, Int32Array, Int32Array];
    const order: number[] = [];
    const seen = new Uint8Array(size);
    for (const { replies } of parts) {
      for (let i = 0; i < replies.experts.length; i++) {
        const e = replies.experts[i]!;
        if (!seen[e]) { seen[e] = 1; order.push(e); }
        const status = replies.statuses[i];
        if (status === REPLY_STATUS.posted) answered[e]++;
        if (status === REPLY_STATUS.posted || status === REPLY_STATUS.approved) approved[e]++;
        if (status === REPLY_STATUS.rejected) rejected[e]++;
        if (replies.ms[i]! >= 0) timed[e]++;
      }
    }
    const offsets = new Int32Array(size + 1);
    for (let e = 0; e < size; e++) offsets[e + 1] = offsets[e]! + timed[e]!;
    const times = expertTimes.reserve(offsets[size]!);
    const fill = offsets.slice(0, size);
    for (const { replies } of parts) {
      for (let i = 0; i < replies.experts.length; i++) if (replies.ms[i]! >= 0) times[fill[replies.experts[i]!]!++] = replies.ms[i]!;
    }
    const names = namesOf(order.map((e) => hours.expertIds[e]!));
    return order.filter((e) => names.has(hours.expertIds[e]!)).map((e) => ({
      expertId: hours.expertIds[e]!, name: names.get(hours.expertIds[e]!)!, answered: answered[e]!, approved: approved[e]!, rejected: rejected[e]!,
      medianReplyMs: offsets[e + 1]! > offsets[e]! ? select(times, offsets[e]! + Math.ceil((offsets[e + 1]! - offsets[e]!) / 2) - 1, offsets[e]!, offsets[e + 1]! - 1) : null,
    })).sort((a, b) => b.answered - a.answered);
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
    return [...tags].map(([tag, t]) => ({ tag, total: t.total, answered: t.answered, medianReplyMs: percentilesInPlace(values.gather(t.times)).median }))
      .sort((a, b) => b.total - a.total);
  }

  return {
    compute(range: { from?: string; to?: string } = {}): Metrics {
      const now = clock.now();
      const to = range.to ? Date.parse(range.to) : now;
      const from = range.from ? Date.parse(range.from) : to - 7 * 24 * 3600_000;
      const parts = hours.between(from, to);
      const counts = new Map<string, number>();
      let total = 0;
      let slaBreaches = 0;
      const bucketMs = to - from <= 2 * 24 * 3600_000 ? HOUR_MS : 24 * HOUR_MS;
      const volume = new Map<number, { received: number; answered: number }>();
      for (const part of parts) {
        total += part.received;
        for (const [status, n] of part.byStatus) counts.set(status, (counts.get(status) ?? 0) + n);
        slaBreaches += part.lateReplies + dueBefore(part.openDueAt, now);
        const bucket = Math.floor((part.hour * HOUR_MS) / bucketMs);
        const v = volume.get(bucket) ?? { received: 0, answered: 0 };
        v.received += part.received;
        v.answered += part.answered;
        volume.set(bucket, v);
      }
      const byStatus = Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
      const answered = (byStatus.answered ?? 0) + (byStatus.closed ?? 0);
      const considered = total - (byStatus.dismissed ?? 0);
      return {
        from: new Date(from).toISOString(), to: new Date(to).toISOString(), total, byStatus, answered,
        answerRate: considered > 0 ? answered / considered : null,
        timeToClaimMs: percentilesInPlace(values.gather(parts.map((p) => p.claimMs))),
        timeToFirstReplyMs: percentilesInPlace(values.gather(parts.map((p) => p.replyMs))),
        slaBreaches,
        byTag: byTag(parts),
        byExpert: byExpert(parts),
        volume: [...volume].map(([bucket, v]) => ({ bucket: new Date(bucket * bucketMs).toISOString(), received: v.received, answered: v.answered })),
      };
    },

    live(onlineExperts: number) {
      const startOfDay = new Date(clock.now()).setUTCHours(0, 0, 0, 0);
      const open = new Map(statements.open.all().map((r) => [r.status, r.n]));
      const openCount = ['new', 'offered', 'claimed', 'escalated'].reduce((n, s) => n + (open.get(s) ?? 0), 0);
      const answeredToday = statements.answeredSince.get(startOfDay - 7 * 24 * 3600_000, startOfDay)!.n;
      return { open: openCount, inReview: open.get('in_review') ?? 0, escalated: open.get('escalated') ?? 0, answeredToday, onlineExperts };
    },
  };
}
export type MetricsService = ReturnType<typeof createMetricsService>;
