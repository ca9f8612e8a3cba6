// How customers felt over the metrics range, and what answering did to it: of the threads that were negative just
// before the answer, how many customers wrote again less negatively — over time, by tag and by expert, with the CSV.
import type { SentimentMetrics } from '../../../server/contracts/api.js';
import { get, query } from '../api.js';
import { barChart, timeChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { percent } from '../format.js';
import { errorText } from '../ui.js';

const DAY = 86_400_000;
type Bucket = SentimentMetrics['overTime'][number];
const COUNTED = ['negative', 'neutral', 'positive', 'unscored', 'negativeThreads', 'heardAfter', 'turned'] as const;

/** The server's buckets summed into even local hours (up to two days) or local days, zeros where nothing happened. */
export function evenBuckets(rows: Bucket[], fromIso: string, toIso: string): Bucket[] {
  const from = Date.parse(fromIso);
  const to = Date.parse(toIso);
  const hourly = to - from <= 2 * DAY;
  const start = new Date(from);
  if (hourly) start.setMinutes(0, 0, 0);
  else start.setHours(0, 0, 0, 0);
  const starts: number[] = [];
  for (
    const d = new Date(start);
    d.getTime() < to && starts.length < 2000;
    hourly ? d.setHours(d.getHours() + 1) : d.setDate(d.getDate() + 1)
  )
    starts.push(d.getTime());
  const out: Bucket[] = starts.map((t) => ({
    bucket: new Date(t).toISOString(),
    negative: 0,
    neutral: 0,
    positive: 0,
    unscored: 0,
    negativeThreads: 0,
    heardAfter: 0,
    turned: 0,
    turnedShare: null,
  }));
  for (const row of rows) {
    const t = Date.parse(row.bucket);
    let i = starts.length - 1;
    while (i > 0 && (starts[i] ?? 0) > t) i--;
    const target = out[i];
    if (!target || t < (starts[0] ?? 0)) continue;
    for (const key of COUNTED) target[key] += row[key];
  }
  for (const b of out) b.turnedShare = b.heardAfter > 0 ? b.turned / b.heardAfter : null;
  return out;
}

type Shift = Pick<Bucket, 'negativeThreads' | 'heardAfter' | 'turned' | 'turnedShare'>;
const turnedNote = (c: Shift) =>
  c.heardAfter ? `${c.turned} of ${c.heardAfter} turned (${percent(c.turnedShare)})` : 'nobody wrote again';

export function sentimentSection(from: string, to: string, zone: string): HTMLElement {
  const body = h('div', { 'aria-busy': 'true' });
  const csv = h('a', { href: `/api/metrics/sentiment${query({ from, to, format: 'csv' })}`, download: '' }, 'CSV');
  void get<SentimentMetrics>(`/api/metrics/sentiment${query({ from, to })}`).then(
    (m) => {
      const hourly = Date.parse(m.to) - Date.parse(m.from) <= 2 * DAY;
      const buckets = evenBuckets(m.overTime, m.from, m.to);
      const fmt = (iso: string) =>
        new Date(iso).toLocaleString(
          undefined,
          hourly
            ? { hour: '2-digit', minute: '2-digit', timeZone: zone }
            : { month: 'short', day: 'numeric', timeZone: zone },
        );
      const shiftSeries = [
        { name: 'Negative before the answer', cls: 's-received' },
        { name: 'Wrote again', cls: 's-neutral' },
        { name: 'Turned neutral or positive', cls: 's-answered' },
      ];
      const shiftRow = (label: string, c: Shift) => ({
        label,
        values: [c.negativeThreads, c.heardAfter, c.turned],
        note: turnedNote(c),
      });
      body.setAttribute('aria-busy', 'false');
      replace(
        body,
        h(
          'dl',
          { class: 'tiles' },
          h(
            'div',
            { class: 'tile' },
            h('dt', null, 'Answered while negative'),
            h('dd', null, String(m.negativeThreads)),
          ),
          h(
            'div',
            { class: 'tile' },
            h('dt', null, 'Turned neutral or positive'),
            h('dd', null, percent(m.turnedShare), h('span', { class: 'tile-sub' }, turnedNote(m))),
          ),
        ),
        h(
          'div',
          { class: 'chart-grid' },
          timeChart(
            `Questions by sentiment per ${hourly ? 'hour' : 'day'}`,
            buckets.map((b) => b.bucket),
            [
              { name: 'Negative', cls: 's-negative', values: buckets.map((b) => b.negative) },
              { name: 'Neutral', cls: 's-neutral', values: buckets.map((b) => b.neutral) },
              { name: 'Positive', cls: 's-positive', values: buckets.map((b) => b.positive) },
            ],
            fmt,
          ),
          barChart(
            'The shift after an answer, over time',
            shiftSeries,
            buckets.filter((b) => b.negativeThreads > 0).map((b) => shiftRow(fmt(b.bucket), b)),
          ),
          barChart(
            'The shift by tag',
            shiftSeries,
            m.byTag.map((t) => shiftRow(t.tag, t)),
          ),
          barChart(
            'The shift by expert',
            shiftSeries,
            m.byExpert.map((e) => shiftRow(e.name, e)),
          ),
        ),
      );
    },
    (err) => {
      body.setAttribute('aria-busy', 'false');
      replace(body, h('p', { class: 'error' }, errorText(err)));
    },
  );
  return h(
    'section',
    { class: 'chart sentiment-metrics' },
    h('h2', null, 'Customer sentiment'),
    h(
      'p',
      { class: 'muted small' },
      'How customers felt as they wrote, and of the threads negative just before the answer, how many customers ' +
        'wrote again neutral or positive. ',
      csv,
    ),
    body,
  );
}
