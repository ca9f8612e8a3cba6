// What customers ask about (the insight digest) and who carries the network (recognition), for the metrics range.
import type { Insights, Recognition } from '../../../server/contracts/api.js';
import { get, query } from '../api.js';
import { barChart, dataTable } from '../charts.js';
import { h, replace } from '../dom.js';
import { duration, percent } from '../format.js';
import { errorText } from '../ui.js';

function examples(list: { id: string; text: string }[]): HTMLElement | null {
  if (!list.length) return null;
  return h(
    'ul',
    { class: 'examples' },
    list
      .slice(0, 2)
      .map((e) => h('li', null, h('a', { href: `#/q/${encodeURIComponent(e.id)}`, class: 'clamp' }, e.text))),
  );
}

export function insightsSection(from: string, to: string): HTMLElement {
  const body = h('div', { class: 'chart-grid' }, h('p', { class: 'muted' }, 'Loading the digest…'));
  const range = query({ from, to });
  void get<Insights>(`/api/insights${range}`).then(
    (d) => {
      const growth = (g: number) =>
        Number.isFinite(g) ? `${g >= 0 ? '+' : '−'}${Math.round(Math.abs(g) * 100)}%` : 'new';
      replace(
        body,
        barChart(
          'What customers ask about',
          [{ name: 'Questions', cls: 's-answered' }],
          d.topTags.map((t) => ({ label: t.name, values: [t.count], note: percent(t.share) })),
        ),
        h(
          'figure',
          { class: 'chart' },
          h('figcaption', null, 'Rising topics'),
          d.risingTopics.length
            ? h(
                'ol',
                { class: 'rising' },
                d.risingTopics
                  .slice(0, 8)
                  .map((r) =>
                    h(
                      'li',
                      null,
                      h('strong', null, r.label),
                      ' ',
                      h('span', { class: 'badge st-in_review' }, growth(r.growth)),
                      h('span', { class: 'muted small' }, ` ${r.count} now, ${r.previousCount} before`),
                      examples(r.examples),
                    ),
                  ),
              )
            : h('p', { class: 'muted' }, 'Nothing is rising compared with the period before.'),
        ),
        barChart(
          'Still unanswered, by tag',
          [{ name: 'Unanswered', cls: 's-rejected' }],
          d.unansweredByTag.map((u) => ({ label: u.tag ?? 'untagged', values: [u.count] })),
        ),
        h(
          'div',
          { class: 'chart' },
          h(
            'p',
            null,
            `${d.totals.questions} questions (${d.totals.previousQuestions} in the period before), ${d.totals.answered} answered, ${d.totals.unanswered} not yet.`,
          ),
          h(
            'p',
            null,
            'Download the digest: ',
            h('a', { href: `/api/insights${query({ from, to, format: 'md' })}`, download: '' }, 'Markdown'),
            ' · ',
            h('a', { href: `/api/insights${query({ from, to, format: 'csv' })}`, download: '' }, 'CSV'),
          ),
        ),
      );
    },
    (err) => replace(body, h('p', { class: 'error' }, errorText(err))),
  );
  return h('section', { 'aria-labelledby': 'insights-h' }, h('h2', { id: 'insights-h' }, 'Insight digest'), body);
}

/** Experts in the recognition table; the page asks for only these (the whole list can be 10,000 rows, 1.6 MB). */
const RECOGNIZED = 15;

export function recognitionSection(from: string, to: string): HTMLElement {
  const body = h('div');
  void get<Recognition>(`/api/recognition${query({ from, to, experts: RECOGNIZED })}`).then(
    (r) => {
      const { experts } = r; // the server's order: most answers, then most thanks
      replace(
        body,
        experts.length
          ? dataTable(
              'Recognition',
              ['Expert', 'Answered', 'Thanks', 'Turned around', 'Approval', 'Median reply'],
              experts.map((e) => [
                e.name + (e.store ? ` (${e.store})` : ''),
                String(e.answered),
                String(e.thanks),
                e.negativeThreads ? `${e.turned} of ${e.negativeThreads} unhappy` : '–',
                percent(e.approvalRate),
                duration(e.medianReplyMs),
              ]),
            )
          : h('p', { class: 'muted' }, 'Nobody answered in this range yet.'),
      );
      body.querySelector('details')?.setAttribute('open', '');
    },
    (err) => replace(body, h('p', { class: 'error' }, errorText(err))),
  );
  return h(
    'section',
    { class: 'chart recognition' },
    h('h2', null, 'Recognition'),
    h(
      'p',
      { class: 'muted small' },
      'Who answered the most, how many customers said thanks, and how many unhappy customers wrote back happier.',
    ),
    body,
  );
}
