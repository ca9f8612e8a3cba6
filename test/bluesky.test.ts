// The Bluesky channel end to end, through the official @atproto/api agent against the fake PDS: mentions and replies
// become questions with a durable cursor, answers are threaded with {root, parent} and carry byte-offset facets, a
// customer's reply under the brand's answer goes back to the same expert, and a post is made exactly once whatever
// fails on the way (429, 5xx, an answer lost after the post was stored).
import t, { type Test } from 'tap';
import { startFakeBluesky, type FakeBluesky } from '../dev/fake-bluesky/index.js';
import type { App } from '../server/app.js';
import { loadConfig } from '../server/config.js';
import { recordKeyFor } from '../server/channels/bluesky/record-key.js';
import { createManualClock, type Clock } from '../server/domain/clock.js';
import { ADMIN, as, buildTestApp, createUser, login, seedTags, tempDatabasePath } from './helpers/app.js';
import { connectWs } from './helpers/ws.js';

/** What a promise rejected with (null if it resolved), for t.match on its fields. */
const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

async function startFake(t: Test) {
  const fake = await startFakeBluesky({ brand: { handle: 'acmehelp.bsky.social', displayName: 'Acme' } });
  t.teardown(() => fake.close());
  return fake;
}

async function blueskyApp(
  t: Test,
  fake: FakeBluesky,
  { restart, ...options }: { databasePath?: string; clock?: Clock; restart?: boolean } = {},
) {
  const app = await buildTestApp(t, {
    ...options,
    bluesky: { serviceUrl: fake.url, ...fake.credentials, pollIntervalMs: 60_000 },
  });
  if (!restart) await seedTags(app);
  return app;
}

async function people(app: App) {
  const expert = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');
  const questions = async () =>
    (await as(app, manager).get('/api/questions')).json().items as { id: string; externalId: string; status: string }[];
  /** The expert's reply, approved by the manager when the review policy holds it (a new expert's first ones). */
  const submit = async (questionId: string, text: string) => {
    const submitted = await as(app, expert).post(`/api/questions/${questionId}/replies`, { text });
    if (submitted.statusCode !== 201) throw new Error(`reply refused: ${submitted.body}`);
    const reply = submitted.json().reply as { id: string; status: string };
    if (reply.status === 'in_review') await as(app, manager).post(`/api/replies/${reply.id}/approve`, {});
  };
  const question = async (id: string) => (await as(app, manager).get(`/api/questions/${id}`)).json().question;
  /** The expert answers the question on `externalId` and the outbox runs once. */
  const answer = async (externalId: string, text: string) => {
    const found = (await questions()).find((q) => q.externalId === externalId);
    if (!found) throw new Error(`no question for ${externalId}`);
    if (found.status !== 'assigned')
      await as(app, manager).post(`/api/questions/${found.id}/assign`, { expertId: expert.user.id });
    await submit(found.id, text);
    await app.services.outbox.run();
    return found.id;
  };
  return { expert, manager, questions, question, submit, answer };
}

t.test('mentions become questions once; the cursor survives a restart', async (t) => {
  const fake = await startFake(t);
  const databasePath = tempDatabasePath(t);
  const first = await blueskyApp(t, fake, { databasePath });
  const maria = fake.addMention({
    author: { handle: 'maria.bsky.social', displayName: 'María' },
    text: 'my tv is silent',
  });
  fake.addMention({ author: { handle: 'li.bsky.social' }, text: 'hdmi has no picture', langs: ['en'] });
  const { ingested } = await first.blueskyChannel.poller.pollOnce();
  t.equal(ingested, 2);
  const { questions } = await people(first);
  const stored = await questions();
  t.equal(stored.length, 2);
  const row = await first.services.data.channelCursors.of('bluesky');
  t.equal(row?.brandUserId, fake.brand.did);
  t.ok(row?.sinceId, 'the cursor is stored');
  const detail = stored.find((q) => q.externalId === maria.uri) as unknown as {
    channel: string;
    author: { handle: string };
  };
  t.equal(detail.channel, 'bluesky');
  t.equal(detail.author.handle, 'maria.bsky.social');
  t.equal((await first.blueskyChannel.poller.pollOnce()).ingested, 0, 'a second poll finds nothing new');
  await first.close();

  const third = fake.addMention({ author: { handle: 'sam.bsky.social' }, text: 'soundbar pairing?' });
  const second = await blueskyApp(t, fake, { databasePath, restart: true });
  t.equal((await second.blueskyChannel.poller.pollOnce()).ingested, 1, 'after a restart only the new mention');
  const after = await (await people(second)).questions();
  t.equal(after.length, 3, 'nothing twice');
  t.ok(after.some((q) => q.externalId === third.uri));
  t.same(
    [fake.sessions.created, fake.sessions.refreshed],
    [1, 1],
    'one login, not one per request; the restart resumed the stored session with a refresh',
  );
  await second.close();

  fake.sessions.revokeAll();
  const restarted = await blueskyApp(t, fake, { databasePath, restart: true });
  await restarted.blueskyChannel.poller.pollOnce();
  t.equal(fake.sessions.created, 2, 'a stored session the PDS refuses is replaced by a login');
  const settings = await as(restarted, await login(restarted, ADMIN.email, ADMIN.password)).get('/api/settings');
  t.equal(settings.statusCode, 200);
  t.notMatch(settings.body, /refresh-|access-/, 'the tokens are not in the settings API');
});

interface PostValue {
  text: string;
  facets?: {
    index: { byteStart: number; byteEnd: number };
    features: { $type: string; uri?: string; did?: string }[];
  }[];
  reply?: { root: { uri: string; cid: string }; parent: { uri: string; cid: string } };
}

t.test('answers thread under the post with {root, parent}; a follow-up goes back to the same expert', async (t) => {
  const fake = await startFake(t);
  const app = await blueskyApp(t, fake);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const { expert, manager, question, answer } = await people(app);
  const live = await connectWs(base, { cookie: expert.cookie });
  t.teardown(() => live.close());
  for (let i = 0; i < 50 && app.services.hub.stats().users < 1; i++) await new Promise((r) => setTimeout(r, 20));
  fake.addPost({ author: { handle: 'maria.bsky.social' }, text: 'hi' }); // so the handle resolves

  const first = fake.addMention({ author: { handle: 'casey.bsky.social' }, text: 'my tv has no sound over hdmi' });
  await app.blueskyChannel.poller.pollOnce();
  const text = 'Café tip: update at https://acme.example/fw and ask @maria.bsky.social';
  const questionId = await answer(first.uri, text);
  const [reply] = fake.brandPosts();
  t.ok(reply, 'the answer is posted');
  const value = reply?.value as unknown as PostValue;
  t.same(value.reply, { root: { uri: first.uri, cid: first.cid }, parent: { uri: first.uri, cid: first.cid } });
  const bytes = (s: string) => Buffer.byteLength(s);
  const link = value.facets?.find((f) => f.features[0]?.$type === 'app.bsky.richtext.facet#link');
  const mention = value.facets?.find((f) => f.features[0]?.$type === 'app.bsky.richtext.facet#mention');
  const linkStart = bytes(value.text.slice(0, value.text.indexOf('https://')));
  t.same(link?.index, { byteStart: linkStart, byteEnd: linkStart + bytes('https://acme.example/fw') }, 'UTF-8 bytes');
  t.equal(link?.features[0]?.uri, 'https://acme.example/fw');
  const mentionStart = bytes(value.text.slice(0, value.text.indexOf('@maria')));
  t.same(mention?.index, { byteStart: mentionStart, byteEnd: mentionStart + bytes('@maria.bsky.social') });
  t.match(mention?.features[0]?.did, /^did:plc:/, 'the handle resolved to its DID');
  t.equal(reply?.rkey, recordKeyFor((await question(questionId)).replies?.[0]?.id ?? ''), 'the key is the reply id');
  t.equal((await question(questionId)).status, 'answered');

  const followUp = fake.addPost({
    author: { handle: 'casey.bsky.social' },
    text: 'did that, still no sound. what next?',
    replyTo: reply?.uri,
  });
  await app.blueskyChannel.poller.pollOnce();
  const all = (await as(app, manager).get('/api/questions')).json().items;
  t.equal(all.length, 1, 'the follow-up did not become a new question');
  const reopened = await live.next(
    'question.offered',
    (e) => e.data.question.id === questionId && e.data.offer.wave === 2,
  );
  t.same(Object.keys(reopened.data.offer.reasons), ['previous-expert'], 'offered back to the same expert first');

  t.equal((await as(app, expert).post(`/api/questions/${questionId}/claim`)).statusCode, 200);
  await answer(first.uri, 'Next, set the TV audio output to "Receiver".');
  const second = fake.brandPosts().find((p) => p.uri !== reply?.uri)?.value as unknown as PostValue | undefined;
  t.same(
    second?.reply,
    { root: { uri: first.uri, cid: first.cid }, parent: { uri: followUp.uri, cid: followUp.cid } },
    'the second answer replies to the follow-up, in the same thread',
  );
  t.equal(fake.sessions.created, 1, 'one login for every poll and post');
});

/** One question from a Bluesky mention, assigned, with a reply submitted (the outbox not yet run). */
async function pendingReply(t: Test, fake: FakeBluesky, clock = createManualClock(Date.now())) {
  const app = await blueskyApp(t, fake, { clock });
  const who = await people(app);
  const mention = fake.addMention({ author: { handle: 'casey.bsky.social' }, text: 'my tv has no sound' });
  await app.blueskyChannel.poller.pollOnce();
  const [row] = await who.questions();
  if (!row) throw new Error('the mention was not ingested');
  await as(app, who.manager).post(`/api/questions/${row.id}/assign`, { expertId: who.expert.user.id });
  await who.submit(row.id, 'Unmute it.');
  const status = async () => (await who.question(row.id)).status as string;
  return { app, clock, mention, status, question: () => who.question(row.id) };
}

t.test('a 429 waits for ratelimit-reset, then posts once', async (t) => {
  const fake = await startFake(t);
  const { app, clock, status } = await pendingReply(t, fake);
  fake.injectFault({ nsid: 'com.atproto.repo.putRecord', status: 429, resetInSec: 30 });
  await app.services.outbox.run();
  t.equal(await status(), 'posting');
  t.equal(fake.brandPosts().length, 0);
  clock.advance(10_000);
  await app.services.outbox.run();
  t.equal(fake.brandPosts().length, 0, 'not before the reset');
  clock.advance(60_000);
  await app.services.outbox.run();
  t.equal(await status(), 'answered');
  t.equal(fake.brandPosts().length, 1);
});

t.test('a 5xx is retried after a back-off, and the post is made once', async (t) => {
  const fake = await startFake(t);
  const { app, clock, status } = await pendingReply(t, fake);
  fake.injectFault({ nsid: 'com.atproto.repo.putRecord', status: 502 });
  await app.services.outbox.run();
  t.equal(await status(), 'posting');
  clock.advance(10 * 60_000);
  await app.services.outbox.run();
  t.equal(await status(), 'answered');
  t.equal(fake.brandPosts().length, 1);
});

t.test('an answer lost after the post was stored: found by its record key, exactly one post', async (t) => {
  const fake = await startFake(t);
  const { app, clock, status, question } = await pendingReply(t, fake);
  fake.injectFault({ nsid: 'com.atproto.repo.putRecord', drop: 'after' });
  await app.services.outbox.run();
  t.equal(await status(), 'posting', 'the outbox did not hear back');
  t.equal(fake.brandPosts().length, 1, 'but the post exists');
  clock.advance(10 * 60_000);
  await app.services.outbox.run();
  t.equal(await status(), 'answered');
  t.equal(fake.brandPosts().length, 1, 'still one post');
  t.equal((await question()).replies[0]?.externalId, fake.brandPosts()[0]?.uri, 'the reply points at it');
});

t.test('posting the same reply again (a crash before the outbox recorded it) writes the one record', async (t) => {
  const fake = await startFake(t);
  const { app, mention } = await pendingReply(t, fake);
  const adapter = app.services.channelAdapters.get('bluesky');
  if (!adapter) throw new Error('no bluesky adapter');
  const item = { key: 'mfz3k2q1a0000abcdef0123', text: 'Unmute it!', inReplyTo: mention.uri, notBefore: Date.now() };
  const once = await adapter.post(item);
  const again = await adapter.post(item);
  t.equal(again.externalId, once.externalId);
  t.equal(await adapter.findExisting(item), once.externalId);
  t.equal(await adapter.findExisting({ ...item, key: 'mfz3k2q1a0001abcdef0123' }), once.externalId, 'or by content');
  t.equal(await adapter.findExisting({ ...item, key: 'other', text: 'Something else' }), null);
  t.match(await rejection(adapter.post({ ...item, text: 'Edited after the first attempt' })), { kind: 'duplicate' });
  t.equal(fake.brandPosts().filter((p) => p.value.text === 'Unmute it!').length, 1, 'one post of it');
});

t.test('a reply must fit 300 graphemes: 301 is refused, 300 fits', async (t) => {
  const fake = await startFake(t);
  const app = await blueskyApp(t, fake);
  const { expert, manager, questions, submit } = await people(app);
  fake.addMention({ author: { handle: 'casey.bsky.social' }, text: 'my tv has no sound' });
  await app.blueskyChannel.poller.pollOnce();
  const [row] = await questions();
  await as(app, manager).post(`/api/questions/${row?.id}/assign`, { expertId: expert.user.id });
  const thumbs = (n: number) => '👍🏽'.repeat(n); // one grapheme, four UTF-16 units each
  const refused = await as(app, expert).post(`/api/questions/${row?.id}/replies`, { text: thumbs(297) });
  t.equal(refused.statusCode, 422, '297 + " ^JD" is 301');
  t.equal(refused.json().error.code, 'too_long');
  await submit(row?.id ?? '', thumbs(296));
  await app.services.outbox.run();
  t.equal(fake.brandPosts().length, 1, 'and Bluesky takes it');
});

t.test('the status board shows a rate-limited poll, and an expired session is refreshed', async (t) => {
  const fake = await startFake(t);
  const app = await blueskyApp(t, fake);
  const channel = async () =>
    (await app.inject({ method: 'GET', url: '/health' }))
      .json()
      .channels.find((c: { name: string }) => c.name === 'bluesky');
  await app.blueskyChannel.poller.cycle();
  t.match(await channel(), { state: 'ok', lastError: null });
  fake.injectFault({ nsid: 'app.bsky.notification.listNotifications', status: 429, resetInSec: 120 });
  const delay = await app.blueskyChannel.poller.cycle();
  t.ok(delay > 100_000, 'the next poll waits for the reset');
  const limited = await channel();
  t.equal(limited.state, 'waiting');
  t.match(limited.lastError, /429/);
  t.ok(Date.parse(limited.waitUntil) > Date.now() + 100_000);
  fake.injectFault({ status: 500 });
  await app.blueskyChannel.poller.cycle();
  t.equal((await channel()).state, 'error');
  fake.sessions.expireAccessTokens();
  await app.blueskyChannel.poller.cycle();
  t.equal((await channel()).state, 'ok');
  t.same([fake.sessions.created, fake.sessions.refreshed], [1, 1], 'refreshed, not logged in again');
  fake.sessions.revokeAll();
  await app.blueskyChannel.poller.cycle();
  await app.blueskyChannel.poller.cycle();
  t.equal((await channel()).state, 'ok', 'a revoked session logs in again');
  t.equal(fake.sessions.created, 2);
});

t.test('config: the identifier and app password together or not at all; bsky.social by default', async (t) => {
  const base = { DATABASE_PATH: ':memory:' };
  t.equal(loadConfig(base).app.bluesky, undefined);
  t.throws(() => loadConfig({ ...base, BLUESKY_IDENTIFIER: 'acme.bsky.social' }), /must be set together/);
  const config = loadConfig({
    ...base,
    BLUESKY_IDENTIFIER: 'acme.bsky.social',
    BLUESKY_APP_PASSWORD: 'abcd-efgh-ijkl-mnop',
  });
  t.same(config.app.bluesky, {
    serviceUrl: 'https://bsky.social',
    identifier: 'acme.bsky.social',
    password: 'abcd-efgh-ijkl-mnop',
    pollIntervalMs: 60_000,
  });
});

t.test("a reply's record key is a TID of its creation time, the same on every attempt", async (t) => {
  const tid = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/;
  const early = '0mxcft21w000005e12d43d6';
  const sameMs = '0mxcft21w000105e12d43d6';
  const later = '0mxcft29w000005e12d43d6';
  for (const key of [early, sameMs, later, 'not-a-reply-id', 'zzzzzzzzz0000abc']) t.match(recordKeyFor(key), tid, key);
  t.equal(recordKeyFor(early), recordKeyFor(early), 'deterministic');
  t.not(recordKeyFor(early), recordKeyFor(sameMs), 'two replies in one millisecond get two keys');
  t.ok(recordKeyFor(early) < recordKeyFor(later), 'later replies sort after earlier ones');
});
