// Sentiment quality on real, crowd-labelled customer tweets (negative / neutral / positive): accuracy and macro-F1
// of the majority class, of each sentiment library and of a naive Bayes trained on the tweets, with what scoring
// costs per post. Chronological split: the oldest 60% train, the next 20% tune each library's neutral band (dev),
// the newest 20% are reported (test) — as a desk lives it, the thresholds are set before the posts they judge.
//   npm run eval:sentiment -- [FILE]
import { performance } from 'node:perf_hooks';
import { scoreSentiment } from '../server/domain/sentiment.js';
import { type AirlineTweet, readAirlineTweets } from '../test/helpers/tweets.js';

const LABELS = ['negative', 'neutral', 'positive'] as const;
type Label = (typeof LABELS)[number];

interface Band {
  below: number;
  above: number;
}
interface Scorer {
  name: string;
  score(text: string): number;
  /** The band the library's authors suggest: at or below `below` is negative, at or above `above` positive. */
  defaultBand: Band;
}

const labelOf = (score: number, band: Band): Label =>
  score <= band.below ? 'negative' : score >= band.above ? 'positive' : 'neutral';

export function evaluate(truth: readonly Label[], predicted: readonly Label[]) {
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  const f1s = LABELS.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === label && truth[i] === label) tp++;
      else if (predicted[i] === label) fp++;
      else if (truth[i] === label) fn++;
    }
    return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  });
  return { accuracy: correct / Math.max(1, truth.length), macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length, f1s };
}

/** The band that maximises macro-F1 on the dev split, searched over the dev scores' percentiles. */
function tuneBand(scores: number[], truth: Label[]): Band {
  const sorted = [...scores].sort((a, b) => a - b);
  // Each percentile, and the value just below it: scores pile up on a few values (0 above all), and a band must be
  // able to put a pile on either side.
  const cuts = new Set<number>();
  for (let i = 0; i <= 100; i++) {
    const at = Math.floor((i / 100) * (sorted.length - 1));
    const value = sorted[at] ?? 0;
    cuts.add(value);
    const below = sorted.findLast((s) => s < value);
    if (below !== undefined) cuts.add(below);
  }
  let best = { band: { below: 0, above: 0 }, f1: -1 };
  for (const below of cuts)
    for (const above of cuts) {
      if (above <= below) continue;
      const f1 = evaluate(
        truth,
        scores.map((s) => labelOf(s, { below, above })),
      ).macroF1;
      if (f1 > best.f1) best = { band: { below, above }, f1 };
    }
  return best.band;
}

const tokens = (text: string) =>
  text
    .toLowerCase()
    .replace(/https?:\/\/\S+|@\w+/g, ' ')
    .match(/[a-z']+|[!?]|[:;]-?[()dp]/g) ?? [];

/** Multinomial naive Bayes with add-one smoothing: the reference a model trained on the data itself reaches. */
function trainNaiveBayes(train: AirlineTweet[]) {
  const counts = new Map<Label, Map<string, number>>(LABELS.map((l) => [l, new Map()]));
  const totals = new Map<Label, number>(LABELS.map((l) => [l, 0]));
  const docs = new Map<Label, number>(LABELS.map((l) => [l, 0]));
  const vocabulary = new Set<string>();
  for (const tweet of train) {
    const label = tweet.sentiment as Label;
    docs.set(label, (docs.get(label) ?? 0) + 1);
    for (const token of tokens(tweet.text)) {
      const byLabel = counts.get(label);
      byLabel?.set(token, (byLabel.get(token) ?? 0) + 1);
      totals.set(label, (totals.get(label) ?? 0) + 1);
      vocabulary.add(token);
    }
  }
  return (text: string): Label => {
    let best: { label: Label; logp: number } = { label: 'negative', logp: Number.NEGATIVE_INFINITY };
    for (const label of LABELS) {
      let logp = Math.log((docs.get(label) ?? 0) / train.length);
      const total = (totals.get(label) ?? 0) + vocabulary.size;
      for (const token of tokens(text))
        if (vocabulary.has(token)) logp += Math.log(((counts.get(label)?.get(token) ?? 0) + 1) / total);
      if (logp > best.logp) best = { label, logp };
    }
    return best.label;
  };
}

async function scorers(): Promise<Scorer[]> {
  const found: Scorer[] = [];
  // Imported if installed: the comparison keeps running after the libraries that lost are uninstalled.
  const vader = await import('vader-sentiment').catch(() => null);
  if (vader)
    found.push({
      name: 'vader-sentiment 1.1.3 (compound)',
      score: (text) => vader.default.SentimentIntensityAnalyzer.polarity_scores(text).compound,
      defaultBand: { below: -0.05, above: 0.05 },
    });
  const wink = await import('wink-sentiment').catch(() => null);
  if (wink)
    found.push({
      name: 'wink-sentiment 5.0.2 (normalizedScore)',
      score: (text) => wink.default(text).normalizedScore,
      defaultBand: { below: -Number.EPSILON, above: Number.EPSILON },
    });
  const afinn = await import('sentiment').catch(() => null);
  if (afinn) {
    const analyzer = new afinn.default();
    found.push({
      name: 'sentiment 5.0.2 (AFINN, comparative)',
      score: (text) => analyzer.analyze(text).comparative,
      defaultBand: { below: -Number.EPSILON, above: Number.EPSILON },
    });
  }
  return found;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const f3 = (x: number) => x.toFixed(3);

async function main() {
  const tweets = readAirlineTweets()
    .filter((t) => (LABELS as readonly string[]).includes(t.sentiment))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  const cut1 = Math.floor(tweets.length * 0.6);
  const cut2 = Math.floor(tweets.length * 0.8);
  const [train, dev, test] = [tweets.slice(0, cut1), tweets.slice(cut1, cut2), tweets.slice(cut2)];
  const truthOf = (set: AirlineTweet[]) => set.map((t) => t.sentiment as Label);
  const testTruth = truthOf(test);
  const share = (label: Label) => testTruth.filter((l) => l === label).length / testTruth.length;
  console.log(
    `${tweets.length} tweets: train ${train.length}, dev ${dev.length}, test ${test.length} ` +
      `(test: ${LABELS.map((l) => `${l} ${pct(share(l))}`).join(', ')})\n`,
  );
  const rows: string[] = [];
  const devTruth = truthOf(dev);
  const row = (name: string, band: string, predicted: Label[], devPredicted: Label[], usPerPost: number | null) => {
    const { accuracy, macroF1, f1s } = evaluate(testTruth, predicted);
    rows.push(
      `| ${name} | ${band} | ${f3(evaluate(devTruth, devPredicted).macroF1)} | ${pct(accuracy)} | ${f3(macroF1)} | ` +
        `${f1s.map(f3).join(' / ')} | ${usPerPost === null ? '—' : usPerPost.toFixed(1)} |`,
    );
  };

  const majority = LABELS.reduce((a, b) =>
    truthOf(train).filter((l) => l === a).length >= truthOf(train).filter((l) => l === b).length ? a : b,
  );
  row(
    `majority class (${majority})`,
    '—',
    testTruth.map(() => majority),
    devTruth.map(() => majority),
    null,
  );

  for (const scorer of await scorers()) {
    const devScores = dev.map((t) => scorer.score(t.text));
    const band = tuneBand(devScores, devTruth);
    const started = performance.now();
    const testScores = tweets.map((t) => scorer.score(t.text)).slice(cut2);
    const usPerPost = ((performance.now() - started) * 1000) / tweets.length;
    const label = (scores: number[], used: Band) => scores.map((s) => labelOf(s, used));
    row(
      scorer.name,
      'library default',
      label(testScores, scorer.defaultBand),
      label(devScores, scorer.defaultBand),
      usPerPost,
    );
    row(
      scorer.name,
      `dev-tuned: ≤ ${f3(band.below)} / ≥ ${f3(band.above)}`,
      label(testScores, band),
      label(devScores, band),
      usPerPost,
    );
  }

  const naiveBayes = trainNaiveBayes(train);
  const byNaiveBayes = (set: AirlineTweet[]) => set.map((t) => naiveBayes(t.text));
  row(
    'naive Bayes trained on the train split (reference, not shipped)',
    '—',
    byNaiveBayes(test),
    byNaiveBayes(dev),
    null,
  );

  // What ingest pays: the shipped function over every tweet, after a warm-up pass.
  for (const t of tweets) scoreSentiment(t.text);
  const started = performance.now();
  let labelled = 0;
  for (const t of tweets) if (scoreSentiment(t.text).label !== 'neutral') labelled++;
  const usPerPost = ((performance.now() - started) * 1000) / tweets.length;
  const shipped = (set: AirlineTweet[]) => set.map((t) => scoreSentiment(t.text).label);
  row('**scoreSentiment** (server/domain/sentiment.ts)', 'as shipped', shipped(test), shipped(dev), usPerPost);

  console.log(
    '| scorer | neutral band | dev macro-F1 | test accuracy | test macro-F1 | test F1 neg / neu / pos | µs per post |',
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const line of rows) console.log(line);
  console.log(
    `\nscoreSentiment: ${usPerPost.toFixed(1)} µs per post over ${tweets.length} tweets (${labelled} not neutral)`,
  );
}

await main();
