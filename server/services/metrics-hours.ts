// Per-hour summaries of the questions received in each hour, so that metrics over 30 days merge ~720 summaries held
// in memory instead of re-reading ~300,000 questions with their tags and replies on every request.
// A summary depends only on the questions received in its hour, and every write to a question (status, claim, reply,
// review, posting, tags) sets its updated_at: the hours touched since the last request are found through the
// updated_at index and read again. Only complete hours are kept; the partial hours at a window's edges are read
// directly. Writes are looked for from a minute before the newest one seen (or before now, if that is earlier), so a
// clock stepping back by less than that loses nothing.
import type { Db } from '../../db/client.js';
import type { Clock } from '../domain/clock.js';

export const HOUR_MS = 3_600_000;
const CLOCK_SLACK_MS = 60_000;
const ANSWERED = new Set(['answered', 'closed']);
export const REPLY_STATUS = { other: 0, posted: 1, approved: 2, rejected: 3 } as const;

export interface TagHour { total: number; answered: number; replyMs: Float64Array }

export interface HourSummary {
  hour: number;
  received: number;
  answered: number;
  byStatus: Map<string, number>;
  claimMs: Float64Array;
  replyMs: Float64Array;
  /** Breaches already decided: replied after the SLA. Unreplied questions breach once `now` passes their due time. */
  lateReplies: number;
  openDueAt: Float64Array;
  byTag: Map<string, TagHour>;
  /** One entry per reply: its author (see `expertIds`), REPLY_STATUS, and ms from claim to reply (NaN if never claimed). */
  replies: { experts: Int32Array; statuses: Uint8Array; ms: Float64Array };
}

class HourBuilder {
  received = 0;
  answered = 0;
  lateReplies = 0;
  byStatus = new Map<string, number>();
  claimMs: number[] = [];
  replyMs: number[] = [];
  openDueAt: number[] = [];
  byTag = new Map<string, { total: number; answered: number; replyMs: number[] }>();
  experts: number[] = [];
  statuses: number[] = [];
  ms: number[] = [];
  constructor(readonly hour: number) {}

  finish(): HourSummary {
    return {
      hour: this.hour, received: this.received, answered: this.answered, byStatus: this.byStatus, lateReplies: this.lateReplies,
      claimMs: Float64Array.from(this.claimMs), replyMs: Float64Array.from(this.replyMs), openDueAt: Float64Array.from(this.openDueAt).sort(),
      byTag: new Map([...this.byTag].map(([slug, t]) => [slug, { total: t.total, answered: t.answered, replyMs: Float64Array.from(t.replyMs) }])),
      replies: { experts: Int32Array.from(this.experts), statuses: Uint8Array.from(this.statuses), ms: Float64Array.from(this.ms) },
    };
  }
}

export function createHourSummaries(db: Db, clock: Clock, maxHours = 62 * 24) {
  const sqlite = db.$client;
  const range = 'q.received_at >= ? and q.received_at < ? order by q.received_at';
  const statements = {
    questions: sqlite.prepare<[number, number], [number, string, number | null, number | null, number]>(
      `select q.received_at, q.status, q.claimed_at, q.first_reply_at, q.sla_due_at from questions q where ${range}`).raw(),
    tags: sqlite.prepare<[number, number], [number, string, string, number | null]>(
      `select q.received_at, t.slug, q.status, q.first_reply_at - q.received_at from questions q join question_tags t on t.question_id = q.id where ${range}`).raw(),
    replies: sqlite.prepare<[number, number], [number, string, string, number | null]>(
      `select q.received_at, r.author_id, r.status, r.created_at - q.claimed_at from questions q join replies r on r.question_id = q.id where ${range}`).raw(),
    changes: sqlite.prepare<[], number>('select total_changes()').pluck(),
    touchedHours: sqlite.prepare<[number], number>(`select distinct received_at / ${HOUR_MS} from questions where updated_at >= ?`).pluck(),
    lastUpdate: sqlite.prepare<[], number | null>('select max(updated_at) from questions').pluck(),
  };
  const expertIds: string[] = [];
  const expertIndex = new Map<string, number>();
  const intern = (id: string) => {
    let index = expertIndex.get(id);
    if (index === undefined) { expertIndex.set(id, (index = expertIds.length)); expertIds.push(id); }
    return index;
  };
  const cache = new Map<number, HourSummary>();
  let seen = { changes: -1, dataVersion: -1, since: -Infinity };

  /** Reads the questions received in [start, end) into one summary per hour that has any. */
  function read(start: number, end: number): Map<number, HourSummary> {
    const hours = new Map<number, HourBuilder>();
    const hourOf = (receivedAt: number) => {
      const hour = Math.floor(receivedAt / HOUR_MS);
      let builder = hours.get(hour);
      if (!builder) hours.set(hour, (builder = new HourBuilder(hour)));
      return builder;
    };
    for (const [receivedAt, status, claimedAt, firstReplyAt, slaDueAt] of statements.questions.iterate(start, end)) {
      const h = hourOf(receivedAt);
      h.received++;
      h.byStatus.set(status, (h.byStatus.get(status) ?? 0) + 1);
      if (ANSWERED.has(status)) h.answered++;
      if (claimedAt !== null) h.claimMs.push(claimedAt - receivedAt);
      if (firstReplyAt !== null) h.replyMs.push(firstReplyAt - receivedAt);
      if (status === 'dismissed') continue;
      if (firstReplyAt === null) h.openDueAt.push(slaDueAt);
      else if (firstReplyAt > slaDueAt) h.lateReplies++;
    }
    for (const [receivedAt, slug, status, ms] of statements.tags.iterate(start, end)) {
      const byTag = hourOf(receivedAt).byTag;
      let tag = byTag.get(slug);
      if (!tag) byTag.set(slug, (tag = { total: 0, answered: 0, replyMs: [] }));
      tag.total++;
      if (ANSWERED.has(status)) tag.answered++;
      if (ms !== null) tag.replyMs.push(ms);
    }
    for (const [receivedAt, authorId, status, ms] of statements.replies.iterate(start, end)) {
      const h = hourOf(receivedAt);
      h.experts.push(intern(authorId));
      h.statuses.push(REPLY_STATUS[status as keyof typeof REPLY_STATUS] ?? REPLY_STATUS.other);
      h.ms.push(ms ?? Number.NaN);
    }
    return new Map([...hours].map(([hour, builder]) => [hour, builder.finish()]));
  }

  /** Drops the cached hours whose questions changed since the last call. */
  function forgetTouchedHours() {
    const changes = statements.changes.get()!;
    const dataVersion = sqlite.pragma('data_version', { simple: true }) as number;
    if (changes === seen.changes && dataVersion === seen.dataVersion) return;
    if (cache.size > 0) for (const hour of statements.touchedHours.all(seen.since)) cache.delete(hour);
    seen = { changes, dataVersion, since: Math.min(statements.lastUpdate.get() ?? -Infinity, clock.now()) - CLOCK_SLACK_MS };
  }

  return {
    expertIds,

    /** Summaries of the questions received in [from, to), oldest hour first. */
    between(from: number, to: number): HourSummary[] {
      if (!(from < to)) return [];
      forgetTouchedHours();
      const firstFull = Math.ceil(from / HOUR_MS);
      const endFull = Math.floor(to / HOUR_MS);
      if (firstFull >= endFull) return [...read(from, to).values()];
      const parts = [...read(from, firstFull * HOUR_MS).values()];
      let missingFrom: number | null = null;
      const fill = (until: number) => {
        if (missingFrom === null) return;
        const found = read(missingFrom * HOUR_MS, until * HOUR_MS);
        for (let hour = missingFrom; hour < until; hour++) cache.set(hour, found.get(hour) ?? new HourBuilder(hour).finish());
        missingFrom = null;
      };
      for (let hour = firstFull; hour < endFull; hour++) {
        if (!cache.has(hour)) missingFrom ??= hour;
        else fill(hour);
      }
      fill(endFull);
      for (let hour = firstFull; hour < endFull; hour++) {
        const summary = cache.get(hour)!;
        cache.delete(hour);
        cache.set(hour, summary); // least recently used first, for eviction
        if (summary.received > 0) parts.push(summary);
      }
      parts.push(...read(endFull * HOUR_MS, to).values());
      for (const hour of cache.keys()) {
        if (cache.size <= maxHours) break;
        cache.delete(hour);
      }
      return parts;
    },
  };
}
