// npm run replay -- --file ../shared/data/tweets/twcs_first5000.csv --url http://127.0.0.1:3000 --token hf_… [--limit 200] [--rate 5]
// Replays inbound customer tweets from a CSV (columns tweet_id, author_id, inbound, created_at, text — the
// "Customer Support on Twitter" layout, or the airline layout with tweet_id, name, text, tweet_created) through the
// ingest API, as another channel would. Prints one JSON summary line.
import { createReadStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const { values } = parseArgs({
  options: {
    file: { type: 'string' },
    url: { type: 'string', default: 'http://127.0.0.1:3000' },
    token: { type: 'string' },
    limit: { type: 'string', default: '200' },
    rate: { type: 'string', default: '5' },
    channel: { type: 'string', default: 'replay' },
  },
});
if (!values.file || !values.token) {
  console.error('usage: npm run replay -- --file CSV --token API_TOKEN [--url URL] [--limit N] [--rate PER_SECOND]');
  process.exit(2);
}

/** A small RFC 4180 reader: quoted fields may hold commas, quotes ("") and newlines. */
async function* csvRows(path: string): AsyncGenerator<string[]> {
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (quoted) {
        if (c === '"' && chunk[i + 1] === '"') {
          field += '"';
          i++;
        } else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ',') {
        row.push(field);
        field = '';
      } else if (c === '\n') {
        row.push(field.replace(/\r$/, ''));
        yield row;
        row = [];
        field = '';
      } else field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    yield row;
  }
}

const limit = Number(values.limit);
const interval = 1000 / Number(values.rate);
let header: string[] | null = null;
const summary = { sent: 0, created: 0, duplicate: 0, failed: 0 };
for await (const row of csvRows(values.file)) {
  if (!header) {
    header = row;
    continue;
  }
  const get = (name: string) => row[header!.indexOf(name)];
  if (get('inbound') !== undefined && get('inbound') !== 'True') continue;
  const text = get('text');
  const externalId = get('tweet_id')?.replace(/\.0$/, '');
  if (!text || !externalId) continue;
  const created = get('created_at') ?? get('tweet_created');
  const response = await fetch(`${values.url}/api/questions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      channel: values.channel,
      externalId,
      text: text.slice(0, 4000),
      author: { handle: (get('author_id') ?? get('name') ?? 'customer').slice(0, 50) },
      ...(created && !Number.isNaN(Date.parse(created)) ? { createdAt: new Date(created).toISOString() } : {}),
    }),
  });
  summary.sent++;
  if (response.status === 201) summary.created++;
  else if (response.status === 200) summary.duplicate++;
  else {
    summary.failed++;
    console.error(response.status, await response.text());
  }
  if (summary.sent >= limit) break;
  await sleep(interval);
}
console.log(JSON.stringify(summary));
