import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ApiRequestError, ApiResponseError, TwitterApi } from 'twitter-api-v2';
import {
  DAILY_USER_TWEETS,
  seededRandom,
  startFakeX,
  X_RATE_LIMITS_2026,
  type FakeX,
  type FakeXOptions,
} from '../dev/fake-x/index.js';
import { createXClient, xClientSettings } from '../server/channels/x/client.js';

async function setup(t: { teardown(fn: () => unknown): void }, options: FakeXOptions = {}) {
  const fakeX = await startFakeX(options);
  t.teardown(() => fakeX.close());
  return { fakeX, client: createXClient(fakeX.credentials, fakeX.url, { timeoutMs: 2_000 }) };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

async function responseError(promise: Promise<unknown>): Promise<ApiResponseError> {
  const error = await failure(promise);
  if (!(error instanceof ApiResponseError)) throw error;
  return error;
}

function seedMentions(fakeX: FakeX, count: number, username = 'carol') {
  return Array.from({ length: count }, (_, i) => fakeX.addMention({ text: `question ${i}`, author: { username } }));
}

t.test('GET /2/users/me returns the brand account', async (t) => {
  const { fakeX, client } = await setup(t, { brand: { id: '42', username: 'AcmeHelp', name: 'Acme' } });
  const me = await client.v2.me();
  t.same(me.data, { id: '42', name: 'Acme', username: 'AcmeHelp' });
  t.equal(fakeX.brand.id, '42');
});

t.test('requests without Authorization get the 401 problem X sends', async (t) => {
  const { fakeX } = await setup(t);
  const response = await fetch(`${fakeX.url}/2/users/me`);
  t.equal(response.status, 401);
  t.match(response.headers.get('content-type'), /^application\/problem\+json/);
  t.same(await response.json(), { title: 'Unauthorized', detail: 'Unauthorized', type: 'about:blank', status: 401 });
});

t.test('mentions', async (t) => {
  t.test('pages newest first with since_id kept fixed, through the library paginator', async (t) => {
    const { fakeX, client } = await setup(t);
    const [seen, ...fresh] = seedMentions(fakeX, 13);
    fakeX.addTweet({ text: 'not about the brand', author: { username: 'dave' } });

    const paginator = await client.v2.userMentionTimeline(fakeX.brand.id, { since_id: seen!.id, max_results: 5 });
    t.same(
      paginator.tweets.map((tweet) => tweet.id),
      fresh
        .slice(-5)
        .reverse()
        .map((tweet) => tweet.id),
    );
    t.equal(paginator.meta.newest_id, fresh.at(-1)!.id);
    t.ok(paginator.meta.next_token, 'a next_token while more remain');

    const second = await paginator.next();
    t.same(
      second.tweets.map((tweet) => tweet.id),
      fresh
        .slice(-10, -5)
        .reverse()
        .map((tweet) => tweet.id),
    );
    t.equal(paginator.tweets.length, 5, 'next() returns a new paginator; this one is unchanged');
    await paginator.fetchNext();
    await paginator.fetchNext();
    t.equal(paginator.tweets.length, 12, 'fetchNext() accumulates: every mention newer than since_id');
    t.equal(new Set(paginator.tweets.map((tweet) => tweet.id)).size, 12);
    t.ok(paginator.done);
    t.notOk(paginator.meta.next_token);
    t.match(fakeX.requests.at(-1), { method: 'GET', path: `/2/users/${fakeX.brand.id}/mentions`, status: 200 });
  });

  t.test('returns only the default fields unless more are requested', async (t) => {
    const { fakeX, client } = await setup(t);
    seedMentions(fakeX, 1);
    const page = await client.v2.userMentionTimeline(fakeX.brand.id);
    t.same(Object.keys(page.tweets[0]!).sort(), ['edit_history_tweet_ids', 'id', 'text']);
    t.equal(page.tweets[0]!.text, '@AcmeHelp question 0', 'a mention without @brand gets it prefixed');
  });

  t.test('expands authors and threads follow-ups into the conversation', async (t) => {
    const clock = () => Date.parse('2026-03-01T10:00:00.123Z');
    const { fakeX, client } = await setup(t, { clock });
    const question = fakeX.addMention({
      text: '@acmehelp where is my order?',
      author: { username: 'bob', name: 'Bob B', id: '77' },
    });
    const brandReply = await client.v2.reply('Checking now', question.id);
    const followUp = fakeX.addMention({
      text: 'still waiting',
      author: { username: 'bob' },
      inReplyToTweetId: brandReply.data.id,
      lang: 'fr',
    });

    const page = await client.v2.userMentionTimeline(fakeX.brand.id, {
      expansions: ['author_id'],
      'tweet.fields': ['created_at', 'conversation_id', 'in_reply_to_user_id', 'referenced_tweets', 'lang'],
      'user.fields': ['created_at'],
    });
    t.same(
      page.tweets.map((tweet) => tweet.id),
      [followUp.id, question.id],
      'the brand reply is not a mention',
    );
    t.same(page.tweets[0], {
      id: followUp.id,
      text: '@AcmeHelp still waiting',
      edit_history_tweet_ids: [followUp.id],
      author_id: '77',
      created_at: '2026-03-01T10:00:00.123Z',
      conversation_id: question.id,
      in_reply_to_user_id: fakeX.brand.id,
      referenced_tweets: [{ type: 'replied_to', id: brandReply.data.id }],
      lang: 'fr',
    });
    t.notOk('referenced_tweets' in page.tweets[1]!, 'a root post has no referenced_tweets');
    t.same(page.includes.author(page.tweets[1]!), {
      id: '77',
      name: 'Bob B',
      username: 'bob',
      created_at: '2026-03-01T10:00:00.123Z',
    });
    t.equal(page.includes.users.length, 1, 'each author is included once');
  });

  t.test('an empty result is exactly {"meta":{"result_count":0}}', async (t) => {
    const { fakeX, client } = await setup(t);
    const [latest] = seedMentions(fakeX, 1);
    const raw = await client.v2.get(`users/${fakeX.brand.id}/mentions`, { since_id: latest!.id });
    t.same(raw, { meta: { result_count: 0 } });
    const paginator = await client.v2.userMentionTimeline(fakeX.brand.id, { since_id: latest!.id });
    t.same(paginator.tweets, []);
    t.ok(paginator.done);
    t.equal(paginator.meta.newest_id, undefined);
  });

  t.test('until_id bounds the page from above', async (t) => {
    const { fakeX, client } = await setup(t);
    const posts = seedMentions(fakeX, 6);
    const page = await client.v2.userMentionTimeline(fakeX.brand.id, {
      until_id: posts[3]!.id,
      since_id: posts[0]!.id,
    });
    t.same(
      page.tweets.map((tweet) => tweet.id),
      [posts[2]!.id, posts[1]!.id],
    );
  });

  t.test('rejects invalid parameters like X does', async (t) => {
    const { fakeX, client } = await setup(t);
    const tooSmall = await responseError(client.v2.userMentionTimeline(fakeX.brand.id, { max_results: 4 }));
    t.equal(tooSmall.code, 400);
    t.match(tooSmall.data, { title: 'Invalid Request', errors: [{ parameters: { max_results: ['4'] } }] });
    const badToken = await responseError(client.v2.userMentionTimeline(fakeX.brand.id, { pagination_token: 'nope' }));
    t.equal(badToken.code, 400);
    const badField = await responseError(
      client.v2.get(`users/${fakeX.brand.id}/mentions`, { 'tweet.fields': 'colour' }),
    );
    t.equal(badField.code, 400);
  });
});

t.test('the brand timeline shows posted replies, threaded (how the outbox recovers after a crash)', async (t) => {
  const { fakeX, client } = await setup(t);
  const question = fakeX.addMention({ text: 'how do I reset my password?', author: { username: 'erin' } });
  const posted = await client.v2.reply('Use the link on the login page ^Ann', question.id);
  await client.v2.tweet('A standalone announcement');

  const timeline = await client.v2.userTimeline(fakeX.brand.id, {
    'tweet.fields': ['referenced_tweets', 'in_reply_to_user_id', 'conversation_id'],
    max_results: 5,
  });
  t.equal(timeline.tweets.length, 2);
  t.same(timeline.tweets[1], {
    id: posted.data.id,
    text: 'Use the link on the login page ^Ann',
    edit_history_tweet_ids: [posted.data.id],
    conversation_id: question.id,
    in_reply_to_user_id: question.authorId,
    referenced_tweets: [{ type: 'replied_to', id: question.id }],
  });
  t.same(
    fakeX.brandReplies().map((tweet) => tweet.id),
    [posted.data.id],
    'a standalone post is not a reply',
  );

  const customerTimeline = await client.v2.userTimeline(question.authorId);
  t.same(
    customerTimeline.tweets.map((tweet) => tweet.id),
    [question.id],
  );
  const unknown = await client.v2.get('users/999/tweets');
  t.match(unknown, { errors: [{ title: 'Not Found Error', resource_id: '999' }] });
});

t.test('recent search', async (t) => {
  t.test('matches words, @mentions, from:, OR and negations', async (t) => {
    const { fakeX, client } = await setup(t);
    const refund = fakeX.addTweet({ text: 'Where is my Refund? acme please', author: { username: 'fay' } });
    const mention = fakeX.addMention({ text: 'refund still missing', author: { username: 'gus' } });
    fakeX.addTweet({ text: 'refunds are slow at other shops', author: { username: 'hal' } });
    const other = fakeX.addTweet({ text: 'acme delivery was late', author: { username: 'hal' } });

    const search = async (query: string) => (await client.v2.search(query)).tweets.map((tweet) => tweet.id);
    t.same(await search('refund acme -is:retweet'), [refund.id]);
    t.same(await search('refund'), [mention.id, refund.id], 'whole words, case-insensitive, newest first');
    t.same(await search('@AcmeHelp'), [mention.id]);
    t.same(await search('from:hal acme'), [other.id]);
    t.same(await search('refund -from:gus'), [refund.id]);
    t.same(await search('"delivery was" OR missing'), [other.id, mention.id]);
  });

  t.test('knows to:, is:reply, lang: and conversation_id:, and rejects unknown operators', async (t) => {
    const { fakeX, client } = await setup(t);
    const question = fakeX.addMention({ text: 'my parcel?', author: { username: 'kim' } });
    const answer = await client.v2.reply('On its way', question.id);
    const followUp = fakeX.addMention({
      text: 'merci',
      author: { username: 'kim' },
      inReplyToTweetId: answer.data.id,
      lang: 'fr',
    });

    const search = async (query: string) => (await client.v2.search(query)).tweets.map((tweet) => tweet.id);
    t.same(await search('to:AcmeHelp'), [followUp.id]);
    t.same(await search('@AcmeHelp is:reply'), [followUp.id]);
    t.same(await search('@AcmeHelp lang:fr'), [followUp.id]);
    t.same(await search(`conversation_id:${question.id}`), [followUp.id, answer.data.id, question.id]);
    t.equal((await responseError(client.v2.search('place:paris'))).code, 400);
  });

  t.test('expands the replied-to post and user', async (t) => {
    const { fakeX, client } = await setup(t);
    const question = fakeX.addMention({ text: 'hello?', author: { username: 'lee' } });
    const answer = await client.v2.reply('Hi Lee', question.id);
    const timeline = await client.v2.userTimeline(fakeX.brand.id, {
      expansions: ['referenced_tweets.id', 'in_reply_to_user_id', 'referenced_tweets.id.author_id'],
      'tweet.fields': ['author_id'],
    });
    t.same(timeline.includes.tweets, [
      {
        id: question.id,
        text: '@AcmeHelp hello?',
        edit_history_tweet_ids: [question.id],
        author_id: question.authorId,
      },
    ]);
    t.same(timeline.includes.users, [{ id: question.authorId, name: 'lee', username: 'lee' }]);
    t.equal(timeline.tweets[0]!.id, answer.data.id);
  });

  t.test('pages with next_token', async (t) => {
    const { fakeX, client } = await setup(t);
    const posts = seedMentions(fakeX, 15);
    const paginator = await client.v2.search('question', { max_results: 10 });
    t.equal(paginator.tweets.length, 10);
    await paginator.fetchNext();
    t.same(
      paginator.tweets.map((tweet) => tweet.id),
      posts.map((tweet) => tweet.id).reverse(),
    );
    t.ok(paginator.done);
  });

  t.test('requires a query and validates it', async (t) => {
    const { client } = await setup(t);
    const missing = await responseError(client.v2.get('tweets/search/recent'));
    t.equal(missing.code, 400);
    t.match(missing.data, { errors: [{ parameters: { query: [''] } }] });
    t.equal((await responseError(client.v2.search('-refund'))).code, 400, 'at least one positive term');
    t.equal(
      (await responseError(client.v2.search('refund', { max_results: 5 }))).code,
      400,
      'search needs max_results >= 10',
    );
  });
});

t.test('posting replies', async (t) => {
  t.test('a reply appears under the question, on the public page, HTML-escaped', async (t) => {
    const { fakeX, client } = await setup(t);
    const question = fakeX.addMention({
      text: 'is <script>alert(1)</script> safe?',
      author: { username: 'ivy', name: 'Ivy & Co' },
    });
    const result = await client.v2.reply('Yes, it is <b>text</b> ^Bo', question.id);
    t.match(result.data, { text: 'Yes, it is <b>text</b> ^Bo', edit_history_tweet_ids: [result.data.id] });
    t.ok(BigInt(result.data.id) > BigInt(question.id), 'ids grow');

    const [stored] = fakeX.brandReplies(question.id);
    t.match(stored, {
      id: result.data.id,
      authorId: fakeX.brand.id,
      conversationId: question.id,
      inReplyToUserId: question.authorId,
    });

    const page = await (await fetch(`${fakeX.url}/`)).text();
    t.notMatch(page, '<script>');
    t.match(page, '&#60;script&#62;alert(1)&#60;/script&#62;');
    t.match(page, 'Ivy &#38; Co');
    t.match(page, 'Yes, it is &#60;b&#62;text&#60;/b&#62; ^Bo');

    const { threads } = await (await fetch(`${fakeX.url}/threads.json`)).json();
    t.match(threads, [{ id: question.id, author: { username: 'ivy' }, replies: [{ id: result.data.id }] }]);
  });

  t.test('identical text from the brand is a 403 duplicate', async (t) => {
    const { fakeX, client } = await setup(t);
    const [first, second] = seedMentions(fakeX, 2);
    await client.v2.reply('Thanks for reaching out', first!.id);
    const error = await responseError(client.v2.reply('Thanks for reaching out', second!.id));
    t.equal(error.code, 403);
    t.same(error.data, {
      title: 'Forbidden',
      detail: 'You are not allowed to create a Tweet with duplicate content.',
      type: 'about:blank',
      status: 403,
    });
    t.equal(fakeX.brandReplies().length, 1);
  });

  t.test('text must be 1..280 weighted characters as twitter-text counts them', async (t) => {
    const { fakeX, client } = await setup(t);
    const [question] = seedMentions(fakeX, 1);
    await client.v2.reply('a'.repeat(280), question!.id);
    await client.v2.reply('漢'.repeat(140), question!.id);
    t.equal((await responseError(client.v2.reply('b'.repeat(281), question!.id))).code, 400);
    t.equal((await responseError(client.v2.reply('漢'.repeat(141), question!.id))).code, 400, 'CJK weighs 2');
    t.equal((await responseError(client.v2.tweet(''))).code, 400);
    t.equal(fakeX.brandReplies(question!.id).length, 2);
  });

  t.test('the reply target must exist and, since 2026, mention the brand', async (t) => {
    const { fakeX, client } = await setup(t);
    const missing = await responseError(client.v2.reply('hello', '1799999999999999999'));
    t.equal(missing.code, 400);
    const unrelated = fakeX.addTweet({ text: 'acme is slow', author: { username: 'jon' } });
    const notSummoned = await responseError(client.v2.reply('hello', unrelated.id));
    t.equal(notSummoned.code, 403);
    t.match(notSummoned.data.detail, /not been mentioned/);
    t.equal(fakeX.brandReplies().length, 0);
  });

  t.test('an app-only Bearer token cannot post', async (t) => {
    const { fakeX } = await setup(t);
    const appOnly = new TwitterApi('app-bearer-token', xClientSettings(fakeX.url));
    t.same((await appOnly.v2.search('anything')).tweets, [], 'but it can read');
    const error = await responseError(appOnly.v2.tweet('hello'));
    t.equal(error.code, 403);
    t.equal(error.data.title, 'Unsupported Authentication');
  });
});

t.test('rate limits', async (t) => {
  t.test('every response carries the 15-minute headers, POST also the 24-hour ones', async (t) => {
    const now = Date.parse('2026-05-01T00:00:00Z');
    const { fakeX, client } = await setup(t, { clock: () => now, rateLimits: X_RATE_LIMITS_2026 });
    const page = await client.v2.userMentionTimeline(fakeX.brand.id);
    t.same(page.rateLimit, { limit: 300, remaining: 299, reset: now / 1000 + 900 });
    const [question] = seedMentions(fakeX, 1);
    const posted = await client.v2.post(
      'tweets',
      { text: 'hi', reply: { in_reply_to_tweet_id: question!.id } },
      { fullResponse: true },
    );
    t.same(posted.rateLimit, {
      limit: 100,
      remaining: 99,
      reset: now / 1000 + 900,
      day: { limit: 10_000, remaining: 9_999, reset: now / 1000 + 86_400 },
      userDay: { limit: 10_000, remaining: 9_999, reset: now / 1000 + 86_400 },
    });
  });

  t.test('limits default to numbers a benchmark will not hit', async (t) => {
    const { client } = await setup(t);
    const me = await client.v2.get('users/me', undefined, { fullResponse: true });
    t.equal(me.rateLimit?.limit, 1_000_000);
  });

  t.test('an exhausted bucket answers 429 with a readable reset, until the window rolls', async (t) => {
    let now = Date.parse('2026-05-01T00:00:00Z');
    const { fakeX, client } = await setup(t, { clock: () => now });
    fakeX.setRateLimit('GET /2/users/:id/mentions', 2, 60);
    await client.v2.userMentionTimeline(fakeX.brand.id);
    await client.v2.userMentionTimeline(fakeX.brand.id);
    const error = await responseError(client.v2.userMentionTimeline(fakeX.brand.id));
    t.equal(error.code, 429);
    t.ok(error.rateLimitError);
    t.same(error.rateLimit, { limit: 2, remaining: 0, reset: now / 1000 + 60 });
    t.same(error.data, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 });
    t.ok(await client.v2.me(), 'other routes have their own bucket');

    now += 60_000;
    const page = await client.v2.userMentionTimeline(fakeX.brand.id);
    t.equal(page.rateLimit.remaining, 1);
  });

  t.test('the 24-hour post budget is enforced too', async (t) => {
    const { fakeX, client } = await setup(t, { rateLimits: { [DAILY_USER_TWEETS]: 1 } });
    await client.v2.tweet('first');
    const error = await responseError(client.v2.tweet('second'));
    t.equal(error.code, 429);
    t.match(error.rateLimit, { userDay: { limit: 1, remaining: 0 } });
    t.equal(fakeX.tweets().length, 1);
  });

  t.test('an injected 429 sets remaining 0 and the reset resetInSec ahead', async (t) => {
    const now = Date.parse('2026-05-01T00:00:00Z');
    const { fakeX, client } = await setup(t, { clock: () => now });
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', status: 429, resetInSec: 120, times: 1 });
    const error = await responseError(client.v2.tweet('hello'));
    t.equal(error.code, 429);
    t.match(error.rateLimit, { remaining: 0, reset: now / 1000 + 120 });
    t.ok(error.rateLimit?.day, '24-hour headers too');
    t.ok(await client.v2.tweet('hello'), 'times: 1 means the next call goes through');
  });
});

t.test('fault injection', async (t) => {
  t.test('5xx faults apply `times` times, matched by route pattern', async (t) => {
    const { fakeX, client } = await setup(t);
    fakeX.injectFault({ path: '/2/users/:id/mentions', status: 503, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await responseError(client.v2.userMentionTimeline(fakeX.brand.id));
      t.equal(error.code, 503);
      t.equal(error.data.title, 'Service Unavailable');
    }
    t.ok(await client.v2.userMentionTimeline(fakeX.brand.id));
    t.same(
      fakeX.requests.map((request) => request.status),
      [503, 503, 200],
    );
  });

  t.test("drop: 'after' stores the post but the client only sees a network error", async (t) => {
    const { fakeX, client } = await setup(t);
    const [question] = seedMentions(fakeX, 1);
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', drop: 'after', times: 1 });
    const error = await failure(client.v2.reply('Sorry for the wait ^Cy', question!.id));
    t.ok(error instanceof ApiRequestError, 'a request error, not a response error');
    t.same(
      fakeX.brandReplies(question!.id).map((tweet) => tweet.text),
      ['Sorry for the wait ^Cy'],
    );
    const timeline = await client.v2.userTimeline(fakeX.brand.id, { 'tweet.fields': ['referenced_tweets'] });
    t.match(timeline.tweets, [{ text: 'Sorry for the wait ^Cy', referenced_tweets: [{ id: question!.id }] }]);
  });

  t.test("drop: 'before' loses the request", async (t) => {
    const { fakeX, client } = await setup(t);
    const [question] = seedMentions(fakeX, 1);
    fakeX.injectFault({ method: 'POST', drop: 'before' });
    t.ok((await failure(client.v2.reply('hello', question!.id))) instanceof ApiRequestError);
    t.same(fakeX.brandReplies(), []);
    fakeX.clearFaults();
    await client.v2.reply('hello', question!.id);
    t.equal(fakeX.brandReplies().length, 1);
  });

  t.test('a hung request times out on the client and does not block close()', async (t) => {
    const fakeX = await startFakeX();
    const client = createXClient(fakeX.credentials, fakeX.url, { timeoutMs: 300 });
    fakeX.injectFault({ path: '/2/users/me', hang: true });
    const started = Date.now();
    const error = await failure(client.v2.me());
    t.ok(error instanceof ApiRequestError);
    t.ok(Date.now() - started >= 280, 'waited for the timeout');

    const untimed = createXClient(fakeX.credentials, fakeX.url);
    const pending = failure(untimed.v2.me());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = Date.now();
    await fakeX.close();
    t.ok((await pending) instanceof ApiRequestError);
    t.ok(Date.now() - closing < 1_000, 'close() destroys hung sockets');
  });

  t.test("hang: 'after' stores the post and never answers", async (t) => {
    const fakeX = await startFakeX();
    t.teardown(() => fakeX.close());
    const [question] = seedMentions(fakeX, 1);
    const client = createXClient(fakeX.credentials, fakeX.url, { timeoutMs: 300 });
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', hang: 'after', times: 1 });
    t.ok(
      (await failure(client.v2.reply('Stored, unanswered ^Cy', question!.id))) instanceof ApiRequestError,
      'the client times out',
    );
    t.same(
      fakeX.brandReplies(question!.id).map((tweet) => tweet.text),
      ['Stored, unanswered ^Cy'],
      'yet X has the post',
    );
    t.match(fakeX.requests.at(-1), { method: 'POST', path: '/2/tweets', status: 201 });
  });

  t.test('delayMs adds latency', async (t) => {
    const { fakeX, client } = await setup(t);
    fakeX.injectFault({ path: '/2/users/me', delayMs: 150, times: 1 });
    const started = Date.now();
    await client.v2.me();
    t.ok(Date.now() - started >= 140);
  });

  t.test('probability uses the injected random source', async (t) => {
    const { fakeX, client } = await setup(t, { random: seededRandom(7) });
    fakeX.injectFault({ path: '/2/users/me', status: 500, probability: 0.5 });
    const expected = Array.from({ length: 20 }, seededRandom(7)).map((roll) => (roll < 0.5 ? 500 : 200));
    for (let i = 0; i < 20; i++) await client.v2.me().catch(() => undefined);
    t.same(
      fakeX.requests.map((request) => request.status),
      expected,
    );
    t.ok(expected.includes(500) && expected.includes(200));
  });
});

t.test('kept across restarts in a state file', async (t) => {
  const stateFile = () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-x-state-'));
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    return join(dir, 'nested', 'fake-x.json');
  };

  t.test('posts, accounts and ids survive close and start: old threads answer, new ids go on above', async (t) => {
    const file = stateFile();
    const before = await startFakeX({ stateFile: file });
    const client = createXClient(before.credentials, before.url, { timeoutMs: 2_000 });
    const [older, newer] = seedMentions(before, 2, 'carol');
    await client.v2.reply('Restart the router ^Ann', older!.id);
    await before.close();
    t.ok(existsSync(file), 'written at close');

    const { fakeX: after, client: again } = await setup(t, { stateFile: file });
    t.same(
      after.tweets().map((tweet) => tweet.id),
      before.tweets().map((tweet) => tweet.id),
      'the same posts under the same ids',
    );
    t.same(
      after.brandReplies(older!.id).map((tweet) => tweet.text),
      ['Restart the router ^Ann'],
      'threaded as before',
    );
    const answered = await again.v2.reply('Try another cable ^Ann', newer!.id);
    t.ok(
      BigInt(answered.data.id) > BigInt(before.tweets().at(-1)!.id),
      'a reply to a post from before the restart, with an id above every old one',
    );
    t.equal(
      (await responseError(again.v2.reply('Restart the router ^Ann', newer!.id))).code,
      403,
      'the brand still may not repeat itself',
    );
    const mention = after.addMention({ text: 'me again', author: { username: 'Carol' } });
    t.equal(mention.authorId, older!.authorId, 'a returning customer keeps their account');
    const timeline = await again.v2.userMentionTimeline(after.brand.id, { since_id: newer!.id });
    t.same(
      timeline.tweets.map((tweet) => tweet.id),
      [mention.id],
      'what is newer than an old since_id is listed',
    );
  });

  t.test('saves changes while running, not only at close', async (t) => {
    const file = stateFile();
    const { fakeX } = await setup(t, { stateFile: file, saveIntervalMs: 20 });
    const mention = fakeX.addMention({ text: 'is this saved?', author: { username: 'dora' } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { tweets: { id: string }[] };
    t.same(
      saved.tweets.map((tweet) => tweet.id),
      [mention.id],
    );
    t.notOk(existsSync(`${file}.${process.pid}.tmp`), 'written through a temporary file renamed into place');
  });

  t.test('an unreadable file is set aside and reported; the fake starts empty', async (t) => {
    const file = stateFile();
    const first = await startFakeX({ stateFile: file });
    first.addMention({ text: 'hello', author: { username: 'erin' } });
    await first.close();
    writeFileSync(file, '{"format":1,"tweets":[');
    const problems: string[] = [];
    const { fakeX } = await setup(t, { stateFile: file, warn: (problem) => problems.push(problem) });
    t.same(fakeX.tweets(), []);
    t.match(problems, [/fake X starts empty: .*fake-x\.json: .*moved to .*fake-x\.json\.unreadable/]);
    t.ok(existsSync(`${file}.unreadable`), 'kept for a look');
  });

  t.test(
    'posts put back under their own ids and ids continued above a cursor keep every timeline in order',
    async (t) => {
      const { fakeX, client } = await setup(t);
      const restoredRoot = '1800000000000000500';
      fakeX.continueAbove('1800000000000000900');
      const fresh = fakeX.addMention({ text: 'new after the restart', author: { username: 'gus' } });
      t.equal(fresh.id, '1800000000000000901', 'above the cursor a client already holds');
      t.equal(
        fakeX.restorePost({
          id: restoredRoot,
          text: '@AcmeHelp my order?',
          author: { username: 'ivan', id: '2000000000042' },
          createdAt: new Date('2026-01-01T00:00:00Z'),
        }),
        true,
      );
      t.equal(
        fakeX.restorePost({
          id: '1800000000000000501',
          text: 'It ships today ^Ann',
          inReplyToTweetId: restoredRoot,
          createdAt: new Date('2026-01-01T00:01:00Z'),
        }),
        true,
      );
      t.equal(fakeX.restorePost({ id: restoredRoot, text: 'again', createdAt: new Date() }), false, 'once');
      t.equal(fakeX.restorePost({ id: 'not-an-id', text: 'x', createdAt: new Date() }), false, 'X ids only');

      t.same(
        fakeX.tweets().map((tweet) => tweet.id),
        [restoredRoot, '1800000000000000501', fresh.id],
        'oldest first',
      );
      const mentions = await client.v2.userMentionTimeline(fakeX.brand.id, { max_results: 5 });
      t.same(
        mentions.tweets.map((tweet) => tweet.id),
        [fresh.id, restoredRoot],
        'newest first, as X lists them',
      );
      t.match(fakeX.brandReplies(restoredRoot), [{ conversationId: restoredRoot, inReplyToUserId: '2000000000042' }]);
      const customer = fakeX.addMention({ text: 'someone new', author: { username: 'hal' } });
      t.not(customer.authorId, '2000000000042', 'a new account never takes the id of one put back');
      t.ok(BigInt(customer.id) > BigInt(fresh.id));
    },
  );
});
