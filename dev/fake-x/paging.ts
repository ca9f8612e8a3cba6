import type { FakeTweet } from './types.js';
import type { TimelineQuery } from './timeline-query.js';

export interface Page {
  tweets: FakeTweet[];
  /** Exclusive upper bound of the next page, when one exists. */
  nextBefore?: string;
}

/** `list` is ordered oldest first (ids only grow); pages come back newest first. */
export function pageOf(
  list: readonly FakeTweet[],
  query: TimelineQuery,
  matches?: (tweet: FakeTweet) => boolean,
): Page {
  const upper = minBigInt(query.untilId, query.before);
  const tweets: FakeTweet[] = [];
  for (let i = upper === undefined ? list.length - 1 : firstIndexAtOrAbove(list, upper) - 1; i >= 0; i--) {
    const tweet = list[i]!;
    if (query.sinceId !== undefined && BigInt(tweet.id) <= query.sinceId) break;
    if (!withinTime(tweet, query) || (matches && !matches(tweet))) continue;
    if (tweets.length === query.maxResults) return { tweets, nextBefore: tweets[tweets.length - 1]!.id };
    tweets.push(tweet);
  }
  return { tweets };
}

function withinTime(tweet: FakeTweet, query: TimelineQuery): boolean {
  const time = tweet.createdAt.getTime();
  return (
    (query.startTime === undefined || time >= query.startTime) && (query.endTime === undefined || time < query.endTime)
  );
}

function firstIndexAtOrAbove(list: readonly FakeTweet[], id: bigint): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (BigInt(list[mid]!.id) < id) low = mid + 1;
    else high = mid;
  }
  return low;
}

function minBigInt(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a < b ? a : b;
}
