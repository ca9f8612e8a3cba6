// Every routing development set in both modes, with the best simple baseline beside the router, and per mode the
// worst and the geometric mean of router / best across sets (a choice is kept only if it holds on all of them):
//   npm run eval:routing:dev [-- --only=REGEX]     (writes the sets from ../shared/data to a scratch folder first)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEV_SETS, writeDevSets } from './routing-devsets.js';

const only = new RegExp(process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length) ?? '');
const dir = writeDevSets();
const script = new URL('./eval-routing.ts', import.meta.url).pathname;
const sets = [
  {
    path: new URL('../../shared/data/routing/gis-dev.jsonl', import.meta.url).pathname,
    name: 'gis-dev (20 candidates)',
    flags: [] as string[],
  },
  ...DEV_SETS.map((set) => ({
    path: join(dir, set.file),
    name: `${set.file.replace('.jsonl', '')} (${set.flags.join(' ') || '20 candidates'})`,
    flags: set.flags,
  })),
].filter((set) => only.test(set.name));

const ratios = { tags: [] as number[], 'no tags': [] as number[] };
console.log('| set | mode | questions | router MRR | most active | tag overlap | tf-idf | router / best | ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const set of sets) {
  for (const mode of [[], ['--no-tags']]) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, set.path, ...set.flags, ...mode], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      questions: number;
      mrr: number;
      msPerQuestion: number;
      baselines: Record<'most_active' | 'tag_overlap' | 'tfidf', { mrr: number }>;
    };
    const { most_active, tag_overlap, tfidf } = result.baselines;
    const best = Math.max(most_active.mrr, tag_overlap.mrr, tfidf.mrr);
    const name = mode.length ? 'no tags' : 'tags';
    ratios[name].push(result.mrr / best);
    console.log(
      `| ${set.name} | ${name} | ${result.questions} | ${result.mrr.toFixed(3)} | ${most_active.mrr.toFixed(3)} | ${tag_overlap.mrr.toFixed(3)} | ${tfidf.mrr.toFixed(3)} | ${(result.mrr / best).toFixed(3)}× | ${result.msPerQuestion.toFixed(2)} |`,
    );
  }
}
for (const [mode, values] of Object.entries(ratios)) {
  const geometricMean = Math.exp(values.reduce((sum, value) => sum + Math.log(value), 0) / values.length);
  console.log(`${mode}: worst ${Math.min(...values).toFixed(3)}×, geometric mean ${geometricMean.toFixed(3)}×`);
}
