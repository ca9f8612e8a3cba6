// What the network delivers: volume, speed (time to claim, to first public reply), answer rate, SLA breaches, by
// tag and by expert, over the last 24 hours or a chosen date range, in the manager's time zone; each table exportable
// as its own CSV.
import type { Metrics } from '../../../server/contracts/api.js';
import { MAX_PERIOD_DAYS, PERIOD_YEARS } from '../../../server/domain/period.js';
import { get, query } from '../api.js';
import { barChart, stackChart, timeChart } from '../charts.js';
import { field, h, replace } from '../dom.js';
import { STATUS_LABEL, duration, percent } from '../format.js';
import { on, onResync } from '../realtime.js';
import { busy, button, errorText } from '../ui.js';
import { insightsSection, recognitionSection } from './insights.js';
import { sentimentSection } from './sentiment.js';

const DAY = 86_400_000;
/** The "24 hours" preset: a window ending now, not a calendar day with its future hours at zero. */
const ROLLING_DAYS = 1;
/** Experts in the "By expert" chart; the page asks for only these (the whole list can be 10,000 rows, 1.3 MB). */
const TOP_EXPERTS = 25;
const PRESETS: [string, number][] = [
  ['24 hours', 1],
  ['7 days', 7],
  ['30 days', 30],
  ['90 days', 90],
];
const STATUS_CLS: Record<string, string> = {
  new: 'c-new',
  offered: 'c-offered',
  escalated: 'c-escalated',
  claimed: 'c-claimed',
  in_review: 'c-review',
  approved: 'c-approved',
  posting: 'c-approved',
  answered: 'c-answered',
  closed: 'c-answered',
  dismissed: 'c-dismissed',
  failed: 'c-failed',
};

const dateInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

function csvCell(v: unknown): string {
  let text = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`; // spreadsheet formula injection
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One file per table, each with its own header row, so a spreadsheet opens every one as a plain table. Times are
 * ISO 8601 in UTC, unambiguous wherever the file is opened, with the manager's local time beside them.
 */
export const CSV_TABLES: Record<string, (m: Metrics, timeZone: string) => unknown[][]> = {
  Summary: (m, timeZone) => [
    ['figure', 'value'],
    ['from', m.from],
    ['to', m.to],
    ['time_zone', timeZone],
    ['questions', m.total],
    ['answered', m.answered],
    ['answer_rate', m.answerRate ?? ''],
    ['sla_breaches', m.slaBreaches],
    ...speedRows('time_to_claim', m.timeToClaimMs),
    ...speedRows('time_to_first_reply', m.timeToFirstReplyMs),
  ],
  Volume: (m, timeZone) => [
    ['start_utc', `start_local (${timeZone})`, 'received', 'answered'],
    ...m.volume.map((b) => [
      b.bucket,
      new Date(b.bucket).toLocaleString('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' }),
      b.received,
      b.answered,
    ]),
  ],
  Statuses: (m) => [['status', 'questions'], ...Object.entries(m.byStatus)],
  Tags: (m) => [
    ['tag', 'questions', 'answered', 'median_reply_ms'],
    ...m.byTag.map((t) => [t.tag, t.total, t.answered, t.medianReplyMs ?? '']),
  ],
  Experts: (m) => [
    ['expert', 'answered', 'approved', 'rejected', 'median_reply_ms'],
    ...m.byExpert.map((e) => [e.name, e.answered, e.approved, e.rejected, e.medianReplyMs ?? '']),
  ],
};

function speedRows(key: string, p: Metrics['timeToClaimMs']): unknown[][] {
  return [
    [`${key}_median_ms`, p.median ?? ''],
    [`${key}_p90_ms`, p.p90 ?? ''],
    [`${key}_count`, p.count],
  ];
}

export const metricsCsv = (m: Metrics, table: string, timeZone: string): string =>
  `${(CSV_TABLES[table]?.(m, timeZone) ?? []).map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

/**
 * Puts the server's volume rows into even buckets across the whole range (hours up to two days, local days beyond),
 * with zeros where nothing happened, so the time axis is honest whatever granularity the server sent.
 */
export function evenVolume(volume: Metrics['volume'], fromIso: string, toIso: string): Metrics['volume'] {
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
  const out = starts.map((t) => ({ bucket: new Date(t).toISOString(), received: 0, answered: 0 }));
  for (const row of volume) {
    const t = Date.parse(row.bucket);
    let i = starts.length - 1;
    while (i > 0 && starts[i]! > t) i--;
    if (!out[i] || t < starts[0]!) continue;
    out[i]!.received += row.received;
    out[i]!.answered += row.answered;
  }
  return out;
}

function tile(label: string, value: string, sub?: string, alert = false): HTMLElement {
  return h(
    'div',
    { class: `tile${alert ? ' tile-alert' : ''}` },
    h('dt', null, label),
    h('dd', null, value, sub ? h('span', { class: 'tile-sub' }, sub) : null),
  );
}

export function metricsView(main: HTMLElement): () => void {
  const bounds = { min: `${PERIOD_YEARS.first}-01-01`, max: `${PERIOD_YEARS.last}-12-31` };
  const from = h('input', { type: 'date', ...bounds });
  const to = h('input', { type: 'date', ...bounds });
  const body = h('div', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const shown = h('p', { class: 'muted period-shown' });
  // The page holds the top experts only: the experts' file fetches the same range again with every expert.
  const exportButtons = Object.keys(CSV_TABLES).map((table) => {
    const btn: HTMLButtonElement = button(
      table,
      () =>
        void busy(btn, async () => {
          if (!current) return;
          const m =
            table === 'Experts'
              ? await get<Metrics>(`/api/metrics${query({ from: current.from, to: current.to })}`)
              : current;
          const url = URL.createObjectURL(new Blob([metricsCsv(m, table, zone)], { type: 'text/csv' }));
          const name = `helpforce-${table.toLowerCase()}-${from.value}-to-${to.value}.csv`;
          const a = h('a', { href: url, download: name });
          document.body.append(a);
          a.click();
          a.remove();
          setTimeout(() => URL.revokeObjectURL(url), 1000);
        }),
      { disabled: true, 'aria-label': `Download ${table.toLowerCase()} as CSV` },
    );
    return btn;
  });
  let current: Metrics | null = null;
  let days = 7;

  const setPreset = (d: number) => {
    days = d;
    from.value = dateInput(new Date(Date.now() - (d === ROLLING_DAYS ? d : d - 1) * DAY));
    to.value = dateInput(new Date());
    presets
      .querySelectorAll('button')
      .forEach((b) => b.setAttribute('aria-pressed', String(b.dataset.days === String(d))));
    void load();
  };
  const presets = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Range' },
    PRESETS.map(([label, d]) =>
      h(
        'button',
        { type: 'button', 'data-days': String(d), 'aria-pressed': 'false', onclick: () => setPreset(d) },
        label,
      ),
    ),
  );

  // The sentiment, digest and recognition read the whole range on the server (seconds on a large history): they are fetched
  // when the range changes, not again on each live refresh of the numbers above them.
  let digest: { range: string; sections: HTMLElement[] } | null = null;
  const digestFor = (m: Metrics) => {
    // The rolling window moves on every refresh: its digest is read again once an hour, not on every tick.
    const range = days === ROLLING_DAYS ? `24h|${Math.floor(Date.parse(m.to) / (DAY / 24))}` : `${m.from}|${m.to}`;
    if (digest?.range !== range)
      digest = {
        range,
        sections: [
          sentimentSection(m.from, m.to, zone),
          recognitionSection(m.from, m.to),
          insightsSection(m.from, m.to),
        ],
      };
    return digest.sections;
  };

  const render = (m: Metrics) => {
    const spanMs = Date.parse(m.to) - Date.parse(m.from);
    const fmtBucket = (iso: string) =>
      new Date(iso).toLocaleString(
        undefined,
        spanMs <= 2 * DAY
          ? { hour: '2-digit', minute: '2-digit', timeZone: zone }
          : { month: 'short', day: 'numeric', timeZone: zone },
      );
    const at = (iso: string) =>
      new Date(iso).toLocaleString(undefined, {
        month: 'short',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: zone,
      });
    replace(shown, `${at(m.from)} to ${at(m.to)}, times in ${zone.replace(/_/g, ' ')}`);
    const volume = evenVolume(m.volume, m.from, m.to);
    const speedMax = Math.max(m.timeToClaimMs.p90 ?? 0, m.timeToFirstReplyMs.p90 ?? 0);
    replace(
      body,
      h(
        'dl',
        { class: 'tiles' },
        tile('Questions', String(m.total)),
        tile('Answered', String(m.answered)),
        tile('Answer rate', percent(m.answerRate)),
        tile('SLA breaches', String(m.slaBreaches), undefined, m.slaBreaches > 0),
        tile('Time to claim', duration(m.timeToClaimMs.median), `p90 ${duration(m.timeToClaimMs.p90)}`),
        tile(
          'Time to first public reply',
          duration(m.timeToFirstReplyMs.median),
          `p90 ${duration(m.timeToFirstReplyMs.p90)}`,
        ),
      ),
      h(
        'div',
        { class: 'chart-grid' },
        timeChart(
          `Volume per ${spanMs <= 2 * DAY ? 'hour' : 'day'}`,
          volume.map((b) => b.bucket),
          [
            { name: 'Received', cls: 's-received', values: volume.map((b) => b.received) },
            { name: 'Answered', cls: 's-answered', values: volume.map((b) => b.answered) },
          ],
          fmtBucket,
        ),
        barChart(
          'Speed (median and p90)',
          [
            { name: 'Median', cls: 's-answered' },
            { name: 'p90', cls: 's-received' },
          ],
          [
            {
              label: 'Time to claim',
              values: [m.timeToClaimMs.median ?? 0, m.timeToClaimMs.p90 ?? 0],
              note: `${m.timeToClaimMs.count} claimed`,
            },
            {
              label: 'Time to first public reply',
              values: [m.timeToFirstReplyMs.median ?? 0, m.timeToFirstReplyMs.p90 ?? 0],
              note: `${m.timeToFirstReplyMs.count} answered`,
            },
          ].filter(() => speedMax > 0),
          duration,
        ),
        stackChart(
          'Questions by status',
          Object.entries(m.byStatus)
            .sort((a, b) => b[1] - a[1])
            .map(([k, v]) => ({
              label: STATUS_LABEL[k as keyof typeof STATUS_LABEL] ?? k,
              value: v,
              cls: STATUS_CLS[k] ?? 'c-new',
            })),
        ),
        barChart(
          'By tag',
          [
            { name: 'Received', cls: 's-received' },
            { name: 'Answered', cls: 's-answered' },
          ],
          [...m.byTag]
            .sort((a, b) => b.total - a.total)
            .map((t) => ({
              label: t.tag,
              values: [t.total, t.answered],
              note: t.medianReplyMs !== null ? `median ${duration(t.medianReplyMs)}` : undefined,
            })),
        ),
        barChart(
          m.expertsTotal > m.byExpert.length
            ? `By expert (top ${m.byExpert.length} of ${m.expertsTotal})`
            : 'By expert',
          [
            { name: 'Answered', cls: 's-answered' },
            { name: 'Rejected', cls: 's-rejected' },
          ],
          m.byExpert.map((e) => ({
            // the server's order, most answers first
            label: e.name,
            values: [e.answered, e.rejected],
            note:
              [
                e.approved + e.rejected ? `approval ${percent(e.approved / (e.approved + e.rejected))}` : '',
                e.medianReplyMs !== null ? `median ${duration(e.medianReplyMs)}` : '',
              ]
                .filter(Boolean)
                .join(', ') || undefined,
          })),
        ),
      ),
      ...digestFor(m),
    );
  };

  const load = async () => {
    if (!from.value || !to.value) return;
    const rolling = days === ROLLING_DAYS;
    const start = rolling ? new Date(Date.now() - DAY) : new Date(`${from.value}T00:00:00`);
    const end = rolling ? new Date() : new Date(`${to.value}T23:59:59.999`);
    if (end < start)
      return replace(body, h('p', { class: 'error', role: 'alert' }, 'The end date is before the start date.'));
    if (end.getTime() - start.getTime() > MAX_PERIOD_DAYS * DAY) {
      return replace(
        body,
        h('p', { class: 'error', role: 'alert' }, `A period is at most ${MAX_PERIOD_DAYS} days: choose a shorter one.`),
      );
    }
    body.setAttribute('aria-busy', 'true');
    try {
      current = await get<Metrics>(
        `/api/metrics${query({ from: start.toISOString(), to: end.toISOString(), experts: TOP_EXPERTS })}`,
      );
      for (const btn of exportButtons) btn.disabled = false;
      render(current);
    } catch (err) {
      replace(body, h('p', { class: 'error', role: 'alert' }, errorText(err)));
    } finally {
      body.setAttribute('aria-busy', 'false');
    }
  };
  for (const el of [from, to])
    el.addEventListener('change', () => {
      days = 0;
      presets.querySelectorAll('button').forEach((b) => b.setAttribute('aria-pressed', 'false'));
      void load();
    });

  replace(
    main,
    h('h1', null, 'Metrics'),
    h('div', { class: 'filters' }, presets, field('From', from), field('To', to)),
    h(
      'div',
      { class: 'period-row' },
      shown,
      h(
        'div',
        { class: 'csv-links', role: 'group', 'aria-labelledby': 'csv-h' },
        h('span', { id: 'csv-h', class: 'csv-label' }, 'Download CSV:'),
        exportButtons,
      ),
    ),
    body,
  );
  setPreset(days);

  // Live: while the range ends today, refresh at most every 15 s as the server reports activity.
  let last = 0;
  const offs = [
    on('metrics.tick', () => {
      if ((days === ROLLING_DAYS || to.value === dateInput(new Date())) && Date.now() - last > 15_000) {
        last = Date.now();
        void load();
      }
    }),
    onResync(() => void load()),
  ];
  return () => offs.forEach((off) => off());
}
