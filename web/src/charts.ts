// Hand-drawn charts (SVG and CSS bars): a few hundred bytes instead of a charting library. Every chart comes with
// its numbers in a table for screen readers and for anyone who prefers to read them.
import { type Child, h, replace, s } from './dom.js';

export interface Series {
  name: string;
  cls: string;
  values: number[];
}

function niceMax(v: number): number {
  if (v <= 4) return Math.max(1, Math.ceil(v));
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

export function dataTable(caption: string, head: string[], rows: Child[][]): HTMLElement {
  return h(
    'details',
    { class: 'chart-data' },
    h('summary', null, 'Show the numbers'),
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        null,
        h('caption', { class: 'sr-only' }, caption),
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            head.map((c) => h('th', { scope: 'col' }, c)),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map((r) =>
            h(
              'tr',
              null,
              r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', { class: 'num' }, c))),
            ),
          ),
        ),
      ),
    ),
  );
}

function legend(series: { name: string; cls: string }[]): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    series.map((x) => h('li', null, h('span', { class: `swatch ${x.cls}`, 'aria-hidden': 'true' }), x.name)),
  );
}

/** A time series drawn at the container's real width (redrawn on resize), so text stays legible on a phone. */
export function timeChart(
  title: string,
  labels: string[],
  series: Series[],
  formatLabel: (iso: string) => string,
): HTMLElement {
  const box = h('div', { class: 'chart-box' });
  const draw = () => {
    const width = Math.max(260, box.clientWidth || 600);
    const height = 200;
    const pad = { l: 36, r: 10, t: 10, b: 24 };
    const n = labels.length;
    const max = niceMax(Math.max(0, ...series.flatMap((x) => x.values)));
    const x = (i: number) => pad.l + (n <= 1 ? (width - pad.l - pad.r) / 2 : (i * (width - pad.l - pad.r)) / (n - 1));
    const y = (v: number) => pad.t + (height - pad.t - pad.b) * (1 - v / max);
    const grid = [0, max / 2, max].map((v) =>
      s(
        'g',
        null,
        s('line', { x1: pad.l, x2: width - pad.r, y1: y(v), y2: y(v), class: 'grid' }),
        s('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(v))),
      ),
    );
    const ticks = n
      ? [...new Set([0, Math.floor((n - 1) / 2), n - 1])].map((i) =>
          s(
            'text',
            {
              x: x(i),
              y: height - 6,
              'text-anchor': i === 0 ? 'start' : i === n - 1 ? 'end' : 'middle',
              class: 'axis',
            },
            formatLabel(labels[i]!),
          ),
        )
      : [];
    const lines = series.map((ser) => {
      const pts = ser.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      return s(
        'g',
        { class: ser.cls },
        n > 1 ? s('polyline', { points: pts, class: 'line' }) : null,
        n <= 40 ? ser.values.map((v, i) => s('circle', { cx: x(i), cy: y(v), r: 3 })) : null,
      );
    });
    const hits = labels.map((l, i) => {
      const w = n > 1 ? (width - pad.l - pad.r) / (n - 1) : 40;
      return s(
        'rect',
        { x: x(i) - w / 2, y: pad.t, width: w, height: height - pad.t - pad.b, class: 'hit' },
        s('title', null, `${formatLabel(l)}: ${series.map((ser) => `${ser.name} ${ser.values[i]}`).join(', ')}`),
      );
    });
    const totals = series.map((ser) => `${ser.name} ${ser.values.reduce((a, b) => a + b, 0)}`).join(', ');
    replace(
      box,
      s(
        'svg',
        {
          width,
          height,
          viewBox: `0 0 ${width} ${height}`,
          role: 'img',
          'aria-label': `${title}: ${totals} over ${n} periods`,
        },
        grid,
        ticks,
        lines,
        hits,
      ),
    );
  };
  const ro = new ResizeObserver(() => draw());
  ro.observe(box);
  requestAnimationFrame(draw);
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', null, title),
    legend(series),
    box,
    dataTable(
      title,
      ['Period', ...series.map((x) => x.name)],
      labels.map((l, i) => [formatLabel(l), ...series.map((x) => String(x.values[i]))]),
    ),
  );
}

export interface BarRow {
  label: string;
  values: number[];
  note?: string;
}

/** Horizontal bars (one or more per row) in plain HTML: the labels wrap naturally on small screens. */
export function barChart(
  title: string,
  series: { name: string; cls: string }[],
  rows: BarRow[],
  format: (v: number) => string = String,
): HTMLElement {
  const max = Math.max(1e-9, ...rows.flatMap((r) => r.values));
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', null, title),
    series.length > 1 ? legend(series) : null,
    rows.length
      ? h(
          'ul',
          { class: 'bars', 'aria-hidden': 'true' },
          rows.map((r) =>
            h(
              'li',
              null,
              h(
                'span',
                { class: 'bar-label' },
                r.label,
                r.note ? h('span', { class: 'muted small' }, ` ${r.note}`) : null,
              ),
              h(
                'span',
                { class: 'bar-group' },
                r.values.map((v, i) =>
                  h(
                    'span',
                    { class: 'bar-line' },
                    h('span', { class: `bar ${series[i]?.cls ?? ''}`, style: { width: `${(v / max) * 100}%` } }),
                    h('span', { class: 'bar-value' }, format(v)),
                  ),
                ),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No data in this range.'),
    dataTable(
      title,
      ['', ...series.map((x) => x.name), ...(rows.some((r) => r.note) ? ['Note'] : [])],
      rows.map((r) => [r.label, ...r.values.map(format), ...(r.note ? [r.note] : [])]),
    ),
  );
}

/** One bar split by share (e.g. questions by status). */
export function stackChart(title: string, parts: { label: string; value: number; cls: string }[]): HTMLElement {
  const total = parts.reduce((a, p) => a + p.value, 0);
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', null, title),
    h(
      'div',
      {
        class: 'stack',
        role: 'img',
        'aria-label': `${title}: ${parts.map((p) => `${p.label} ${p.value}`).join(', ')}`,
      },
      total
        ? parts
            .filter((p) => p.value)
            .map((p) =>
              h('span', {
                class: `stack-part ${p.cls}`,
                style: { width: `${(p.value / total) * 100}%` },
                title: `${p.label}: ${p.value}`,
              }),
            )
        : null,
    ),
    h(
      'ul',
      { class: 'legend' },
      parts
        .filter((p) => p.value)
        .map((p) =>
          h('li', null, h('span', { class: `swatch ${p.cls}`, 'aria-hidden': 'true' }), `${p.label} ${p.value}`),
        ),
    ),
  );
}
