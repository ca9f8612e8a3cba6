// What the network delivers, over questions received in [from, to): volume, answer rate, time to claim and to the
// first public reply, SLA breaches, by tag and by expert. Plain SQL over the indexed `received_at` column.
import type { Db } from '../../db/client.js';
import type { Metrics } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';

export function percentiles(values: number[]): { median: number | null; p90: number | null; count: number } {
  if (values.length === 0) return { median: null, p90: null, count: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { median: at(0.5), p90: at(0.9), count: sorted.length };
}

const ANSWERED = "('answered','closed')";

export function createMetricsService({ db, clock }: { db: Db; clock: Clock }) {
  const sqlite = db.$client;
  const statements = {
    byStatus: sqlite.prepare<[number, number], { status: string; n: number }>('select status, count(*) n from questions where received_at >= ? and received_at < ? group by status'),
    claimTimes: sqlite.prepare<[number, number], { ms: number }>('select claimed_at - received_at ms from questions where received_at >= ? and received_at < ? and claimed_at is not null'),
    replyTimes: sqlite.prepare<[number, number], { ms: number }>('select first_reply_at - received_at ms from questions where received_at >= ? and received_at < ? and first_reply_at is not null'),
    breaches: sqlite.prepare<[number, number, number], { n: number }>(
      "select count(*) n from questions where received_at >= ? and received_at < ? and status <> 'dismissed' and coalesce(first_reply_at, ?) > sla_due_at"),
    byTag: sqlite.prepare<[number, number], { tag: string; status: string; ms: number | null }>(
      'select t.slug tag, q.status status, q.first_reply_at - q.received_at ms from question_tags t join questions q on q.id = t.question_id where q.received_at >= ? and q.received_at < ?'),
    byExpert: sqlite.prepare<[number, number], { expertId: string; name: string; status: string; ms: number | null }>(
      `select r.author_id expertId, u.name name, r.status status, r.created_at - q.claimed_at ms from replies r join questions q on q.id = r.question_id
       join users u on u.id = r.author_id where q.received_at >= ? and q.received_at < ?`),
    volume: sqlite.prepare<[number, number, number], { bucket: number; received: number; answered: number }>(
      `select (received_at / ?) bucket, count(*) received, sum(case when status in ${ANSWERED} then 1 else 0 end) answered
       from questions where received_at >= ? and received_at < ? group by bucket order by bucket`),
    open: sqlite.prepare<[], { status: string; n: number }>(
      "select status, count(*) n from questions where status in ('new','offered','claimed','escalated','in_review') group by status"),
    // Uses the (status, received_at) index: questions answered today were received at most a few days ago.
    answeredSince: sqlite.prepare<[number, number], { n: number }>(
      `select count(*) n from questions where status in ${ANSWERED} and received_at >= ? and first_reply_at >= ?`),
  };

  return {
    compute(range: { from?: string; to?: string } = {}): Metrics {
      const to = range.to ? Date.parse(range.to) : clock.now();
      const from = range.from ? Date.parse(range.from) : to - 7 * 24 * 3600_000;
      const byStatus: Record<string, number> = {};
      let total = 0;
      for (const row of statements.byStatus.all(from, to)) { byStatus[row.status] = row.n; total += row.n; }
      const answered = (byStatus.answered ?? 0) + (byStatus.closed ?? 0);
      const considered = total - (byStatus.dismissed ?? 0);

      const tags = new Map<string, { total: number; answered: number; times: number[] }>();
      for (const row of statements.byTag.all(from, to)) {
        const t = tags.get(row.tag) ?? { total: 0, answered: 0, times: [] };
        t.total++;
        if (row.status === 'answered' || row.status === 'closed') t.answered++;
        if (row.ms !== null) t.times.push(row.ms);
        tags.set(row.tag, t);
      }
      const experts = new Map<string, { name: string; answered: number; approved: number; rejected: number; times: number[] }>();
      for (const row of statements.byExpert.all(from, to)) {
        const e = experts.get(row.expertId) ?? { name: row.name, answered: 0, approved: 0, rejected: 0, times: [] };
        if (row.status === 'posted') e.answered++;
        if (row.status === 'posted' || row.status === 'approved') e.approved++;
        if (row.status === 'rejected') e.rejected++;
        if (row.ms !== null && row.ms >= 0) e.times.push(row.ms);
        experts.set(row.expertId, e);
      }
      const bucketMs = to - from <= 2 * 24 * 3600_000 ? 3600_000 : 24 * 3600_000;
      return {
        from: new Date(from).toISOString(), to: new Date(to).toISOString(), total, byStatus, answered,
        answerRate: considered > 0 ? answered / considered : null,
        timeToClaimMs: percentiles(statements.claimTimes.all(from, to).map((r) => r.ms)),
        timeToFirstReplyMs: percentiles(statements.replyTimes.all(from, to).map((r) => r.ms)),
        slaBreaches: statements.breaches.get(from, to, clock.now())!.n,
        byTag: [...tags].map(([tag, t]) => ({ tag, total: t.total, answered: t.answered, medianReplyMs: percentiles(t.times).median })).sort((a, b) => b.total - a.total),
        byExpert: [...experts].map(([expertId, e]) => ({ expertId, name: e.name, answered: e.answered, approved: e.approved, rejected: e.rejected, medianReplyMs: percentiles(e.times).median }))
          .sort((a, b) => b.answered - a.answered),
        volume: statements.volume.all(bucketMs, from, to).map((v) => ({ bucket: new Date(v.bucket * bucketMs).toISOString(), received: v.received, answered: v.answered })),
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
