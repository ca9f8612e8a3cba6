// Per-hour summaries of the questions received in each hour, so that metrics over 30 days merge summaries held in
// memory instead of re-reading every question of the window with its tags and replies on every request. Each summary
// keeps its times sorted and its replies grouped by expert; the 24 hours of a UTC day are also merged into a day
// summary, so a 30-day window merges ~30 days and the hours at its edges (~80 summaries, not ~720), and a percentile is
// a selection across sorted lists rather than a copy and a quickselect of every value in the window.
// A summary depends only on the questions received in its hour, and every write to a question (status, claim, reply,
// review, posting, tags) sets its updated_at: the hours touched since the last request are found through the
// updated_at index and read again. Only complete hours are kept; the partial hours at a window's edges are read
// directly. Writes are looked for from a minute before the newest one seen (or before now, if that is earlier), so a
// clock stepping back by less than that loses nothing.
// Requests for summaries take turns: one that reads missing hours must not have a cached hour it counts on evicted by
// another meanwhile.
import type { MetricsReads } from '../repositories/metrics.js';
import type { Clock } from '../domain/clock.js';
import { createLine } from '../in-turn.js';

export const HOUR_MS = 3_600_000;
const CLOCK_SLACK_MS = 60_000;
const ANSWERED = new Set(['answered', 'closed']);
export const REPLY_STATUS = { other: 0, posted: 1, approved: 2, rejected: 3 } as const;

export const DAY_MS = 24 * HOUR_MS;

/** Times are ascending in every list of a summary. */
export interface TagHour {
  total: number;
  answered: number;
  replyMs: Float64Array;
}

/** Replies by author: `ids[j]` (see `expertIds`) wrote replies counted in the other arrays at `j`; the ms from claim to
 * reply of the replies that have one are `ms[offsets[j]..offsets[j + 1])`, ascending. Experts in order of first reply. */
export interface ExpertReplies {
  ids: Int32Array;
  answered: Int32Array;
  approved: Int32Array;
  rejected: Int32Array;
  offsets: Int32Array;
  ms: Float64Array;
}

/** What the questions received in [start, start + span) add up to: one hour, or one UTC day. */
export interface HourSummary {
  start: number;
  span: number;
  received: number;
  answered: number;
  byStatus: Map<string, number>;
  claimMs: Float64Array;
  replyMs: Float64Array;
  /** Breaches already decided: replied after the SLA. Unreplied questions breach once `now` passes their due time. */
  lateReplies: number;
  openDueAt: Float64Array;
  byTag: Map<string, TagHour>;
  byExpert: ExpertReplies;
}

const sorted = (values: ArrayLike<number>) => Float64Array.from(values).sort();

class ExpertsBuilder {
  private readonly at = new Map<number, number>();
  private readonly ids: number[] = [];
  private readonly counts: [number[], number[], number[]] = [[], [], []];
  private readonly ms: number[][] = [];

  private slot(expert: number) {
    let j = this.at.get(expert);
    if (j === undefined) {
      this.at.set(expert, (j = this.ids.length));
      this.ids.push(expert);
      for (const list of this.counts) list.push(0);
      this.ms.push([]);
    }
    return j;
  }

  reply(expert: number, status: number, ms: number) {
    const j = this.slot(expert);
    const [answered, approved, rejected] = this.counts;
    if (status === REPLY_STATUS.posted) answered[j]++;
    if (status === REPLY_STATUS.posted || status === REPLY_STATUS.approved) approved[j]++;
    if (status === REPLY_STATUS.rejected) rejected[j]++;
    if (ms >= 0) this.ms[j]!.push(ms);
  }

  add(group: ExpertReplies) {
    for (let g = 0; g < group.ids.length; g++) {
      const j = this.slot(group.ids[g]!);
      this.counts[0][j] += group.answered[g]!;
      this.counts[1][j] += group.approved[g]!;
      this.counts[2][j] += group.rejected[g]!;
      const times = this.ms[j]!;
      for (let i = group.offsets[g]!; i < group.offsets[g + 1]!; i++) times.push(group.ms[i]!);
    }
  }

  finish(): ExpertReplies {
    const offsets = new Int32Array(this.ids.length + 1);
    this.ms.forEach((times, j) => {
      offsets[j + 1] = offsets[j]! + times.length;
    });
    const ms = new Float64Array(offsets[this.ids.length]!);
    this.ms.forEach((times, j) => ms.set(sorted(times), offsets[j]!));
    const [answered, approved, rejected] = this.counts.map((list) => Int32Array.from(list)) as [
      Int32Array,
      Int32Array,
      Int32Array,
    ];
    return { ids: Int32Array.from(this.ids), answered, approved, rejected, offsets, ms };
  }
}

class SummaryBuilder {
  received = 0;
  answered = 0;
  lateReplies = 0;
  byStatus = new Map<string, number>();
  claimMs: number[] = [];
  replyMs: number[] = [];
  openDueAt: number[] = [];
  byTag = new Map<string, { total: number; answered: number; replyMs: number[] }>();
  experts = new ExpertsBuilder();
  constructor(
    readonly start: number,
    readonly span: number,
  ) {}

  tag(slug: string) {
    let tag = this.byTag.get(slug);
    if (!tag) this.byTag.set(slug, (tag = { total: 0, answered: 0, replyMs: [] }));
    return tag;
  }

  /** Adds up summaries of parts of this one's span. */
  add(part: HourSummary) {
    this.received += part.received;
    this.answered += part.answered;
    this.lateReplies += part.lateReplies;
    for (const [status, n] of part.byStatus) this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + n);
    for (const [into, from] of [
      [this.claimMs, part.claimMs],
      [this.replyMs, part.replyMs],
      [this.openDueAt, part.openDueAt],
    ] as const) {
      for (const value of from) into.push(value);
    }
    for (const [slug, t] of part.byTag) {
      const tag = this.tag(slug);
      tag.total += t.total;
      tag.answered += t.answered;
      for (const ms of t.replyMs) tag.replyMs.push(ms);
    }
    this.experts.add(part.byExpert);
    return this;
  }

  finish(): HourSummary {
    return {
      start: this.start,
      span: this.span,
      received: this.received,
      answered: this.answered,
      byStatus: this.byStatus,
      lateReplies: this.lateReplies,
      claimMs: sorted(this.claimMs),
      replyMs: sorted(this.replyMs),
      openDueAt: sorted(this.openDueAt),
      byTag: new Map(
        [...this.byTag].map(([slug, t]) => [
          slug,
          { total: t.total, answered: t.answered, replyMs: sorted(t.replyMs) },
        ]),
      ),
      byExpert: this.experts.finish(),
    };
  }
}

export function createHourSummaries(reads: MetricsReads, clock: Clock, maxHours = 62 * 24) {
  const expertIds: string[] = [];
  const expertIndex = new Map<string, number>();
  const intern = (id: string) => {
    let index = expertIndex.get(id);
    if (index === undefined) {
      expertIndex.set(id, (index = expertIds.length));
      expertIds.push(id);
    }
    return index;
  };
  const cache = new Map<number, HourSummary>();
  /** Day summaries, each merged from the 24 cached hours of its day and dropped with any of them. */
  const days = new Map<number, HourSummary>();
  const forget = (hour: number) => {
    cache.delete(hour);
    days.delete(Math.floor(hour / 24));
  };
  let seen = { changes: -1, dataVersion: -1, since: -Infinity };
  /** Hours read from the database since start (summaries built): what the tests count to see the cache work. */
  let hoursRead = 0;

  /** Runs `work` once every call before it has settled, whatever its outcome. */
  const inTurn = createLine().run;

  /** Reads the questions received in [start, end) into one summary per hour that has any. */
  async function read(start: number, end: number): Promise<Map<number, HourSummary>> {
    if (end > start) hoursRead += Math.ceil((end - start) / HOUR_MS);
    const hours = new Map<number, SummaryBuilder>();
    const hourOf = (receivedAt: number) => {
      const hour = Math.floor(receivedAt / HOUR_MS);
      let builder = hours.get(hour);
      if (!builder) hours.set(hour, (builder = new SummaryBuilder(hour * HOUR_MS, HOUR_MS)));
      return builder;
    };
    await reads.eachInRange(start, end, {
      question(receivedAt, status, claimedAt, firstReplyAt, slaDueAt) {
        const h = hourOf(receivedAt);
        h.received++;
        h.byStatus.set(status, (h.byStatus.get(status) ?? 0) + 1);
        if (ANSWERED.has(status)) h.answered++;
        if (claimedAt !== null) h.claimMs.push(claimedAt - receivedAt);
        if (firstReplyAt !== null) h.replyMs.push(firstReplyAt - receivedAt);
        if (status === 'dismissed') return;
        if (firstReplyAt === null) h.openDueAt.push(slaDueAt);
        else if (firstReplyAt > slaDueAt) h.lateReplies++;
      },
      tag(receivedAt, slug, status, ms) {
        const tag = hourOf(receivedAt).tag(slug);
        tag.total++;
        if (ANSWERED.has(status)) tag.answered++;
        if (ms !== null) tag.replyMs.push(ms);
      },
      reply(receivedAt, authorId, status, ms) {
        hourOf(receivedAt).experts.reply(
          intern(authorId),
          REPLY_STATUS[status as keyof typeof REPLY_STATUS] ?? REPLY_STATUS.other,
          ms ?? Number.NaN,
        );
      },
    });
    return new Map([...hours].map(([hour, builder]) => [hour, builder.finish()]));
  }

  /** Reads the hours [first, end) into the cache, in one range read; an hour without questions gets an empty summary. */
  async function cacheHours(first: number, end: number) {
    const found = await read(first * HOUR_MS, end * HOUR_MS);
    for (let hour = first; hour < end; hour++)
      cache.set(hour, found.get(hour) ?? new SummaryBuilder(hour * HOUR_MS, HOUR_MS).finish());
  }

  /**
   * Drops the cached hours whose questions changed since the last call. After a check, every row updated before it is
   * accounted for (an hour read later reads it), so the next check looks only from the check's time on, less a slack
   * for a write that commits later with an earlier timestamp. Looking from the newest update less the slack instead
   * would drop those same hours again at every later write, to any table, until another question changed: scattered
   * hours re-read on every request (docs/architecture.md#why-some-rules-are-so).
   * The mark is taken before the hours are looked for: a write in between is found now or at the next check.
   */
  async function forgetTouchedHours() {
    const { changes, dataVersion } = await reads.writeMark();
    if (changes === seen.changes && dataVersion === seen.dataVersion) return;
    if (cache.size > 0) for (const hour of await reads.hoursTouchedSince(seen.since)) forget(hour);
    seen = { changes, dataVersion, since: Math.max(seen.since, clock.now() - CLOCK_SLACK_MS) };
  }

  return {
    expertIds,
    get hoursRead() {
      return hoursRead;
    },

    /**
     * Reads the complete hours of [from, to) that are not cached yet, newest first (up to the engine's
     * `hoursPerRead` at a time), until `budgetMs` has passed (at least one read): a warm-up can fill the cache in
     * slices with the event loop free between them. True once none is missing.
     */
    fillMissing(from: number, to: number, budgetMs: number): Promise<boolean> {
      return inTurn(async () => {
        await forgetTouchedHours();
        const started = performance.now();
        let readAny = false;
        const first = Math.ceil(from / HOUR_MS);
        for (let hour = Math.floor(to / HOUR_MS) - 1; hour >= first; hour--) {
          if (cache.has(hour)) continue;
          if (readAny && performance.now() - started >= budgetMs) return false;
          readAny = true;
          // The missing hours just before this one, as many as the engine reads at once.
          let start = hour;
          while (start > first && hour - start + 1 < reads.hoursPerRead && !cache.has(start - 1)) start--;
          await cacheHours(start, hour + 1);
          hour = start;
        }
        return true;
      });
    },

    /** Summaries of the questions received in [from, to), oldest first: one per hour, or with `wholeDays` one per UTC
     * day for the days the window covers whole. */
    between(from: number, to: number, { wholeDays = false } = {}): Promise<HourSummary[]> {
      if (!(from < to)) return Promise.resolve([]);
      return inTurn(async () => {
        await forgetTouchedHours();
        const firstFull = Math.ceil(from / HOUR_MS);
        const endFull = Math.floor(to / HOUR_MS);
        if (firstFull >= endFull) return [...(await read(from, to)).values()];
        const parts = [...(await read(from, firstFull * HOUR_MS)).values()];
        let missingFrom: number | null = null;
        for (let hour = firstFull; hour <= endFull; hour++) {
          if (hour < endFull && !cache.has(hour)) missingFrom ??= hour;
          else if (missingFrom !== null) {
            await cacheHours(missingFrom, hour);
            missingFrom = null;
          }
        }
        const after = await read(endFull * HOUR_MS, to);
        const use = (hour: number) => {
          const summary = cache.get(hour);
          if (!summary) throw new Error(`hour ${hour} was not cached`);
          cache.delete(hour);
          cache.set(hour, summary); // least recently used first, for eviction
          return summary;
        };
        for (let hour = firstFull; hour < endFull; ) {
          if (wholeDays && hour % 24 === 0 && hour + 24 <= endFull) {
            let day = days.get(hour / 24);
            if (day) for (let h = hour; h < hour + 24; h++) use(h);
            else {
              const builder = new SummaryBuilder(hour * HOUR_MS, DAY_MS);
              for (let h = hour; h < hour + 24; h++) builder.add(use(h));
              days.set(hour / 24, (day = builder.finish()));
            }
            if (day.received > 0) parts.push(day);
            hour += 24;
          } else {
            const summary = use(hour++);
            if (summary.received > 0) parts.push(summary);
          }
        }
        parts.push(...after.values());
        for (const hour of cache.keys()) {
          if (cache.size <= maxHours) break;
          forget(hour);
        }
        return parts;
      });
    },
  };
}
