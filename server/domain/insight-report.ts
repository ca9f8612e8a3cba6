// The insight digest as files a manager can open elsewhere: CSV (one row per figure, spreadsheet-safe) and Markdown.
import type { Insights } from '../contracts/api.js';

const round = (n: number, digits = 4) => String(Math.round(n * 10 ** digits) / 10 ** digits);

/** A CSV cell; text a spreadsheet would run as a formula (=, +, -, @, tab, CR) is prefixed with an apostrophe. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const examplesText = (examples: { text: string }[]) =>
  examples.map((e) => e.text.replace(/\s+/g, ' ').trim()).join(' | ');

export function insightsCsv(insights: Insights): string {
  const rows: (string | number | null)[][] = [
    ['section', 'key', 'label', 'count', 'share', 'previous_count', 'previous_share', 'growth', 'examples'],
  ];
  rows.push(['period', insights.from, insights.to, null, null, null, null, null, null]);
  const { totals } = insights;
  rows.push(['total', 'questions', 'questions', totals.questions, null, totals.previousQuestions, null, null, null]);
  rows.push(['total', 'answered', 'answered', totals.answered, null, null, null, null, null]);
  rows.push(['total', 'unanswered', 'unanswered', totals.unanswered, null, null, null, null, null]);
  for (const tag of insights.topTags)
    rows.push([
      'top_tag',
      tag.tag,
      tag.name,
      tag.count,
      round(tag.share),
      null,
      null,
      null,
      examplesText(tag.examples),
    ]);
  for (const topic of insights.risingTopics) {
    rows.push([
      'rising_topic',
      topic.term,
      topic.label,
      topic.count,
      round(topic.share),
      topic.previousCount,
      round(topic.previousShare),
      round(topic.growth, 2),
      examplesText(topic.examples),
    ]);
  }
  for (const row of insights.unansweredByTag)
    rows.push(['unanswered_by_tag', row.tag ?? '', row.tag ?? '(untagged)', row.count, null, null, null, null, null]);
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** Text from customers inside a Markdown table cell: one line, no table breaks, no markup or HTML. */
export function markdownCell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_[\]<>|#!~]/g, (ch) => `\\${ch}`);
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
const examplesCell = (examples: { text: string }[]) => examples.map((e) => markdownCell(e.text)).join('<br>') || '–';

export function insightsMarkdown(insights: Insights): string {
  const { totals } = insights;
  const lines = [
    '# Helpforce insight digest',
    '',
    `Period ${insights.from} to ${insights.to}, compared with ${insights.previousFrom} to ${insights.from}.`,
    '',
    `Questions: ${totals.questions} (previous period: ${totals.previousQuestions}) · answered: ${totals.answered} · not answered: ${totals.unanswered}`,
    '',
    '## Top tags',
    '',
  ];
  if (insights.topTags.length === 0) lines.push('No tagged questions in this period.');
  else {
    lines.push('| Tag | Questions | Share | Examples |', '|---|---:|---:|---|');
    for (const t of insights.topTags)
      lines.push(`| ${markdownCell(t.name)} | ${t.count} | ${percent(t.share)} | ${examplesCell(t.examples)} |`);
  }
  lines.push('', '## Rising topics', '');
  if (insights.risingTopics.length === 0) lines.push('Nothing rose above the noise in this period.');
  else {
    lines.push('| Topic | Questions | Share | Previous share | Growth | Examples |', '|---|---:|---:|---:|---:|---|');
    for (const t of insights.risingTopics) {
      lines.push(
        `| ${markdownCell(t.label)} | ${t.count} | ${percent(t.share)} | ${percent(t.previousShare)} | ×${Math.round(t.growth * 10) / 10} | ${examplesCell(t.examples)} |`,
      );
    }
  }
  lines.push('', '## Not answered, by tag', '');
  if (insights.unansweredByTag.length === 0) lines.push('Every question in this period was answered.');
  else {
    lines.push('| Tag | Not answered |', '|---|---:|');
    for (const row of insights.unansweredByTag)
      lines.push(`| ${row.tag ? markdownCell(row.tag) : '(untagged)'} | ${row.count} |`);
  }
  return lines.join('\n') + '\n';
}
