// Development sets for routing that look like the communities it has not seen: young and small, ranked over
// everyone seen so far (no candidate lists), in time order. Written to a scratch folder from ../shared/data (the data
// stays out of the repository); then `npm run eval:routing:dev` runs every set in both modes.
//   npx tsx scripts/routing-devsets.ts [OUT_DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCsv } from '../test/helpers/tweets.js';

const shared = (path: string) => fileURLToPath(new URL(`../../shared/data/${path}`, import.meta.url));
export const DEV_SETS_DIR = process.argv[2] ?? '/tmp/helpforce-routing-devsets';

/** Each dev set, with the flags that make its protocol. */
export const DEV_SETS = [
  // The GIS site while it was young: its first 4,000 questions, the first 1,000 as history only.
  { file: 'gis-young.jsonl', flags: ['--full-pool', '--eval-from=1000'] },
  // The same site later on, over everyone seen so far instead of 20 candidates.
  { file: 'gis-dev-full-pool.jsonl', flags: ['--full-pool'] },
  // A brand's support agents (initials signing @SpotifyCares replies): who answers which customer.
  { file: 'spotify-agents.jsonl', flags: ['--full-pool', '--eval-from=500'] },
];

export function writeDevSets(out = DEV_SETS_DIR): string {
  mkdirSync(out, { recursive: true });
  const gis = readFileSync(shared('routing/gis-dev.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim());
  writeFileSync(
    join(out, 'gis-young.jsonl'),
    gis
      .slice(0, 4000)
      .map((line) => JSON.stringify({ ...JSON.parse(line), eval: false, candidates: undefined }))
      .join('\n') + '\n',
  );
  writeFileSync(join(out, 'gis-dev-full-pool.jsonl'), gis.join('\n') + '\n');
  const [header, ...rows] = parseCsv(readFileSync(shared('tweets/twcs_spotifycares_question_to_agent.csv'), 'utf8'));
  const column = (name: string) => header!.indexOf(name);
  const lines = rows
    .filter((row) => row.length >= header!.length && row[column('agent_signature')])
    .map((row) => ({
      id: row[column('customer_tweet_id')],
      text: row[column('customer_text')],
      answerers: [row[column('agent_signature')]],
      eval: false,
      at: Date.parse(row[column('customer_created_at')]!),
    }))
    .sort((a, b) => a.at - b.at);
  writeFileSync(join(out, 'spotify-agents.jsonl'), lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`dev sets written to ${writeDevSets()}`);
