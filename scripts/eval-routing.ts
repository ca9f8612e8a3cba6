// Offline routing quality on an expert-finding JSONL (docs/architecture.md, "Routing quality"), through the
// production router: experts enter via upsertExpert, history via learnAnswer/learnTags, ranking via rank. Each eval
// line is ranked from earlier lines only, then learned from. Three simple baselines are computed in the same pass:
// most active, tag overlap and a TF-IDF profile of each expert's past answers.
//   npm run eval:routing -- FILE [--no-tags] [--full-pool] [--eval-from=N]
// --full-pool ranks every expert seen so far instead of the line's candidates; --eval-from=N treats lines before
// the N-th as history only and every later line with answerers as an evaluation line (a chronological split).
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import {
  contentTerms,
  createRouter,
  type Router,
  type RoutingExpert,
  type TagScore,
} from '../server/domain/routing/index.js';

interface Line {
  id: string;
  text: string;
  tags?: string[];
  answerers: string[];
  accepted?: string;
  candidates?: string[];
  eval: boolean;
  at?: number | string;
}
interface Tally {
  questions: number;
  hits: Record<1 | 5 | 10, number>;
  reciprocalRanks: number;
}
type Metrics = { 'hit@1': number; 'hit@5': number; 'hit@10': number; mrr: number };

const CUTOFFS = [1, 5, 10] as const;

const newTally = (): Tally => ({ questions: 0, hits: { 1: 0, 5: 0, 10: 0 }, reciprocalRanks: 0 });

function score(tally: Tally, orderedIds: readonly string[], answerers: readonly string[]): void {
  const rank = orderedIds.findIndex((id) => answerers.includes(id)) + 1;
  tally.questions += 1;
  for (const k of CUTOFFS) if (rank > 0 && rank <= k) tally.hits[k] += 1;
  if (rank > 0) tally.reciprocalRanks += 1 / rank;
}

function metrics(tally: Tally): Metrics {
  const share = (value: number) => Math.round((value / Math.max(1, tally.questions)) * 10000) / 10000;
  return {
    'hit@1': share(tally.hits[1]),
    'hit@5': share(tally.hits[5]),
    'hit@10': share(tally.hits[10]),
    mrr: share(tally.reciprocalRanks),
  };
}

function idHash(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619);
  return hash >>> 0;
}

/** Highest value first; ties by a fixed shuffle of ids, the same rule the router uses, never the input order. */
function orderBy(ids: readonly string[], value: (id: string) => number): string[] {
  return ids
    .map((id) => ({ id, value: value(id), hash: idHash(id) }))
    .sort((a, b) => b.value - a.value || a.hash - b.hash)
    .map((entry) => entry.id);
}

function evalExpert(id: string): RoutingExpert {
  return {
    id,
    skills: [],
    generalist: true,
    capacity: Number.POSITIVE_INFINITY,
    load: 0,
    availability: 'available',
    schedule: null,
    online: true,
    approved: 0,
    rejected: 0,
    medianClaimMs: null,
    medianReplyMs: null,
  };
}

function timeOf(line: Line, index: number): number {
  if (typeof line.at === 'number') return line.at;
  const parsed = typeof line.at === 'string' ? Date.parse(line.at) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : index;
}

/**
 * The classic profile baseline: each expert is the sum of their past answers' TF-IDF vectors (1 + log tf, each
 * answer normalised to unit length, idf as of when it was learned), ranked by dot product with the question.
 */
function createTfidfProfiles() {
  const df = new Map<string, number>();
  const profiles = new Map<string, Map<string, number>>();
  const postings = new Map<string, Set<string>>();
  let documents = 0;
  const idf = (term: string) => Math.log(1 + documents / (df.get(term) ?? 1));
  const vector = (text: string) => {
    const counts = new Map<string, number>();
    for (const term of contentTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    const weights = new Map<string, number>();
    let squares = 0;
    for (const [term, tf] of counts) {
      const weight = (1 + Math.log(tf)) * idf(term);
      weights.set(term, weight);
      squares += weight * weight;
    }
    const norm = Math.sqrt(squares) || 1;
    for (const [term, weight] of weights) weights.set(term, weight / norm);
    return weights;
  };
  return {
    learnQuestion(text: string) {
      documents++;
      for (const term of new Set(contentTerms(text))) df.set(term, (df.get(term) ?? 0) + 1);
    },
    learnAnswer(expertId: string, text: string) {
      let profile = profiles.get(expertId);
      if (!profile) profiles.set(expertId, (profile = new Map()));
      for (const [term, weight] of vector(text)) {
        profile.set(term, (profile.get(term) ?? 0) + weight);
        let experts = postings.get(term);
        if (!experts) postings.set(term, (experts = new Set()));
        experts.add(expertId);
      }
    },
    scores(text: string): Map<string, number> {
      const scores = new Map<string, number>();
      for (const [term, weight] of vector(text)) {
        for (const expertId of postings.get(term) ?? [])
          scores.set(expertId, (scores.get(expertId) ?? 0) + weight * profiles.get(expertId)!.get(term)!);
      }
      return scores;
    },
  };
}

interface RunOptions {
  useTags: boolean;
  fullPool: boolean;
  evalFrom: number | null;
}

async function run(file: string, { useTags, fullPool, evalFrom }: RunOptions) {
  const router: Router = createRouter({ k: 10, maxOffersPerHour: Number.POSITIVE_INFINITY, requireOnline: false });
  const engine = newTally();
  const mostActive = newTally();
  const tagOverlap = newTally();
  const tfidf = newTally();
  const profiles = createTfidfProfiles();
  const answersBy = new Map<string, number>();
  const tagsBy = new Map<string, Map<string, number>>();
  const seen: string[] = [];
  let rankingMs = 0;
  let index = 0;

  for await (const raw of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    if (!raw.trim()) continue;
    const line = JSON.parse(raw) as Line;
    const at = timeOf(line, index++);
    const started = performance.now();
    const tags: TagScore[] = useTags
      ? (line.tags ?? []).map((slug) => ({ slug, confidence: 1, source: 'manual' }))
      : router.classify(line.text, []);
    const evaluated = evalFrom === null ? line.eval : index > evalFrom && line.answerers.length > 0;
    const candidates =
      fullPool || evalFrom !== null
        ? seen.filter((id) => !line.answerers.includes(id) || answersBy.has(id))
        : (line.candidates ?? seen);
    // A question whose answerers were never seen before cannot be ranked by anyone: it is not an evaluation line.
    if (evaluated && line.answerers.some((id) => candidates.includes(id))) {
      const ranked = router.rank({ text: line.text, tags, now: at }, candidates);
      rankingMs += performance.now() - started;
      score(
        engine,
        ranked.map((entry) => entry.expertId),
        line.answerers,
      );
      score(
        mostActive,
        orderBy(candidates, (id) => answersBy.get(id) ?? 0),
        line.answerers,
      );
      score(
        tagOverlap,
        orderBy(candidates, (id) =>
          tags.reduce((sum, tag) => sum + tag.confidence * (tagsBy.get(id)?.get(tag.slug) ?? 0), 0),
        ),
        line.answerers,
      );
      const similarity = profiles.scores(line.text);
      score(
        tfidf,
        orderBy(candidates, (id) => similarity.get(id) ?? 0),
        line.answerers,
      );
    }
    profiles.learnQuestion(line.text);
    const slugs = tags.map((tag) => tag.slug);
    if (useTags && slugs.length > 0) router.learnTags(line.text, slugs);
    for (const expertId of line.answerers) {
      if (!answersBy.has(expertId)) {
        seen.push(expertId);
        router.upsertExpert(evalExpert(expertId));
      }
      router.learnAnswer(expertId, line.text, slugs, at);
      profiles.learnAnswer(expertId, line.text);
      answersBy.set(expertId, (answersBy.get(expertId) ?? 0) + 1);
      const counts = tagsBy.get(expertId) ?? new Map<string, number>();
      for (const slug of slugs) counts.set(slug, (counts.get(slug) ?? 0) + 1);
      tagsBy.set(expertId, counts);
    }
  }
  return { engine, mostActive, tagOverlap, tfidf, msPerQuestion: rankingMs / Math.max(1, engine.questions) };
}

function table(rows: [string, Metrics][]): string {
  const header = ['', 'hit@1', 'hit@5', 'hit@10', 'mrr'];
  const body = rows.map(([name, m]) => [
    name,
    ...[m['hit@1'], m['hit@5'], m['hit@10'], m.mrr].map((v) => v.toFixed(4)),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => row[i]!.length)));
  return [header, ...body]
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

async function main() {
  const args = process.argv.slice(2);
  const file = args.find((arg) => !arg.startsWith('--'));
  if (!file) {
    console.error('usage: npm run eval:routing -- FILE [--no-tags] [--full-pool] [--eval-from=N]');
    process.exit(2);
  }
  const useTags = !args.includes('--no-tags');
  const evalFromArg = args.find((arg) => arg.startsWith('--eval-from='));
  const evalFrom = evalFromArg ? Number(evalFromArg.split('=')[1]) : null;
  const result = await run(file, { useTags, fullPool: args.includes('--full-pool'), evalFrom });
  const engine = metrics(result.engine);
  const baselines = {
    most_active: metrics(result.mostActive),
    tag_overlap: metrics(result.tagOverlap),
    tfidf: metrics(result.tfidf),
  };
  const best = Math.max(baselines.most_active.mrr, baselines.tag_overlap.mrr, baselines.tfidf.mrr);
  console.log(
    `${basename(file)}: ${result.engine.questions} questions, ${useTags ? 'with tags' : 'no tags (classified from text)'}`,
  );
  console.log(
    table([
      ['router', engine],
      ['most_active', baselines.most_active],
      ['tag_overlap', baselines.tag_overlap],
      ['tfidf', baselines.tfidf],
    ]),
  );
  console.log(
    `router MRR / best baseline: ${(engine.mrr / Math.max(best, 1e-9)).toFixed(3)}   ${result.msPerQuestion.toFixed(3)} ms per question`,
  );
  console.log(
    JSON.stringify({
      file,
      questions: result.engine.questions,
      ...engine,
      baselines,
      msPerQuestion: Math.round(result.msPerQuestion * 1000) / 1000,
    }),
  );
}

await main();
