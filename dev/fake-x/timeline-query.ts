import { invalidRequest, type Problem } from './problems.js';

const TWEET_FIELDS = new Set([
  'article',
  'attachments',
  'author_id',
  'card_uri',
  'community_id',
  'context_annotations',
  'conversation_id',
  'created_at',
  'display_text_range',
  'edit_controls',
  'edit_history_tweet_ids',
  'entities',
  'geo',
  'id',
  'in_reply_to_user_id',
  'lang',
  'media_metadata',
  'non_public_metrics',
  'note_tweet',
  'organic_metrics',
  'possibly_sensitive',
  'promoted_metrics',
  'public_metrics',
  'referenced_tweets',
  'reply_settings',
  'scopes',
  'source',
  'text',
  'withheld',
]);
const USER_FIELDS = new Set([
  'affiliation',
  'connection_status',
  'created_at',
  'description',
  'entities',
  'id',
  'location',
  'most_recent_tweet_id',
  'name',
  'pinned_tweet_id',
  'profile_banner_url',
  'profile_image_url',
  'protected',
  'public_metrics',
  'receives_your_dm',
  'subscription_type',
  'url',
  'username',
  'verified',
  'verified_type',
  'withheld',
]);
const EXPANSIONS = new Set([
  'article.cover_media',
  'article.media_entities',
  'attachments.media_keys',
  'attachments.media_source_tweet',
  'attachments.poll_ids',
  'author_id',
  'edit_history_tweet_ids',
  'entities.mentions.username',
  'geo.place_id',
  'in_reply_to_user_id',
  'entities.note.mentions.username',
  'referenced_tweets.id',
  'referenced_tweets.id.attachments.media_keys',
  'referenced_tweets.id.author_id',
]);

export interface FieldSelection {
  tweet: Set<string>;
  user: Set<string>;
  expansions: Set<string>;
}

export interface TimelineQuery {
  sinceId?: bigint;
  untilId?: bigint;
  before?: bigint;
  startTime?: number;
  endTime?: number;
  maxResults: number;
  fields: FieldSelection;
}

export interface TimelineLimits {
  minResults: number;
  tokenParams: readonly string[];
}

type Query = Record<string, string | undefined>;

export function parseTimelineQuery(query: Query, limits: TimelineLimits): TimelineQuery | Problem {
  const maxResults = parseMaxResults(query.max_results, limits.minResults);
  if (typeof maxResults !== 'number') return maxResults;
  const parsed: TimelineQuery = { maxResults, fields: { tweet: new Set(), user: new Set(), expansions: new Set() } };

  for (const name of ['since_id', 'until_id'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    if (!/^\d{1,19}$/.test(value))
      return invalidRequest(name, value, `The \`${name}\` query parameter value [${value}] is not valid`);
    parsed[name === 'since_id' ? 'sinceId' : 'untilId'] = BigInt(value);
  }
  for (const name of ['start_time', 'end_time'] as const) {
    const value = query[name];
    if (value === undefined) continue;
    const time = Date.parse(value);
    if (Number.isNaN(time))
      return invalidRequest(name, value, `Invalid '${name}':'${value}'. '${name}' must be a valid RFC3339 date.`);
    parsed[name === 'start_time' ? 'startTime' : 'endTime'] = time;
  }
  for (const name of limits.tokenParams) {
    const value = query[name];
    if (value === undefined) continue;
    const before = decodePageToken(value);
    if (before === undefined)
      return invalidRequest(name, value, `The \`${name}\` query parameter value [${value}] is not valid`);
    parsed.before = before;
  }

  const lists = [
    ['tweet.fields', TWEET_FIELDS, parsed.fields.tweet],
    ['user.fields', USER_FIELDS, parsed.fields.user],
    ['expansions', EXPANSIONS, parsed.fields.expansions],
  ] as const;
  for (const [name, allowed, target] of lists) {
    for (const value of query[name]?.split(',') ?? []) {
      if (!allowed.has(value))
        return invalidRequest(
          name,
          value,
          `The \`${name}\` query parameter value [${value}] is not one of [${[...allowed].join(',')}]`,
        );
      target.add(value);
    }
  }
  return parsed;
}

function parseMaxResults(value: string | undefined, min: number): number | Problem {
  if (value === undefined) return 10;
  const n = Number(value);
  if (Number.isInteger(n) && n >= min && n <= 100) return n;
  return invalidRequest(
    'max_results',
    value,
    `The \`max_results\` query parameter value [${value}] is not between ${min} and 100`,
  );
}

export function encodePageToken(before: string): string {
  return Buffer.from(`p${before}`).toString('base64url');
}

function decodePageToken(token: string): bigint | undefined {
  const decoded = Buffer.from(token, 'base64url').toString();
  return /^p\d{1,19}$/.test(decoded) ? BigInt(decoded.slice(1)) : undefined;
}

export function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && 'body' in value && 'status' in value;
}
