// Development sets for routing that look like the communities it has not seen, so a choice is kept only if it holds
// across all of them (never tuned on one): young, small sites ranked over everyone seen so far, in time order, cut
// from several places and sizes of the GIS history and from a brand's support agents; and a GIS site later on,
// ranked among 20 candidates sampled the way gis-dev's were. Written to a scratch folder from ../shared/data (the
// data stays out of the repository); then `npm run eval:routing:dev` runs every set in both modes.
//   npx tsx scripts/routing-devsets.ts [OUT_DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '../server/domain/random.js';
import { parseCsv } from '../test/helpers/tweets.js';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/data/${path}`, import.meta.url));
export const DEV_SETS_DIR = '/tmp/helpforce-routing-devsets';

interface Line {
  id: string;
  text: string;
  tags?: string[];
  answerers: string[];
  candidates?: string[];
  eval: boolean;
  at?: number;
}

/** A young site cut from the GIS history: `size` questions from `start`, the first quarter as history only. */
const young = (start: number, size: number) => ({
  file: `gis-young-${start / 1000}k-${size / 1000}k.jsonl`,
  flags: ['--full-pool', `--eval-from=${size / 4}`],
  start,
  size,
});
const YOUNG_GIS = [young(0, 2000), young(0, 4000), young(0, 8000), young(8000, 4000), young(16000, 8000)];

/** Each dev set, with the flags that make its protocol. */
export const DEV_SETS = [
  ...YOUNG_GIS.map(({ file, flags }) => ({ file, flags })),
  // The GIS site later on: the first 60 % of gis-dev's history as history, its later questions ranked among 20.
  { file: 'gis-later-20.jsonl', flags: [] as string[] },
  // The same site over everyone seen so far instead of 20 candidates.
  { file: 'gis-dev-full-pool.jsonl', flags: ['--full-pool'] },
  // A brand's support agents (initials signing @SpotifyCares replies): who answers which customer, young and grown.
  { file: 'spotify-young.jsonl', flags: ['--full-pool', '--eval-from=300'] },
  { file: 'spotify-agents.jsonl', flags: ['--full-pool', '--eval-from=500'] },
];

const write = (out: string, file: string, lines: readonly Line[]) =>
  writeFileSync(join(out, file), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');

/**
 * A window of the history re-based as a new site: only experts first seen inside it answer there (older ones are
 * dropped from its questions, which stay as questions nobody answered), and no line carries candidates.
 */
function rebased(gis: readonly Line[], start: number, size: number): Line[] {
  const veterans = new Set(gis.slice(0, start).flatMap((line) => line.answerers));
  return gis.slice(start, start + size).map(({ candidates: _, ...line }) => ({
    ...line,
    answerers: line.answerers.filter((id) => !veterans.has(id)),
    eval: false,
  }));
}

/**
 * gis-dev's 20 candidates are its answerer plus 19 drawn evenly from everyone who answered in its history (measured:
 * each of the 2,969 was drawn 24–26 times, whatever their activity or recency). The same here, with the first 60 %
 * of its history as history and one answerer of each later question, among those seen by then, as the one to find.
 */
function later(gis: readonly Line[]): Line[] {
  const history = gis.filter((line) => !line.eval);
  const cut = Math.round(history.length * 0.6);
  const random = seededRandom(21);
  const pool = [...new Set(history.slice(0, cut).flatMap((line) => line.answerers))];
  const inPool = new Set(pool);
  return history.map(({ candidates: _, ...line }, i) => {
    const known = line.answerers.filter((id) => inPool.has(id));
    if (i < cut || known.length === 0) return { ...line, eval: false };
    const answerer = known[Math.floor(random() * known.length)]!;
    const others = new Set<string>();
    while (others.size < 19) {
      const id = pool[Math.floor(random() * pool.length)]!;
      if (!line.answerers.includes(id)) others.add(id);
    }
    return { ...line, answerers: [answerer], candidates: [answerer, ...others], eval: true };
  });
}

function spotifyAgents(): Line[] {
  const [header, ...rows] = parseCsv(readFileSync(shared('tweets/twcs_spotifycares_question_to_agent.csv'), 'utf8'));
  const column = (name: string) => header!.indexOf(name);
  return rows
    .filter((row) => row.length >= header!.length && row[column('agent_signature')])
    .map((row) => ({
      id: row[column('customer_tweet_id')]!,
      text: row[column('customer_text')]!,
      answerers: [row[column('agent_signature')]!],
      eval: false,
      at: Date.parse(row[column('customer_created_at')]!),
    }))
    .sort((a, b) => a.at - b.at);
}

export function writeDevSets(out = DEV_SETS_DIR): string {
  mkdirSync(out, { recursive: true });
  const gis = readFileSync(shared('routing/gis-dev.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as Line);
  for (const { file, start, size } of YOUNG_GIS) write(out, file, rebased(gis, start, size));
  write(out, 'gis-later-20.jsonl', later(gis));
  write(out, 'gis-dev-full-pool.jsonl', gis);
  const spotify = spotifyAgents();
  write(out, 'spotify-young.jsonl', spotify.slice(0, 1200));
  write(out, 'spotify-agents.jsonl', spotify);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(`dev sets written to ${writeDevSets(process.argv[2] ?? DEV_SETS_DIR)}`);
