import type { FakeXState } from './state.js';
import type { FakeTweet } from './types.js';

type Test = (tweet: FakeTweet) => boolean;

const MAX_QUERY_LENGTH = 512;
const TOKEN = /-?"[^"]*"|\S+/g;

/** Supports what Helpforce sends: words (AND), "phrases", @user, from:, to:, lang:, is:reply/retweet/quote, -negation, OR. */
export function compileSearchQuery(query: string, state: FakeXState): Test | string {
  if (query.length > MAX_QUERY_LENGTH)
    return `Query is too long: ${query.length} characters, the limit is ${MAX_QUERY_LENGTH}`;
  const tokens = (query.replace(/[()]/g, ' ').match(TOKEN) ?? []).filter(Boolean);
  const alternatives: Test[][] = [[]];
  let positives = 0;
  for (const token of tokens) {
    if (token === 'OR') {
      alternatives.push([]);
      continue;
    }
    const negated = token.startsWith('-');
    const test = compileTerm(negated ? token.slice(1) : token, state);
    if (typeof test === 'string') return test;
    if (!negated) positives++;
    alternatives[alternatives.length - 1]!.push(negated ? (tweet) => !test(tweet) : test);
  }
  if (positives === 0)
    return 'There were errors processing your request: the query must contain at least one positive term';
  if (alternatives.some((all) => all.length === 0)) return 'There were errors processing your request: dangling OR';
  return (tweet) => alternatives.some((all) => all.every((test) => test(tweet)));
}

function compileTerm(term: string, state: FakeXState): Test | string {
  if (term.startsWith('"')) return containsText(term.slice(1, -1));
  if (term.startsWith('@')) return containsWord(term);
  const colon = term.indexOf(':');
  if (colon <= 0) return containsWord(term);
  const operator = term.slice(0, colon).toLowerCase();
  const value = term.slice(colon + 1);
  switch (operator) {
    case 'from':
      return (tweet) => sameHandle(state.user(tweet.authorId)?.username, value);
    case 'to':
      return (tweet) =>
        Boolean(tweet.inReplyToUserId && sameHandle(state.user(tweet.inReplyToUserId)?.username, value));
    case 'lang':
      return (tweet) => tweet.lang === value;
    case 'conversation_id':
      return (tweet) => tweet.conversationId === value;
    case 'is':
      if (value === 'reply') return (tweet) => tweet.inReplyToTweetId !== undefined;
      if (value === 'retweet' || value === 'quote') return () => false;
      return `There were errors processing your request: Reference to invalid operator 'is:${value}'`;
    default:
      return `There were errors processing your request: Reference to invalid field '${operator}'`;
  }
}

function sameHandle(username: string | undefined, handle: string): boolean {
  return username !== undefined && username.toLowerCase() === handle.replace(/^@/, '').toLowerCase();
}

function containsText(phrase: string): Test {
  const needle = phrase.toLowerCase();
  return (tweet) => tweet.text.toLowerCase().includes(needle);
}

function containsWord(word: string): Test {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_@#])${escaped}(?![\\p{L}\\p{N}_])`, 'iu');
  return (tweet) => pattern.test(tweet.text);
}
