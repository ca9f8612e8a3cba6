// The Mastodon channel through masto against the fake Mastodon: mentions become questions with a gapless min_id
// cursor, replies are threaded, addressed by full handle, never more visible than the customer's post and posted
// exactly once (Idempotency-Key, reconciliation), follow-ups reopen for the same expert, and faults are survived.
import t, { type Test } from 'tap';
import { buildApp, type App } from '../server/app.js';
import { ADDRESS_ROOM } from '../server/channels/mastodon/adapter.js';
import {
  addressed,
  comparableText,
  replyVisibility,
  statusText,
  statusUrl,
} from '../server/channels/mastodon/status-text.js';
import { toIngest } from '../server/channels/mastodon/poller.js';
import { loadConfig } from '../server/config.js';
import { createManualClock, type Clock } from '../server/domain/clock.js';
import { type FakeMastodon, startFakeMastodon } from '../dev/fake-mastodon/index.js';
import { ADMIN, as, createUser, login, seedTags, tempDatabasePath, testConfig } from './helpers/app.js';

async function mastodonApp(t: Test, fake: FakeMastodon, options: { databasePath?: string; clock?: Clock } = {}) {
  const config = {
    ...testConfig(t, { databasePath: options.databasePath }),
    mastodon: { url: fake.url, accessToken: fake.accessToken, pollIntervalMs: 60_000 },
  };
  const app = await buildApp(config, { logger: false, timers: false, clock: options.clock });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

async function setup(t: Test, options: { maxCharacters?: number; clock?: Clock } = {}) {
  const fake = await startFakeMastodon({ maxCharacters: options.maxCharacters });
  t.teardown(() => fake.close());
  const app = await mastodonApp(t, fake, { clock: options.clock });
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] } });
  const manager = await createUser(app, 'manager');
  return { fake, app, expert, manager };
}

type Setup = Awaited<ReturnType<typeof setup>>;

async function questionFor(app: App, manager: Setup['manager'], externalId: string) {
  const items = (await as(app, manager).get('/api/questions')).json().items as {
    id: string;
    externalId: string;
    channel: string;
  }[];
  const found = items.find((q) => q.externalId === externalId);
  if (!found) throw new Error(`no question for status ${externalId}`);
  return (await as(app, manager).get(`/api/questions/${found.id}`)).json().question;
}

/** The expert answers, the reply is approved and the outbox runs once. */
async function answer({ app, expert, manager }: Setup, questionId: string, text: string) {
  await as(app, manager).post(`/api/questions/${questionId}/assign`, { expertId: expert.user.id });
  const submitted = await as(app, expert).post(`/api/questions/${questionId}/replies`, { text });
  if (submitted.statusCode !== 201) throw new Error(`reply refused: ${submitted.body}`);
  const reply = submitted.json().reply as { id: string; status: string };
  // The review policy may still ask for a manager (a sensitive tag, an upset customer): the manager approves.
  if (reply.status === 'in_review') await as(app, manager).post(`/api/replies/${reply.id}/approve`, {});
  await app.services.outbox.run();
  return reply;
}

t.test('status text, addressing and visibility rules', async (t) => {
  t.equal(
    statusText('<p>Hi &amp; &lt;script&gt;x&lt;/script&gt;</p><p>line<br />two &#128512;</p><script>alert(1)</script>'),
    'Hi & <script>x</script>\n\nline\ntwo 😀alert(1)',
    'tags dropped, entities decoded once, the result is only ever text',
  );
  t.equal(statusText('&amp;lt;b&amp;gt;'), '&lt;b&gt;', 'decoded once, not twice');
  const status = {
    id: '1',
    content: '<p>my bill is wrong</p>',
    spoilerText: 'billing',
    account: { id: '2', acct: 'ana@remote.example', displayName: '' },
    createdAt: '2026-12-06T10:00:00.000Z',
    inReplyToId: null,
    language: 'en',
  } as unknown as Parameters<typeof toIngest>[0];
  t.equal(toIngest(status).text, 'billing\n\nmy bill is wrong', 'a content warning stays in front of its words');
  t.equal(toIngest(status).author.name, undefined, 'no display name: the handle is shown');
  const table: [string, string, string][] = [
    ['Try this', 'ana@remote.example', '@ana@remote.example Try this'],
    ['@ana@remote.example Try this', 'ana@remote.example', '@ana@remote.example Try this'],
    ['@ana try this', 'ana@remote.example', '@ana@remote.example try this'],
    ['@anabel try this', 'ana@remote.example', '@ana@remote.example @anabel try this'],
    ['@ana@other.example hi', 'ana@remote.example', '@ana@remote.example @ana@other.example hi'],
    ['Try this', 'lena', '@lena Try this'],
    ['@Lena, try this', 'lena', '@Lena, try this'],
  ];
  for (const [text, acct, expected] of table) t.equal(addressed(text, acct), expected, `${text} → ${acct}`);
  t.same(
    ['public', 'unlisted', 'private', 'direct', 'limited'].map((v) => replyVisibility(v)),
    ['public', 'unlisted', 'private', 'direct', 'direct'],
    'never wider than the customer; an unknown visibility is treated as the narrowest',
  );
  t.equal(replyVisibility('public', 'unlisted'), 'unlisted');
  t.equal(comparableText('@ana@remote.example  Hi\n there'), comparableText('@ana Hi there'));
  t.equal(
    statusUrl('https://m.example/', 'ana@remote.example', '113000000000000001'),
    'https://m.example/@ana@remote.example/113000000000000001',
    "a status opens on the brand's server, remote ones too",
  );
  t.equal(statusUrl('https://m.example', 'a/../b', '1'), 'https://m.example/@a%2F..%2Fb/1', 'the handle cannot escape');
});

t.test('config: MASTODON_URL and MASTODON_ACCESS_TOKEN together or neither', async (t) => {
  const base = { DATABASE_PATH: ':memory:' };
  t.equal(loadConfig(base).app.mastodon, undefined);
  t.throws(() => loadConfig({ ...base, MASTODON_URL: 'https://mastodon.example' }), /must be set together/);
  const both = loadConfig({ ...base, MASTODON_URL: 'https://m.example', MASTODON_ACCESS_TOKEN: 'tok' }).app.mastodon;
  t.same(both, { url: 'https://m.example', accessToken: 'tok', pollIntervalMs: 30_000 });
});

t.test('a burst bigger than a page: nothing skipped, nothing twice, a restart resumes at the cursor', async (t) => {
  const fake = await startFakeMastodon();
  t.teardown(() => fake.close());
  const databasePath = tempDatabasePath(t);
  const first = await mastodonApp(t, fake, { databasePath });
  fake.addMention({ text: 'before the desk', account: { username: 'early' } });
  await first.mastodonChannel.poller.pollOnce();
  const burst = Array.from({ length: 95 }, (_, i) =>
    fake.addMention({ text: `my tv ${i} is silent`, account: { username: `c${i}`, domain: 'remote.example' } }),
  );
  // The connection drops on the third page: two pages are stored with their cursor, the rest waits.
  fake.injectFault({ path: '/api/v1/notifications', drop: 'before', skip: 2, times: 1 });
  await t.rejects(first.mastodonChannel.poller.pollOnce(), 'the poll fails on its third page');
  const count = () =>
    (
      first.services.db.$client.prepare("select count(*) n from questions where channel = 'mastodon'").get() as {
        n: number;
      }
    ).n;
  t.equal(count(), 1 + 80, 'the first two pages of 40 are stored');
  await first.mastodonChannel.poller.pollOnce();
  t.equal(count(), 96, 'the next poll goes on from the cursor');
  await first.close();

  const later = fake.addMention({ text: 'after the restart', account: { username: 'late', domain: 'x.example' } });
  const second = await mastodonApp(t, fake, { databasePath });
  const { ingested } = await second.mastodonChannel.poller.pollOnce();
  t.equal(ingested, 1, 'only what came after the cursor');
  const rows = second.services.db.$client
    .prepare("select external_id id, author_handle handle from questions where channel = 'mastodon'")
    .all() as { id: string; handle: string }[];
  t.equal(rows.length, 97);
  t.equal(new Set(rows.map((r) => r.id)).size, 97, 'no status twice');
  for (const status of [...burst, later])
    t.ok(
      rows.some((r) => r.id === status.id),
      `status ${status.id} stored`,
    );
  t.equal(rows.find((r) => r.id === later.id)?.handle, 'late@x.example', 'a remote author as the network shows them');
  t.equal((await second.mastodonChannel.poller.pollOnce()).ingested, 0, 'a poll with nothing new stores nothing');
  const cursor = await second.mastodonChannel.poller.cursor();
  t.ok(cursor && BigInt(cursor) > BigInt(Number.MAX_SAFE_INTEGER), 'the cursor keeps every digit');
});

t.test('a threaded reply: addressed @user@domain, Idempotency-Key, visibility never widened', async (t) => {
  const s = await setup(t);
  const cases = [
    { username: 'ana', domain: 'remote.example', visibility: 'unlisted' as const },
    { username: 'dee', domain: 'dm.example', visibility: 'direct' as const },
    { username: 'lena', visibility: 'public' as const },
  ];
  const mentions = cases.map((c) =>
    s.fake.addMention({ text: 'my tv has no sound', account: c, visibility: c.visibility }),
  );
  await s.app.mastodonChannel.poller.pollOnce();
  for (const [i, status] of mentions.entries()) {
    const c = cases[i]!;
    const question = await questionFor(s.app, s.manager, status.id);
    const acct = c.domain ? `${c.username}@${c.domain}` : c.username;
    t.equal(question.author.handle, acct, 'the author as Mastodon shows them');
    t.match(question.text, /my tv has no sound/);
    const reply = await answer(s, question.id, 'Unmute it.');
    const posted = s.fake.brandReplies(status.id);
    t.equal(posted.length, 1, `${acct}: one reply`);
    t.equal(posted[0]?.text, `@${acct} Unmute it. ^JD`, 'starts by addressing the customer');
    t.equal(posted[0]?.visibility, c.visibility, `${c.visibility} stays ${c.visibility}`);
    t.same(s.fake.mentioned(posted[0]?.id ?? ''), [acct], 'the reply reaches the customer');
    const request = s.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').at(-1);
    t.equal(request?.idempotencyKey, reply.id, 'Idempotency-Key is the reply id');
    const after = await questionFor(s.app, s.manager, status.id);
    t.equal(after.status, 'answered');
  }
});

t.test('a follow-up under the brand reply reopens the question for the same expert', async (t) => {
  const s = await setup(t);
  const first = s.fake.addMention({ text: 'my tv is silent', account: { username: 'ana', domain: 'remote.example' } });
  await s.app.mastodonChannel.poller.pollOnce();
  const question = await questionFor(s.app, s.manager, first.id);
  await answer(s, question.id, 'Unmute it.');
  const brandReply = s.fake.brandReplies(first.id)[0];
  if (!brandReply) throw new Error('no brand reply');
  const followUp = s.fake.addMention({
    text: 'still silent',
    account: { username: 'ana', domain: 'remote.example' },
    inReplyToId: brandReply.id,
  });
  await s.app.mastodonChannel.poller.pollOnce();
  const items = (await as(s.app, s.manager).get('/api/questions')).json().items;
  t.equal(items.length, 1, 'not a new question');
  const reopened = (await as(s.app, s.manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(reopened.status, 'offered');
  const latest = reopened.offers.filter(
    (o: { wave: number }) => o.wave === Math.max(...reopened.offers.map((x: { wave: number }) => x.wave)),
  );
  t.same(
    latest.map((o: { expertId: string }) => o.expertId),
    [s.expert.user.id],
    'offered back to the expert who answered',
  );
  t.ok(
    reopened.thread.some((m: { externalId: string }) => m.externalId === followUp.id),
    'in the same thread',
  );
});

t.test('the instance limit: read at start, replies measured by it, a 422 over it is final', async (t) => {
  const s = await setup(t, { maxCharacters: 120 });
  const status = s.fake.addMention({ text: 'my tv', account: { username: 'ana', domain: 'remote.example' } });
  await s.app.mastodonChannel.poller.pollOnce();
  t.equal(s.app.services.channelAdapters.lengthRule('mastodon').max, 120 - ADDRESS_ROOM);
  const question = await questionFor(s.app, s.manager, status.id);
  await as(s.app, s.manager).post(`/api/questions/${question.id}/assign`, { expertId: s.expert.user.id });
  const tooLong = await as(s.app, s.expert).post(`/api/questions/${question.id}/replies`, { text: 'a'.repeat(90) });
  t.equal(tooLong.statusCode, 422, 'refused before review: 90 + " ^JD" does not fit 88');
  t.equal(tooLong.json().error.code, 'too_long');

  s.fake.setMaxCharacters(40); // the instance lowered its limit after we read it
  await answer(s, question.id, 'a'.repeat(60));
  t.equal(s.fake.brandReplies(status.id).length, 0);
  const failed = await questionFor(s.app, s.manager, status.id);
  t.equal(failed.status, 'failed', "Mastodon's 422 is final: the manager sees Retry");
  t.equal(s.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses').length, 1, 'tried once');
});

t.test('429, 5xx and a lost answer: exactly one post', async (t) => {
  const clock = createManualClock(Date.now());
  const s = await setup(t, { clock });
  const statuses = ['rate', 'error', 'lost'].map((name) =>
    s.fake.addMention({ text: `my tv ${name}`, account: { username: name, domain: 'remote.example' } }),
  );
  await s.app.mastodonChannel.poller.pollOnce();
  const posts = () => s.fake.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses');

  const [rate, error, lost] = statuses as [(typeof statuses)[0], (typeof statuses)[0], (typeof statuses)[0]];
  s.fake.injectFault({ method: 'POST', path: '/api/v1/statuses', status: 429, resetInSec: 120, times: 1 });
  await answer(s, (await questionFor(s.app, s.manager, rate.id)).id, 'Wait a bit.');
  t.equal((await questionFor(s.app, s.manager, rate.id)).status, 'posting', 'waits for the reset');
  clock.advance(60_000);
  await s.app.services.outbox.run();
  t.equal(s.fake.brandReplies(rate.id).length, 0, 'not before the reset');
  clock.advance(70_000);
  await s.app.services.outbox.run();
  t.equal(s.fake.brandReplies(rate.id).length, 1, 'posted after it');

  s.fake.injectFault({ method: 'POST', path: '/api/v1/statuses', status: 503, times: 1 });
  await answer(s, (await questionFor(s.app, s.manager, error.id)).id, 'Try again.');
  t.equal(s.fake.brandReplies(error.id).length, 0);
  clock.advance(10_000);
  await s.app.services.outbox.run();
  t.equal(s.fake.brandReplies(error.id).length, 1, 'a 5xx is retried');

  s.fake.injectFault({ method: 'POST', path: '/api/v1/statuses', drop: 'after', times: 1 });
  const before = posts().length;
  await answer(s, (await questionFor(s.app, s.manager, lost.id)).id, 'Found it.');
  t.equal(s.fake.brandReplies(lost.id).length, 1, 'Mastodon made the status, the answer was lost');
  clock.advance(10_000);
  await s.app.services.outbox.run();
  t.equal(s.fake.brandReplies(lost.id).length, 1, 'exactly one post');
  t.equal(posts().length - before, 1, 'found on the brand timeline, not posted again');
  const done = await questionFor(s.app, s.manager, lost.id);
  t.equal(done.status, 'answered');
  t.equal(done.thread.at(-1)?.externalId, s.fake.brandReplies(lost.id)[0]?.id, 'the found status is recorded');
});

t.test('the poller reports a rate-limit wait to the channel board (/health) and recovers', async (t) => {
  const s = await setup(t);
  s.fake.injectFault({ path: '/api/v1/notifications', status: 429, resetInSec: 90, times: 1 });
  const delay = await s.app.mastodonChannel.poller.cycle();
  t.ok(delay > 80_000 && delay < 100_000, 'waits until X-RateLimit-Reset');
  const health = (await s.app.inject({ method: 'GET', url: '/health' })).json();
  const board = health.channels.find((c: { name: string }) => c.name === 'mastodon');
  t.equal(board.state, 'waiting');
  t.match(board.lastError, /429/);
  t.ok(Date.parse(board.waitUntil) > Date.now() + 80_000);
  await s.app.mastodonChannel.poller.cycle();
  const after = (await s.app.inject({ method: 'GET', url: '/health' })).json();
  t.equal(after.channels.find((c: { name: string }) => c.name === 'mastodon').state, 'ok');
});

t.test("a remote server's HTML is stored as text, and a burst after an empty start is read whole", async (t) => {
  const fake = await startFakeMastodon();
  t.teardown(() => fake.close());
  const app = await mastodonApp(t, fake);
  t.equal((await app.mastodonChannel.poller.pollOnce()).ingested, 0, 'no mention yet');
  const hostile = fake.addMention({
    text: 'ignored',
    account: { username: 'eve', domain: 'evil.example' },
    html: '<p>hi <script>alert(1)</script><img src=x onerror="alert(2)"> &lt;b&gt;bold&lt;/b&gt;</p><p>bye</p>',
  });
  for (let i = 0; i < 45; i++) fake.addMention({ text: `q${i}`, account: { username: `u${i}` } });
  t.equal((await app.mastodonChannel.poller.pollOnce()).ingested, 46, 'the oldest of the burst too');
  const stored = app.services.db.$client.prepare('select text from questions where external_id = ?').get(hostile.id) as
    | { text: string }
    | undefined;
  t.equal(stored?.text, 'hi alert(1) <b>bold</b>\n\nbye', 'tags dropped, the entities only text');
});

t.test('a used-up quota stops paging until the reset; a bad token is polled rarely', async (t) => {
  const fake = await startFakeMastodon({ rateLimit: { limit: 3, windowSec: 300 } });
  t.teardown(() => fake.close());
  const app = await mastodonApp(t, fake);
  await app.mastodonChannel.poller.pollOnce();
  for (let i = 0; i < 100; i++) fake.addMention({ text: `q${i}`, account: { username: `u${i}` } });
  const { ingested, waitMs } = await app.mastodonChannel.poller.pollOnce();
  t.equal(ingested, 40, 'one page: X-RateLimit-Remaining reached 0 after it');
  t.ok(waitMs > 250_000, 'the poll waits for X-RateLimit-Reset');

  const wrong = await startFakeMastodon({ accessToken: 'the-right-one' });
  t.teardown(() => wrong.close());
  const refused = await mastodonApp(t, { ...wrong, accessToken: 'revoked' } as FakeMastodon);
  const delay = await refused.mastodonChannel.poller.cycle();
  t.equal(delay, 5 * 60_000, 'a 401 does not heal by itself: polled rarely');
  const board = (await refused.inject({ method: 'GET', url: '/health' }))
    .json()
    .channels.find((c: { name: string }) => c.name === 'mastodon');
  t.equal(board.state, 'error');
  t.match(board.lastError, /401/);
});
