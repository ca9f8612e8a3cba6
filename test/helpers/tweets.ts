// Real customer tweets from ../shared/data/tweets (CC BY-NC-SA: read at test time, never copied into the repo).
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const AIRLINE_TWEETS_PATH = fileURLToPath(
  new URL('../../../shared/data/tweets/us_airline_tweets_2015.csv', import.meta.url),
);

/** A reason to skip when the data set is not there, or false. */
export const airlineTweetsMissing = () =>
  existsSync(AIRLINE_TWEETS_PATH)
    ? false
    : `needs ${AIRLINE_TWEETS_PATH} (the shared tweet data set), which is missing`;

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface AirlineTweet {
  id: string;
  sentiment: string;
  reason: string;
  airline: string;
  text: string;
  day: number;
  at: number;
}

/** Every tweet once (the file repeats some rows), in file order. `day` is the day of February 2015. */
export function readAirlineTweets(): AirlineTweet[] {
  const [header, ...rows] = parseCsv(readFileSync(AIRLINE_TWEETS_PATH, 'utf8'));
  const column = (name: string) => header!.indexOf(name);
  const [id, sentiment, reason, airline, text, created] = [
    'tweet_id',
    'airline_sentiment',
    'negativereason',
    'airline',
    'text',
    'tweet_created',
  ].map(column) as number[];
  const seen = new Set<string>();
  const tweets: AirlineTweet[] = [];
  for (const row of rows) {
    if (row.length < header!.length || seen.has(row[id!]!)) continue;
    seen.add(row[id!]!);
    const [date, time] = row[created!]!.split(' ');
    const [month, day, year] = date!.split('/').map(Number) as [number, number, number];
    const [hour, minute] = (time ?? '0:0').split(':').map(Number) as [number, number];
    tweets.push({
      id: row[id!]!,
      sentiment: row[sentiment!]!,
      reason: row[reason!]!,
      airline: row[airline!]!,
      text: row[text!]!,
      day,
      at: Date.UTC(year, month - 1, day, hour, minute),
    });
  }
  return tweets;
}
