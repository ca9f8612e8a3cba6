// How customers felt over questions received in [from, to), and whether answering in public turned the negative
// ones around: for each answered thread, the customer's latest post before the brand's first posted answer and their
// next post after it (domain/sentiment.ts, shiftAround), counted over time, by tag and by the answering expert.
import type { SentimentMetrics } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { resolvePeriod } from '../domain/period.js';
import { type CustomerPost, type SentimentLabel, shiftAround } from '../domain/sentiment.js';
import type { ReadRepositories } from '../repositories/index.js';

const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;

interface Counts {
  negativeThreads: number;
  heardAfter: number;
  turned: number;
}
const zero = (): Counts => ({ negativeThreads: 0, heardAfter: 0, turned: 0 });
const entry = (map: Map<string, Counts>, key: string) => {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = zero()));
  return counts;
};
const withShare = (c: Counts) => ({ ...c, turnedShare: c.heardAfter > 0 ? c.turned / c.heardAfter : null });

export function createSentimentMetrics({
  data,
  clock,
}: {
  data: Pick<ReadRepositories, 'sentiment' | 'names'>;
  clock: Clock;
}) {
  return {
    async report(range: { from?: string; to?: string } = {}): Promise<SentimentMetrics> {
      const { from, to } = resolvePeriod(range, clock.now(), 7);
      const bucketMs = to - from <= 2 * DAY_MS ? HOUR_MS : DAY_MS;
      const bucketOf = (at: number) => Math.floor(at / bucketMs) * bucketMs;
      const buckets = new Map<number, Counts & Record<SentimentLabel | 'unscored', number>>();
      const bucket = (at: number) => {
        const key = bucketOf(at);
        let b = buckets.get(key);
        if (!b) buckets.set(key, (b = { ...zero(), negative: 0, neutral: 0, positive: 0, unscored: 0 }));
        return b;
      };
      await data.sentiment.eachReceived(from, to, (receivedAt, label) => {
        bucket(receivedAt)[label ?? 'unscored']++;
      });

      const { threads, followUps, tags } = await data.sentiment.answeredBetween(from, to);
      const posts = new Map<string, CustomerPost[]>(threads.map((q) => [q.id, [{ at: q.at, label: q.label }]]));
      for (const m of followUps) posts.get(m.questionId)?.push({ at: m.at, label: m.label });
      const tagsOf = new Map<string, string[]>();
      for (const t of tags) tagsOf.set(t.questionId, [...(tagsOf.get(t.questionId) ?? []), t.slug]);

      const total = zero();
      const byTag = new Map<string, Counts>();
      const byExpert = new Map<string, Counts>();
      const count = (c: Counts, shift: ReturnType<typeof shiftAround>) => {
        c.negativeThreads++;
        if (shift.after !== null) c.heardAfter++;
        if (shift.turned) c.turned++;
      };
      for (const q of threads) {
        const shift = shiftAround(posts.get(q.id) ?? [], q.postedAt);
        if (shift.before !== 'negative') continue;
        count(total, shift);
        count(bucket(q.receivedAt), shift);
        for (const tag of tagsOf.get(q.id) ?? []) count(entry(byTag, tag), shift);
        count(entry(byExpert, q.expertId), shift);
      }
      const names = await data.names.of([...byExpert.keys()]);
      const mostNegative = (a: [string, Counts], b: [string, Counts]) =>
        b[1].negativeThreads - a[1].negativeThreads || (a[0] < b[0] ? -1 : 1);
      return {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        answered: threads.length,
        ...withShare(total),
        overTime: [...buckets]
          .sort(([a], [b]) => a - b)
          .map(([start, b]) => ({ bucket: new Date(start).toISOString(), ...b, ...withShare(b) })),
        byTag: [...byTag].sort(mostNegative).map(([tag, c]) => ({ tag, ...withShare(c) })),
        byExpert: [...byExpert]
          .sort(mostNegative)
          .map(([expertId, c]) => ({ expertId, name: names.get(expertId) ?? expertId, ...withShare(c) })),
      };
    },
  };
}
export type SentimentMetricsService = ReturnType<typeof createSentimentMetrics>;

const CSV_HEADER = [
  'section',
  'key',
  'received',
  'negative',
  'neutral',
  'positive',
  'unscored',
  'negative_threads',
  'heard_after',
  'turned',
  'turned_share',
];

function csvCell(v: unknown): string {
  let text = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // spreadsheet formula injection
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One file, one table: a row for the whole window, then per time bucket, per tag and per expert. */
export function sentimentMetricsCsv(m: SentimentMetrics): string {
  const shift = (c: Omit<SentimentMetrics, 'from' | 'to' | 'answered' | 'overTime' | 'byTag' | 'byExpert'>) => [
    c.negativeThreads,
    c.heardAfter,
    c.turned,
    c.turnedShare ?? '',
  ];
  const rows: unknown[][] = [
    CSV_HEADER,
    ['total', `${m.from}/${m.to}`, '', '', '', '', '', ...shift(m)],
    ...m.overTime.map((b) => [
      'time',
      b.bucket,
      b.negative + b.neutral + b.positive + b.unscored,
      b.negative,
      b.neutral,
      b.positive,
      b.unscored,
      ...shift(b),
    ]),
    ...m.byTag.map((t) => ['tag', t.tag, '', '', '', '', '', ...shift(t)]),
    ...m.byExpert.map((e) => ['expert', e.name, '', '', '', '', '', ...shift(e)]),
  ];
  return `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
