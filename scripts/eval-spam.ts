// How well the spam rules hold real support traffic back: runs server/domain/spam.ts over the customer tweets of
// ../shared/data/tweets in time order (the "same text recently" rule sees the posts before each one, within a day),
// and reads the hand labels in scripts/spam-labels.json (tweet ids only, never their text) to report precision
// on what the rules hold, and what a random sample of what they let through contains.
//   npm run eval:spam [-- --list]   (--list prints the held posts that have no label yet, to label them)
import { readFileSync } from 'node:fs';
import { fingerprint, judgeSpam } from '../server/domain/spam.js';
import { parseCsv } from '../test/helpers/tweets.js';

const DATA = new URL('../../shared/data/tweets/', import.meta.url);
const SETS = [
  { name: 'airline', file: 'us_airline_tweets_2015.csv', inbound: () => true },
  { name: 'spotify', file: 'twcs_spotifycares_inbound15k.csv', inbound: () => true },
  { name: 'twcs', file: 'twcs_first5000.csv', inbound: (row: Record<string, string>) => row.inbound === 'True' },
];
const WINDOW_MS = 24 * 3600_000;
const SAMPLE = 200;

type Label = 'spam' | 'ham';
const labels: Record<string, Label> = JSON.parse(
  readFileSync(new URL('./spam-labels.json', import.meta.url), 'utf8'),
).labels;

interface Post {
  key: string;
  text: string;
  at: number;
}

function posts(): Post[] {
  const all: Post[] = [];
  for (const set of SETS) {
    const [header = [], ...lines] = parseCsv(readFileSync(new URL(set.file, DATA), 'utf8'));
    const columns = header.map((c) => c.replace(/^\uFEFF/, ''));
    for (const line of lines) {
      const row = Object.fromEntries(columns.map((c, i) => [c, line[i] ?? '']));
      if (!set.inbound(row) || !row.text) continue;
      const id = (row.tweet_id ?? '').replace(/\.0$/, '');
      const at = Date.parse(row.tweet_created ?? row.created_at ?? '') || 0;
      all.push({ key: `${set.name}:${id}`, text: row.text, at });
    }
  }
  // A few tweets appear twice in the files; in the product ingest is idempotent on the post id, so each counts once.
  const unique = new Map(all.map((post) => [post.key, post]));
  return [...unique.values()].sort((a, b) => a.at - b.at);
}

function run() {
  const list = process.argv.includes('--list');
  const recent = new Map<string, number[]>();
  const held: { post: Post; reasons: string[] }[] = [];
  const passed: Post[] = [];
  const started = performance.now();
  for (const post of posts()) {
    const print = fingerprint(post.text);
    const times = (recent.get(print) ?? []).filter((t) => post.at - t < WINDOW_MS);
    const verdict = judgeSpam(post.text, { seenBefore: times.length, learned: null, fingerprint: print });
    times.push(post.at);
    recent.set(print, times);
    if (verdict.suspected) held.push({ post, reasons: verdict.reasons });
    else passed.push(post);
  }
  const total = held.length + passed.length;
  const µs = ((performance.now() - started) * 1000) / total;
  // A fixed sample of what passed (every k-th post), so the estimate is the same on every run.
  const step = Math.floor(passed.length / SAMPLE);
  const sample = passed.filter((_, i) => i % step === 0).slice(0, SAMPLE);

  const tally = (items: Post[]) => {
    const labelled = items.filter((p) => labels[p.key]);
    const spam = labelled.filter((p) => labels[p.key] === 'spam').length;
    return { labelled: labelled.length, unlabelled: items.length - labelled.length, spam };
  };
  const h = tally(held.map((x) => x.post));
  const s = tally(sample);
  console.log(
    `customer posts: ${total}; held by the rules: ${held.length} (${((held.length / total) * 100).toFixed(2)} %)`,
  );
  console.log(
    `precision on the held posts: ${h.spam} of ${h.labelled} labelled are spam = ${((h.spam / h.labelled) * 100).toFixed(1)} %` +
      (h.unlabelled ? ` (${h.unlabelled} unlabelled)` : ''),
  );
  console.log(
    `a sample of ${sample.length} posts let through: ${s.spam} of ${s.labelled} labelled are spam` +
      (s.unlabelled ? ` (${s.unlabelled} unlabelled)` : ''),
  );
  console.log(`rules' cost: ${µs.toFixed(1)} µs a post`);
  if (list) {
    for (const { post, reasons } of held)
      if (!labels[post.key]) console.log(`HELD\t${post.key}\t${reasons.join('; ')}\t${post.text.replace(/\s+/g, ' ')}`);
    for (const post of sample)
      if (!labels[post.key]) console.log(`PASSED\t${post.key}\t\t${post.text.replace(/\s+/g, ' ')}`);
  }
}

run();
