// Every routing development set in both modes, with the best simple baseline beside the router:
//   npm run eval:routing:dev            (writes the sets from ../shared/data to a scratch folder first)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { DEV_SETS, writeDevSets } from './routing-devsets.js';

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
    name: `${set.file.replace('.jsonl', '')} (${set.flags.join(' ')})`,
    flags: set.flags,
  })),
];

console.log('| set | mode | router MRR | most active | tag overlap | tf-idf | router / best |');
console.log('|---|---|---|---|---|---|---|');
for (const set of sets) {
  for (const mode of [[], ['--no-tags']]) {
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, set.path, ...set.flags, ...mode], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as {
      mrr: number;
      baselines: Record<'most_active' | 'tag_overlap' | 'tfidf', { mrr: number }>;
    };
    const { most_active, tag_overlap, tfidf } = result.baselines;
    const best = Math.max(most_active.mrr, tag_overlap.mrr, tfidf.mrr);
    console.log(
      `| ${set.name} | ${mode.length ? 'no tags' : 'tags'} | ${result.mrr.toFixed(3)} | ${most_active.mrr.toFixed(3)} | ${tag_overlap.mrr.toFixed(3)} | ${tfidf.mrr.toFixed(3)} | ${(result.mrr / best).toFixed(3)}× |`,
    );
  }
}
