import type { FakeXState } from './state.js';
import type { FakeTweet, FakeUser } from './types.js';
import { encodePageToken, type FieldSelection } from './timeline-query.js';
import type { Page } from './paging.js';

const ZERO_TWEET_METRICS = {
  retweet_count: 0,
  reply_count: 0,
  like_count: 0,
  quote_count: 0,
  bookmark_count: 0,
  impression_count: 0,
};
const ZERO_USER_METRICS = { followers_count: 0, following_count: 0, tweet_count: 0, listed_count: 0, like_count: 0 };

export function timelineBody(state: FakeXState, page: Page, fields: FieldSelection): Record<string, unknown> {
  if (page.tweets.length === 0) return { meta: { result_count: 0 } };
  const body: Record<string, unknown> = { data: page.tweets.map((tweet) => renderTweet(tweet, fields)) };
  const includes = renderIncludes(state, page.tweets, fields);
  if (includes) body.includes = includes;
  body.meta = {
    newest_id: page.tweets[0]!.id,
    oldest_id: page.tweets[page.tweets.length - 1]!.id,
    result_count: page.tweets.length,
    ...(page.nextBefore && { next_token: encodePageToken(page.nextBefore) }),
  };
  return body;
}

export function renderTweet(tweet: FakeTweet, fields: FieldSelection): Record<string, unknown> {
  const out: Record<string, unknown> = { id: tweet.id, text: tweet.text, edit_history_tweet_ids: [tweet.id] };
  const wants = (field: string) => fields.tweet.has(field);
  if (wants('author_id') || fields.expansions.has('author_id')) out.author_id = tweet.authorId;
  if (wants('created_at')) out.created_at = tweet.createdAt.toISOString();
  if (wants('conversation_id')) out.conversation_id = tweet.conversationId;
  if (wants('in_reply_to_user_id') && tweet.inReplyToUserId) out.in_reply_to_user_id = tweet.inReplyToUserId;
  if (wants('referenced_tweets') && tweet.inReplyToTweetId) {
    out.referenced_tweets = [{ type: 'replied_to', id: tweet.inReplyToTweetId }];
  }
  if (wants('lang')) out.lang = tweet.lang;
  if (wants('possibly_sensitive')) out.possibly_sensitive = false;
  if (wants('reply_settings')) out.reply_settings = 'everyone';
  if (wants('public_metrics')) out.public_metrics = ZERO_TWEET_METRICS;
  return out;
}

export function renderUser(user: FakeUser, userFields: Set<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { id: user.id, name: user.name, username: user.username };
  if (userFields.has('created_at')) out.created_at = user.createdAt.toISOString();
  if (userFields.has('description')) out.description = '';
  if (userFields.has('protected')) out.protected = false;
  if (userFields.has('verified')) out.verified = false;
  if (userFields.has('verified_type')) out.verified_type = 'none';
  if (userFields.has('url')) out.url = '';
  if (userFields.has('profile_image_url')) {
    out.profile_image_url = 'https://abs.twimg.com/sticky/default_profile_images/default_profile_normal.png';
  }
  if (userFields.has('public_metrics')) out.public_metrics = ZERO_USER_METRICS;
  return out;
}

function renderIncludes(state: FakeXState, tweets: FakeTweet[], fields: FieldSelection) {
  const { expansions } = fields;
  const referenced = expansions.has('referenced_tweets.id')
    ? unique(tweets.map((t) => t.inReplyToTweetId && state.tweet(t.inReplyToTweetId)))
    : [];
  const userIds = [
    ...(expansions.has('author_id') ? tweets.map((t) => t.authorId) : []),
    ...(expansions.has('in_reply_to_user_id') ? tweets.map((t) => t.inReplyToUserId) : []),
    ...(expansions.has('referenced_tweets.id.author_id') ? referenced.map((t) => t.authorId) : []),
  ];
  const users = unique(userIds.map((id) => id && state.user(id)));
  if (users.length === 0 && referenced.length === 0) return undefined;
  return {
    ...(users.length > 0 && { users: users.map((user) => renderUser(user, fields.user)) }),
    ...(referenced.length > 0 && { tweets: referenced.map((tweet) => renderTweet(tweet, fields)) }),
  };
}

function unique<T>(items: (T | undefined | '' | null)[]): T[] {
  return [...new Set(items.filter((item): item is T => Boolean(item)))];
}
