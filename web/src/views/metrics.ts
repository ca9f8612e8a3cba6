// What the network delivers: volume, speed (time to claim, to first public reply), answer rate, SLA breaches, by
// tag and by expert, over a chosen date range; exportable as CSV.
import type { Metrics } from '../../../server/contracts/api.js';
import { MAX_PERIOD_DAYS, PERIOD_YEARS } from '../../../server/domain/period.js';
import { get, query } from '../api.js';
import { barChart, stackChart, timeChart } from '../charts.js';
import { field, h, replace } from '../dom.js';
import { STATUS_LABEL, duration, percent } from '../format.js';
import { on, onResync } from '../realtime.js';
import { busy, button, errorText } from '../ui.js';
import { insightsSection, recognitionSection } from './insights.js';

const DAY = 86_400_000;
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

export function metricsCsv(m: Metrics): string {
  const rows: unknown[][] = [
    ['section', 'key', 'value', 'value2', 'value3', 'value4'],
    ['range', 'from', m.from],
    ['range', 'to', m.to],
    ['summary', 'questions', m.total],
    ['summary', 'answered', m.answered],
    ['summary', 'answer_rate', m.answerRate ?? ''],
    ['summary', 'sla_breaches', m.slaBreaches],
    ['summary', 'time_to_claim_ms', m.timeToClaimMs.median ?? '', m.timeToClaimMs.p90 ?? '', m.timeToClaimMs.count],
    [
      'summary',
      'time_to_first_reply_ms',
      m.timeToFirstReplyMs.median ?? '',
      m.timeToFirstReplyMs.p90 ?? '',
      m.timeToFirstReplyMs.count,
    ],
    ...Object.entries(m.byStatus).map(([k, v]) => ['status', k, v]),
    ['volume', 'bucket', 'received', 'answered'],
    ...m.volume.map((b) => ['volume', b.bucket, b.received, b.answered]),
    ['tag', 'tag', 'total', 'answered', 'median_reply_ms'],
    ...m.byTag.map((t) => ['tag', t.tag, t.total, t.answered, t.medianReplyMs ?? '']),
    ['expert', 'name', 'answered', 'approved', 'rejected', 'median_reply_ms'],
    ...m.byExpert.map((e) => ['expert', e.name, e.answered, e.approved, e.rejected, e.medianReplyMs ?? '']),
  ];
  return rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

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
  // The page holds the top experts only: the export fetches the same range again with every expert.
  const exportBtn: HTMLButtonElement = button(
    'Export CSV',
    () =>
      void busy(exportBtn, async () => {
        if (!current) return;
        const all = await get<Metrics>(`/api/metrics${query({ from: current.from, to: current.to })}`);
        const url = URL.createObjectURL(new Blob([metricsCsv(all)], { type: 'text/csv' }));
        const a = h('a', { href: url, download: `helpforce-metrics-${from.value}-to-${to.value}.csv` });
        document.body.append(a);
        a.click();
        a.remove();
        setTimeout(() => URL.revokeObjectURL(url), 1000);
      }),
    { disabled: true },
  );
  let current: Metrics | null = null;
  let days = 7;

  const setPreset = (d: number) => {
    days = d;
    from.value = dateInput(new Date(Date.now() - (d - 1) * DAY));
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

  // The digest and recognition read the whole range on the server (seconds on a large history): they are fetched
  // when the range changes, not again on each live refresh of the numbers above them.
  let digest: { range: string; sections: HTMLElement[] } | null = null;
  const digestFor = (m: Metrics) => {
    const range = `${m.from}|${m.to}`;
    if (digest?.range !== range)
      digest = { range, sections: [recognitionSection(m.from, m.to), insightsSection(m.from, m.to)] };
    return digest.sections;
  };

  const render = (m: Metrics) => {
    const spanMs = Date.parse(m.to) - Date.parse(m.from);
    const fmtBucket = (iso: string) =>
      new Date(iso).toLocaleString(
        undefined,
        spanMs <= 2 * DAY ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' },
      );
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
    const start = new Date(`${from.value}T00:00:00`);
    const end = new Date(`${to.value}T23:59:59.999`);
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
      exportBtn.disabled = false;
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
    h(
      'div',
      { class: 'filters' },
      presets,
      field('From', from),
      field('To', to),
      h('div', { class: 'field field-button' }, exportBtn),
    ),
    body,
  );
  setPreset(days);

  // Live: while the range ends today, refresh at most every 15 s as the server reports activity.
  let last = 0;
  const offs = [
    on('metrics.tick', () => {
      if (to.value === dateInput(new Date()) && Date.now() - last > 15_000) {
        last = Date.now();
        void load();
      }
    }),
    onResync(() => void load()),
  ];
  return () => offs.forEach((off) => off());
}
