// The fake Bluesky speaks XRPC well enough for the official @atproto/api agent, unchanged: it logs in, reads
// notifications and posts, writes records (create-only with swapRecord null), refreshes an expired session, and
// fails as told (429 with ratelimit-* headers, 5xx, dropped connections).
import { AtpAgent, RichText, XRPCError } from '@atproto/api';
import t, { type Test } from 'tap';
import { startFakeBluesky } from '../dev/fake-bluesky/index.js';
import type { AppConfig } from '../server/config.js';

/** What a promise rejected with (null if it resolved), for t.match on its fields. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

async function fixture(t: Test) {
  const fake = await startFakeBluesky();
  t.teardown(() => fake.close());
  const agent = new AtpAgent({ service: fake.url });
  await agent.login(fake.credentials);
  return { fake, agent };
}

t.test('a login gives the brand a session; a wrong password is refused', async (t) => {
  const { fake, agent } = await fixture(t);
  t.equal(agent.session?.did, fake.brand.did);
  t.equal(agent.session?.handle, 'acmehelp.bsky.social');
  const other = new AtpAgent({ service: fake.url });
  t.match(await rejection(other.login({ identifier: fake.brand.handle, password: 'wrong' })), { status: 401 });
});

t.test('a mention becomes a notification, with the record and a byte-offset mention facet', async (t) => {
  const { fake, agent } = await fixture(t);
  const post = fake.addMention({ author: { handle: 'maria.bsky.social', displayName: 'María' }, text: 'ñ my tv?' });
  const { data } = await agent.app.bsky.notification.listNotifications({ reasons: ['mention', 'reply', 'quote'] });
  t.equal(data.notifications.length, 1);
  const [n] = data.notifications;
  t.equal(n?.uri, post.uri);
  t.equal(n?.reason, 'mention');
  t.equal(n?.author.handle, 'maria.bsky.social');
  t.equal(n?.author.displayName, 'María');
  const record = n?.record as { text: string; facets: { index: { byteStart: number; byteEnd: number } }[] };
  t.equal(record.text, '@acmehelp.bsky.social ñ my tv?');
  t.same(record.facets[0]?.index, { byteStart: 0, byteEnd: 21 });
  const likes = await agent.app.bsky.notification.listNotifications({ reasons: ['like'] });
  t.equal(likes.data.notifications.length, 0, 'the reasons filter applies');
});

t.test('notifications page from the newest back with a cursor', async (t) => {
  const { fake, agent } = await fixture(t);
  for (let i = 1; i <= 5; i++) fake.addMention({ author: { handle: `c${i}.bsky.social` }, text: `question ${i}` });
  const first = await agent.app.bsky.notification.listNotifications({ limit: 3 });
  t.same(
    first.data.notifications.map((n) => (n.record as { text: string }).text.split(' ').pop()),
    ['5', '4', '3'],
  );
  t.ok(first.data.cursor);
  const second = await agent.app.bsky.notification.listNotifications({ limit: 3, cursor: first.data.cursor });
  t.equal(second.data.notifications.length, 2);
  t.equal(second.data.cursor, undefined, 'no cursor after the last page');
});

t.test('putRecord with swapRecord null creates once; a different record at the key is InvalidSwap', async (t) => {
  const { fake, agent } = await fixture(t);
  const question = fake.addMention({ author: { handle: 'maria.bsky.social' }, text: 'help' });
  const ref = { uri: question.uri, cid: question.cid };
  const rt = new RichText({ text: 'See https://acme.example/help @maria.bsky.social' });
  await rt.detectFacets(agent);
  const record = {
    $type: 'app.bsky.feed.post',
    text: rt.text,
    facets: rt.facets,
    reply: { root: ref, parent: ref },
    createdAt: new Date().toISOString(),
  };
  const put = () =>
    agent.com.atproto.repo.putRecord({
      repo: fake.brand.did,
      collection: 'app.bsky.feed.post',
      rkey: '3abcdefghijkl',
      record,
      swapRecord: null as unknown as string,
    });
  const created = await put();
  t.equal(created.data.uri, `at://${fake.brand.did}/app.bsky.feed.post/3abcdefghijkl`);
  t.equal((await put()).data.cid, created.data.cid, 'the same record again is a no-op');
  t.equal(fake.brandPosts().length, 1);
  record.text = 'something else';
  record.facets = undefined;
  t.match(await rejection(put()), { error: 'InvalidSwap' });
  const got = await agent.com.atproto.repo.getRecord({
    repo: fake.brand.did,
    collection: 'app.bsky.feed.post',
    rkey: '3abcdefghijkl',
  });
  t.match(got.data.value, { text: 'See https://acme.example/help @maria.bsky.social' });
  t.match(
    await rejection(
      agent.com.atproto.repo.getRecord({
        repo: fake.brand.did,
        collection: 'app.bsky.feed.post',
        rkey: '3zzzzzzzzzzzz',
      }),
    ),
    { error: 'RecordNotFound' },
  );
  const listed = await agent.com.atproto.repo.listRecords({ repo: fake.brand.did, collection: 'app.bsky.feed.post' });
  t.equal(listed.data.records.length, 1);
  const posts = await agent.app.bsky.feed.getPosts({ uris: [question.uri] });
  t.equal(posts.data.posts[0]?.replyCount, 1);
});

t.test('a record the lexicon refuses (301 graphemes) is refused', async (t) => {
  const { fake, agent } = await fixture(t);
  t.match(
    await rejection(
      agent.com.atproto.repo.createRecord({
        repo: fake.brand.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'é'.repeat(301), createdAt: new Date().toISOString() },
      }),
    ),
    { status: 400, error: 'InvalidRecord' },
  );
});

t.test('an expired access token is refreshed by the agent, not logged in again', async (t) => {
  const { fake, agent } = await fixture(t);
  fake.sessions.expireAccessTokens();
  await agent.app.bsky.notification.listNotifications({});
  t.equal(fake.sessions.created, 1);
  t.equal(fake.sessions.refreshed, 1);
});

t.test('createSession is limited to 30 per 5 minutes, with ratelimit-* headers', async (t) => {
  const { fake } = await fixture(t);
  const agent = new AtpAgent({ service: fake.url });
  for (let i = 1; i < 30; i++) await agent.login(fake.credentials);
  const refused = await agent.login(fake.credentials).catch((error: unknown) => error);
  t.ok(refused instanceof XRPCError);
  t.equal((refused as XRPCError).status, 429);
  t.match((refused as XRPCError).headers, { 'ratelimit-remaining': '0', 'ratelimit-policy': '30;w=300' });
});

t.test('injected faults: 429 with a reset, 500, a dropped connection, an answer lost after the write', async (t) => {
  const { fake, agent } = await fixture(t);
  fake.injectFault({ nsid: 'app.bsky.notification.listNotifications', status: 429, resetInSec: 30 });
  const limited = (await agent.app.bsky.notification.listNotifications({}).catch((e: unknown) => e)) as XRPCError;
  t.equal(limited.status, 429);
  t.ok(Number(limited.headers?.['ratelimit-reset']) >= Math.floor(Date.now() / 1000) + 29);
  fake.injectFault({ status: 500 });
  t.match(await rejection(agent.app.bsky.notification.listNotifications({})), { status: 500 });
  fake.injectFault({ drop: 'before' });
  t.match(await rejection(agent.app.bsky.notification.listNotifications({})), { status: 1 });
  fake.injectFault({ nsid: 'com.atproto.repo.createRecord', drop: 'after' });
  t.match(
    await rejection(
      agent.com.atproto.repo.createRecord({
        repo: fake.brand.did,
        collection: 'app.bsky.feed.post',
        record: { $type: 'app.bsky.feed.post', text: 'hi', createdAt: new Date().toISOString() },
      }),
    ),
    { status: 1 },
  );
  t.equal(fake.brandPosts().length, 1, 'the post was stored though the answer was lost');
  t.ok((await agent.app.bsky.notification.listNotifications({})).success, 'faults are used up');
});

t.test('a person can add a mention over HTTP', async (t) => {
  const { fake, agent } = await fixture(t);
  const added = await fetch(`${fake.url}/_fake/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ author: { handle: 'maria.bsky.social' }, text: 'my tv has no sound' }),
  });
  t.equal(added.status, 201);
  const { uri } = (await added.json()) as { uri: string };
  const { data } = await agent.app.bsky.notification.listNotifications({});
  t.equal(data.notifications[0]?.uri, uri);
  const refused = await fetch(`${fake.url}/_fake/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'no author' }),
  });
  t.equal(refused.status, 400);
});

t.test(
  'the demo points the app at a fake Bluesky with a few customer mentions, unless an account is set',
  async (t) => {
    const { startDemoBluesky, addDemoMentions } = await import('../dev/fake-bluesky/demo.js');
    const config = { databasePath: ':memory:', logLevel: 'silent', secureCookies: false } as AppConfig;
    const fake = await startDemoBluesky(config);
    if (!fake) throw new Error('no fake started');
    t.teardown(() => fake.close());
    t.equal(config.bluesky?.serviceUrl, fake.url);
    addDemoMentions(fake);
    const agent = new AtpAgent({ service: fake.url });
    await agent.login({ identifier: config.bluesky?.identifier ?? '', password: config.bluesky?.password ?? '' });
    const { data } = await agent.app.bsky.notification.listNotifications({ reasons: ['mention'] });
    t.equal(data.notifications.length, 3, 'three mentions, lexicon-valid for the agent');
    const configured = { ...config };
    t.equal(await startDemoBluesky(configured), undefined, 'a configured account is left alone');
  },
);
