// Tagging quality on real, crowd-labelled customer tweets: are the tags right (precision / recall / F1), and does a
// tag's confidence mean what it says (expected calibration error, reliability table)? Online and chronological, as a
// desk lives it: each tweet is classified from what was learned before it, then a manager's tag (the label) is
// learned — for every tweet, or for a share of them (`--confirm=0.2`).
//   npm run eval:tagging -- [FILE] [--confirm=1]
import { parseArgs } from 'node:util';
import { createCalibrator, type Calibrator } from '../server/domain/routing/calibration.js';
import { createClassifier } from '../server/domain/routing/classifier.js';
import { compileRules, matchRules } from '../server/domain/routing/rules.js';
import { createTagModel } from '../server/domain/routing/tag-model.js';
import { isContentTerm, tokenize } from '../server/domain/routing/tokenize.js';
import type { TagRule } from '../server/domain/routing/types.js';
import { AIRLINE_TWEETS_PATH, readAirlineTweets } from '../test/helpers/tweets.js';

/** The crowd's topic (negativereason) → a desk's tag; "Can't Tell" and no reason mean the tweet has no tag. */
const TAGS: Record<string, string> = {
  'Late Flight': 'late-flight',
  'Cancelled Flight': 'cancelled-flight',
  'Lost Luggage': 'lost-luggage',
  'Damaged Luggage': 'damaged-luggage',
  'Customer Service Issue': 'customer-service',
  'Bad Flight': 'bad-flight',
  'Flight Booking Problems': 'booking',
  'Flight Attendant Complaints': 'flight-attendants',
  longlines: 'long-lines',
};

/** Keywords a community manager would type for those tags on day one, without looking at the data. */
const RULES: TagRule[] = [
  { slug: 'late-flight', keywords: ['delay', 'delayed', 'late'] },
  { slug: 'cancelled-flight', keywords: ['cancelled', 'canceled', 'cancellation'] },
  { slug: 'lost-luggage', keywords: ['lost bag', 'lost luggage', 'baggage', 'luggage'] },
  { slug: 'damaged-luggage', keywords: ['damaged', 'broken'] },
  { slug: 'customer-service', keywords: ['customer service', 'on hold', 'agent', 'rude'] },
  { slug: 'bad-flight', keywords: ['seat', 'wifi', 'legroom'] },
  { slug: 'booking', keywords: ['booking', 'reservation', 'ticket', 'website'] },
  { slug: 'flight-attendants', keywords: ['flight attendant', 'crew'] },
  { slug: 'long-lines', keywords: ['line', 'queue'] },
];

interface Shown {
  slug: string;
  confidence: number;
}
interface Scorer {
  name: string;
  predict(text: string): Shown[];
  learn(text: string, tags: string[]): void;
}

class Tally {
  tp = 0;
  fp = 0;
  fn = 0;
  pairs: { confidence: number; correct: boolean }[] = [];
  add(shown: Shown[], truth: readonly string[]) {
    for (const { slug, confidence } of shown) {
      const correct = truth.includes(slug);
      if (correct) this.tp++;
      else this.fp++;
      this.pairs.push({ confidence, correct });
    }
    this.fn += truth.filter((slug) => !shown.some((s) => s.slug === slug)).length;
  }
  summary() {
    const precision = this.tp / Math.max(1, this.tp + this.fp);
    const recall = this.tp / Math.max(1, this.tp + this.fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { precision, recall, f1, ece: ece(this.pairs), shown: this.pairs.length };
  }
}

/** Expected calibration error over ten equal-width bins: the gap between said and observed, weighted by bin size. */
export function ece(pairs: { confidence: number; correct: boolean }[]): number {
  const bins = reliability(pairs);
  return bins.reduce((sum, bin) => sum + (bin.n / Math.max(1, pairs.length)) * Math.abs(bin.said - bin.observed), 0);
}

function reliability(pairs: { confidence: number; correct: boolean }[]) {
  const bins = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, n: 0, said: 0, observed: 0 }));
  for (const { confidence, correct } of pairs) {
    const bin = bins[Math.min(9, Math.floor(confidence * 10))]!;
    bin.n++;
    bin.said += confidence;
    bin.observed += correct ? 1 : 0;
  }
  return bins
    .filter((b) => b.n > 0)
    .map((b) => ({ from: b.from, n: b.n, said: b.said / b.n, observed: b.observed / b.n }));
}

const identity: Calibrator = { observe() {}, calibrate: (_source, raw) => raw, evidence: () => 0 };

function engine(name: string, calibrated: boolean): Scorer {
  const model = createTagModel();
  const classifier = createClassifier(model, calibrated ? createCalibrator() : identity);
  return {
    name,
    predict: (text) => classifier.classify(text, RULES),
    learn(text, tags) {
      classifier.observe(text, tags);
      model.learn(tokenize(text).filter(isContentTerm), tags);
    },
  };
}

function rulesOnly(): Scorer {
  const compiled = compileRules(RULES);
  return {
    name: 'keyword rules alone',
    predict: (text) => [...matchRules(compiled, tokenize(text))].map(([slug, confidence]) => ({ slug, confidence })),
    learn() {},
  };
}

/** The most frequent tag so far, said with its share of tagged tweets so far: the simplest calibrated guess. */
function majority(): Scorer {
  const counts = new Map<string, number>();
  let seen = 0;
  return {
    name: 'most frequent tag',
    predict() {
      const top = [...counts].sort((a, b) => b[1] - a[1])[0];
      return top ? [{ slug: top[0], confidence: top[1] / seen }] : [];
    },
    learn(_text, tags) {
      seen++;
      for (const tag of tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    },
  };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { confirm: { type: 'string', default: '1' } },
});
const confirmShare = Number(values.confirm);
if (positionals[0] && positionals[0] !== AIRLINE_TWEETS_PATH)
  console.error('only the airline tweets set is supported; reading it from', AIRLINE_TWEETS_PATH);

const tweets = readAirlineTweets().sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
const scorers = [
  majority(),
  rulesOnly(),
  engine('engine, raw confidence (before)', false),
  engine('engine, calibrated', true),
];
const tallies = scorers.map(() => new Tally());
let confirmed = 0;
const started = performance.now();
tweets.forEach((tweet, i) => {
  const truth = TAGS[tweet.reason] ? [TAGS[tweet.reason]!] : [];
  scorers.forEach((scorer, s) => tallies[s]!.add(scorer.predict(tweet.text), truth));
  // A manager confirms a deterministic share of questions (their tags, or that there is none).
  if ((i * 0.6180339887) % 1 < confirmShare) {
    confirmed++;
    for (const scorer of scorers) scorer.learn(tweet.text, truth);
  }
});
const ms = performance.now() - started;

const pct = (x: number) => (x * 100).toFixed(1);
console.log(
  `tagging on ${tweets.length} airline tweets (${Object.keys(TAGS).length} tags), online, ${confirmed} confirmed by a manager; ${(ms / tweets.length / scorers.length).toFixed(3)} ms a tweet a scorer`,
);
console.log('| scorer | precision | recall | F1 | ECE | tags shown |');
console.log('|---|---|---|---|---|---|');
scorers.forEach((scorer, s) => {
  const r = tallies[s]!.summary();
  console.log(
    `| ${scorer.name} | ${pct(r.precision)} % | ${pct(r.recall)} % | ${pct(r.f1)} % | ${r.ece.toFixed(3)} | ${r.shown} |`,
  );
});
for (const s of [2, 3]) {
  console.log(`\nreliability, ${scorers[s]!.name}: confidence bin → said / observed (n)`);
  for (const bin of reliability(tallies[s]!.pairs))
    console.log(
      `  ${bin.from.toFixed(1)}–${(bin.from + 0.1).toFixed(1)}: ${bin.said.toFixed(2)} / ${bin.observed.toFixed(2)} (${bin.n})`,
    );
}
console.log(
  JSON.stringify({ confirmed, scorers: scorers.map((scorer, s) => ({ name: scorer.name, ...tallies[s]!.summary() })) }),
);
