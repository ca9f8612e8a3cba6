// The insight digest's pure parts: rising topics (on tables and on a real week of airline tweets) and the CSV and
// Markdown exports, which carry customers' text into spreadsheets and documents.
import t from 'tap';
import type { Insights } from '../server/contracts/api.js';
import { csvCell, insightsCsv, insightsMarkdown, markdownCell } from '../server/domain/insight-report.js';
import {
  defaultMinCount,
  risingTopics,
  surfaceForms,
  TermCounts,
  toTermDocuments,
  type TermDocument,
} from '../server/domain/rising-topics.js';
import { airlineTweetsMissing, readAirlineTweets } from './helpers/tweets.js';

/** n documents with the given terms, ids prefixed. */
const docs = (prefix: string, n: number, terms: string[]): TermDocument[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, terms }));

t.test('rising topics: which terms count as rising', async (t) => {
  // 'other' keeps an 80% share throughout: steady, never rising.
  const previous = [...docs('p', 10, ['tv']), ...docs('p-laptop', 10, ['laptop']), ...docs('p-other', 80, ['other'])];
  const table: { name: string; current: TermDocument[]; rising: string[] }[] = [
    {
      name: 'a term new this period, above the minimum count',
      current: [...docs('c', 5, ['outage']), ...docs('e', 15, []), ...docs('x', 80, ['other'])],
      rising: ['outage'],
    },
    {
      name: 'the same term below the minimum count is noise',
      current: [...docs('c', 2, ['outage']), ...docs('e', 18, []), ...docs('x', 80, ['other'])],
      rising: [],
    },
    {
      name: 'a term whose share doubled',
      current: [...docs('c', 20, ['tv']), ...docs('x', 80, ['other'])],
      rising: ['tv'],
    },
    {
      name: 'a term whose share held steady is not rising',
      current: [...docs('c', 10, ['tv']), ...docs('e', 10, []), ...docs('x', 80, ['other'])],
      rising: [],
    },
    {
      name: 'a term whose share fell is not rising',
      current: [...docs('c', 4, ['laptop']), ...docs('e', 16, []), ...docs('x', 80, ['other'])],
      rising: [],
    },
    { name: 'nothing this period', current: [], rising: [] },
  ];
  for (const row of table)
    t.same(
      risingTopics(row.current, previous, { minCount: 3 }).map((r) => r.term),
      row.rising,
      row.name,
    );
});

t.test('rising topics: ordered by growth, with shares, counts and example ids', async (t) => {
  const previous = [...docs('p-tv', 10, ['tv']), ...docs('p-hdmi', 2, ['hdmi']), ...docs('p', 88, ['other'])];
  const current = [...docs('c-hdmi', 10, ['hdmi', 'tv']), ...docs('c-tv', 10, ['tv']), ...docs('c', 80, ['other'])];
  const [first, second, ...rest] = risingTopics(current, previous, { minCount: 3, examples: 2 });
  t.equal(rest.length, 0);
  t.match(first, {
    term: 'hdmi',
    count: 10,
    previousCount: 2,
    share: 0.1,
    previousShare: 0.02,
    exampleIds: ['c-hdmi0', 'c-hdmi1'],
  });
  t.ok(Math.abs(first!.growth - 0.1 / (3 / 101)) < 1e-9, 'growth is the share over the smoothed previous share');
  t.match(second, { term: 'tv', count: 20, previousCount: 10, exampleIds: ['c-hdmi0', 'c-hdmi1'] });
  t.equal(risingTopics(current, previous, { minCount: 3, limit: 1 }).length, 1, 'limit caps the list');
  t.same(
    risingTopics(
      [
        { id: 'a', terms: ['x', 'x', 'x'] },
        { id: 'b', terms: ['y'] },
      ],
      [],
      { minCount: 2 },
    ),
    [],
    'a term counts once per question',
  );
});

t.test('a period is counted one question at a time, keeping counts and the first few examples only', async (t) => {
  const counts = new TermCounts({ examples: 2, forms: true });
  const kept = ['TV cancelled', 'tv cancelled still', 'my TV hdmi', 'tv'].map((text, i) =>
    counts.addText(`q${i}`, text),
  );
  t.same(kept, [true, true, true, false], 'a question is kept while some term of it still needs examples');
  t.equal(counts.documents, 4);
  t.same(Object.fromEntries(counts.frequencies), { tv: 4, cancell: 2, still: 1, hdmi: 1 });
  t.same(counts.exampleIds('tv'), ['q0', 'q1'], 'the first two, in the order counted');
  t.same(counts.exampleIds('still'), ['q1']);
  t.equal(counts.label('cancell'), 'cancelled');
  t.equal(counts.label('tv'), 'tv', 'the most used form, whatever its case in the text');
  t.same(new TermCounts().exampleIds('tv'), [], 'no examples unless asked for');
});

t.test('the default minimum count grows with the number of questions', async (t) => {
  const table: [number, number][] = [
    [0, 3],
    [100, 3],
    [600, 3],
    [1000, 5],
    [9000, 45],
  ];
  for (const [n, expected] of table) t.equal(defaultMinCount(n), expected, `${n} questions`);
});

t.test("terms are the routing tokenizer's, shown in the words customers used", async (t) => {
  const items = [
    { id: '1', text: '@AcmeAir Cancelled again! #cancelled' },
    { id: '2', text: 'Flights cancelled, flight delayed' },
  ];
  const [first, second] = toTermDocuments(items);
  t.same(first!.terms, ['cancell'], 'stemmed and counted once per question; the @mention is not a term');
  t.ok(second!.terms.includes('flight') && second!.terms.includes('delay'));
  const labels = surfaceForms(
    items.map((i) => i.text),
    ['cancell', 'flight', 'delay', 'unseen'],
  );
  t.same(Object.fromEntries(labels), { cancell: 'cancelled', flight: 'flight', delay: 'delayed', unseen: 'unseen' });
});

t.test(
  'on real airline tweets: the events of the second half of the week rise',
  { skip: airlineTweetsMissing() },
  async (t) => {
    // 17–20 Feb 2015 against 21–24 Feb: Southwest's "fleet's on fleek" went viral, and an ice storm closed Dallas (DFW).
    const tweets = readAirlineTweets();
    const first = tweets.filter((x) => x.day >= 17 && x.day <= 20);
    const second = tweets.filter((x) => x.day >= 21 && x.day <= 24);
    t.ok(first.length > 5000 && second.length > 8000, `${first.length} then ${second.length} tweets`);
    const rising = risingTopics(toTermDocuments(second), toTermDocuments(first));
    const terms = rising.map((r) => r.term);
    t.comment(`rising: ${terms.join(', ')}`);
    t.equal(terms[0], 'fleek', '"fleek" (0 tweets before, 150 after) rises most');
    t.ok(terms.includes('dfw'), 'DFW rises with the storm');
    t.notOk(terms.includes('flight'), '"flight" is everywhere in both halves: not rising');
    t.ok(
      rising.every((r) => r.count >= defaultMinCount(second.length)),
      'nothing below the minimum count',
    );
    t.equal(rising[0]!.exampleIds.length, 3);
    const byId = new Map(tweets.map((x) => [x.id, x]));
    t.ok(
      rising[0]!.exampleIds.every((id) => /fleek/i.test(byId.get(id)!.text) && byId.get(id)!.day >= 21),
      'examples mention the term and come from the second half',
    );

    const backwards = risingTopics(toTermDocuments(first), toTermDocuments(second)).map((r) => r.term);
    t.notOk(backwards.includes('fleek') || backwards.includes('dfw'), 'read backwards, neither rises');

    // The crowd-labelled complaint reasons as one-term questions: cancellations grew most.
    const reasons = (list: typeof tweets) => list.filter((x) => x.reason).map((x) => ({ id: x.id, terms: [x.reason] }));
    const risingReasons = risingTopics(reasons(second), reasons(first), { minCount: 20 });
    t.equal(
      risingReasons[0]?.term,
      'Cancelled Flight',
      `reasons: ${risingReasons.map((r) => `${r.term} ×${r.growth.toFixed(2)}`).join(', ')}`,
    );
    t.notOk(
      risingReasons.some((r) => r.term === 'Late Flight'),
      'late flights were as common before',
    );
  },
);

const SAMPLE: Insights = {
  from: '2026-01-08T00:00:00.000Z',
  to: '2026-01-15T00:00:00.000Z',
  previousFrom: '2026-01-01T00:00:00.000Z',
  totals: { questions: 10, previousQuestions: 4, answered: 7, unanswered: 3 },
  topTags: [
    {
      tag: 'tv',
      name: 'TVs',
      count: 6,
      share: 0.6,
      examples: [
        {
          id: 'q1',
          text: '=HYPERLINK("http://evil") | <b>tv</b>, "sound"\nnext line',
          receivedAt: '2026-01-09T00:00:00.000Z',
        },
      ],
    },
  ],
  risingTopics: [
    {
      term: 'hdmi',
      label: 'hdmi',
      count: 4,
      previousCount: 0,
      share: 0.4,
      previousShare: 0,
      growth: 2.2,
      examples: [],
    },
  ],
  unansweredByTag: [
    { tag: 'tv', count: 2 },
    { tag: null, count: 1 },
  ],
};

t.test('CSV export: one row per figure, quoted, and safe to open in a spreadsheet', async (t) => {
  const table: [string | number | null, string][] = [
    ['plain', 'plain'],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['=1+1', "'=1+1"],
    ['@AcmeHelp hi', "'@AcmeHelp hi"],
    ['-cmd', "'-cmd"],
    [-3, '-3'],
    [null, ''],
    ['two\nlines', '"two\nlines"'],
  ];
  for (const [value, expected] of table) t.equal(csvCell(value), expected, JSON.stringify(value));
  const lines = insightsCsv(SAMPLE).trimEnd().split('\r\n');
  t.equal(lines[0], 'section,key,label,count,share,previous_count,previous_share,growth,examples');
  t.ok(lines.includes('total,questions,questions,10,,4,,,'));
  t.ok(lines.includes('rising_topic,hdmi,hdmi,4,0.4,0,0,2.2,'));
  t.ok(lines.includes('unanswered_by_tag,,(untagged),1,,,,,'));
  const tagLine = lines.find((l) => l.startsWith('top_tag,'))!;
  t.equal(
    tagLine,
    'top_tag,tv,TVs,6,0.6,,,,"\'=HYPERLINK(""http://evil"") | <b>tv</b>, ""sound"" next line"',
    'a formula in a question is neutralised',
  );
});

t.test('Markdown export: tables whose cells customers cannot break or mark up', async (t) => {
  t.equal(
    markdownCell('a | b\nc <script>x</script> *bold* [link](http://x)'),
    'a \\| b c \\<script\\>x\\</script\\> \\*bold\\* \\[link\\](http://x)',
  );
  const md = insightsMarkdown(SAMPLE);
  t.match(md, /^# Helpforce insight digest/);
  t.match(md, /Questions: 10 \(previous period: 4\) · answered: 7 · not answered: 3/);
  t.match(md, /\| TVs \| 6 \| 60% \| =HYPERLINK\("http:\/\/evil"\) \\\| \\<b\\>tv\\<\/b\\>, "sound" next line \|/);
  t.match(md, /\| hdmi \| 4 \| 40% \| 0% \| ×2\.2 \| – \|/);
  t.match(md, /\| \(untagged\) \| 1 \|/);
  const empty = insightsMarkdown({ ...SAMPLE, topTags: [], risingTopics: [], unansweredByTag: [] });
  t.match(empty, /No tagged questions in this period\./);
  t.match(empty, /Nothing rose above the noise/);
  t.match(empty, /Every question in this period was answered\./);
});
