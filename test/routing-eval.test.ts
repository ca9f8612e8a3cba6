import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import t from 'tap';

const run = promisify(execFile);
const script = new URL('../scripts/eval-routing.ts', import.meta.url).pathname;

/**
 * Six topics with their own words. Specialists answer their topic; two very busy generalists answer a bit of
 * everything, so "most active" keeps picking them while the real answerer is the topic's specialist.
 */
function syntheticSet(): string {
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const topics = ['battery', 'screen', 'billing', 'wifi', 'printer', 'camera'].map((name, i) => ({
    name,
    words: Array.from({ length: 8 }, (_, j) => `${name}${'abcdefgh'[j]}`),
    specialists: [`s${i}a`, `s${i}b`, `s${i}c`],
  }));
  const generalists = ['busy1', 'busy2'];
  const experts = [...generalists, ...topics.flatMap((topic) => topic.specialists)];
  const lines: string[] = [];
  for (let i = 0; i < 1800; i++) {
    const topic = pick(topics);
    const text = `${pick(topic.words)} ${pick(topic.words)} ${pick(['help', 'broken', 'why', 'how'])} ${pick(topic.words)}`;
    const answerer = random() < 0.45 ? pick(generalists) : pick(topic.specialists);
    const isEval = i >= 1500;
    const candidates = isEval
      ? [
          answerer,
          ...experts
            .filter((e) => e !== answerer)
            .sort(() => random() - 0.5)
            .slice(0, 9),
        ]
      : undefined;
    lines.push(
      JSON.stringify({
        id: `q${i}`,
        text,
        tags: [topic.name],
        answerers: [answerer],
        eval: isEval,
        at: 1_700_000_000_000 + i * 60_000,
        ...(candidates ? { candidates } : {}),
      }),
    );
  }
  return lines.join('\n') + '\n';
}

const dir = mkdtempSync(join(tmpdir(), 'routing-eval-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const file = join(dir, 'synthetic.jsonl');
writeFileSync(file, syntheticSet());

for (const flags of [[], ['--no-tags']]) {
  t.test(
    `eval ${flags.join(' ') || 'with tags'}: prints a table, then one JSON line, and beats most_active`,
    async (t) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', script, file, ...flags], { timeout: 120_000 });
      const lines = stdout.trim().split('\n');
      t.match(lines.join('\n'), /most_active/, 'readable table');
      const result = JSON.parse(lines.at(-1)!);
      t.same(Object.keys(result), [
        'file',
        'questions',
        'hit@1',
        'hit@5',
        'hit@10',
        'mrr',
        'baselines',
        'msPerQuestion',
      ]);
      t.equal(result.file, file);
      t.equal(result.questions, 300);
      t.same(Object.keys(result.baselines), ['most_active', 'tag_overlap', 'tfidf']);
      for (const metrics of [
        result,
        result.baselines.most_active,
        result.baselines.tag_overlap,
        result.baselines.tfidf,
      ]) {
        for (const key of ['hit@1', 'hit@5', 'hit@10', 'mrr']) t.ok(metrics[key] >= 0 && metrics[key] <= 1, key);
        t.ok(metrics['hit@1'] <= metrics['hit@5'] && metrics['hit@5'] <= metrics['hit@10']);
      }
      t.ok(
        result.mrr > result.baselines.most_active.mrr + 0.05,
        `router ${result.mrr} vs most_active ${result.baselines.most_active.mrr}`,
      );
      t.ok(result.msPerQuestion < 2);
    },
  );
}

t.test('a chronological split over everyone seen so far (--full-pool --eval-from=N), as on a young site', async (t) => {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', script, file, '--full-pool', '--eval-from=1200', '--no-tags'],
    { timeout: 120_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
  t.equal(result.questions, 600, 'every line after the 1,200th (each answerer was seen before)');
  // Two busy generalists answer 45 % of this set and a topic's three specialists the rest, at random: the words pick
  // the topic, nothing picks the specialist. The learned ranker overweights activity here; the router notices that
  // the words alone rank its answerers better and falls back to them (0.955 of the best baseline without; 0.970 with,
  // measured 2026-12-07; 0.975 with the nearest past questions as a feature, similar-questions.ts; 0.998 with a bias
  // per expert, 0.995 with it under three pulls, expert-bias.ts; 0.995 with the ranker's small network, ranker.ts).
  const best = Math.max(result.baselines.most_active.mrr, result.baselines.tag_overlap.mrr, result.baselines.tfidf.mrr);
  t.ok(result.mrr >= 0.97 * best, `router ${result.mrr} against the best simple baseline ${best}`);
});

t.test('the eval refuses to run without a file', async (t) => {
  await t.rejects(run(process.execPath, ['--import', 'tsx', script], { timeout: 60_000 }));
});
