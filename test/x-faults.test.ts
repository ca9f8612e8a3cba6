// The X channel under faults, over loopback through twitter-api-v2: rate limits, 5xx, dropped connections and
// duplicate refusals never lose a question or post a reply twice.
import t from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { startFakeX, type FakeX } from '../dev/fake-x/index.js';
import { createXClient } from '../server/channels/x/client.js';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';

async function setup(t: Parameters<typeof buildTestApp>[0]) {
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  t.teardown(() => fakeX.close());
  const clock = createManualClock(Date.now());
  // The app's clock only moves when a test says so, but X's rate-limit resets are real time: keep them in step.
  const tick = setInterval(() => clock.advance(100), 100);
  t.teardown(() => clearInterval(tick));
  const app = await buildTestApp(t, {
    clock,
    x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 100 },
  });
  await seedTags(app);
  const expert = await createUser(app, 'expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');
  /** A mention that has been answered and approved, with its post waiting in the outbox. */
  async function approvedReply(
    fake: FakeX,
    text: string,
    beforeApproval: (reply: { preview: string }, tweetId: string) => unknown = () => {},
  ) {
    const tweet = fake.addMention({ text: `my tv has no sound ${text}`, author: { username: 'cust' } });
    await app.xChannel.poller.pollOnce();
    const question = (await as(app, manager).get('/api/questions?limit=1')).json().items[0];
    t.equal(question.externalId, tweet.id);
    await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    const reply = (await as(app, expert).post(`/api/questions/${question.id}/replies`, { text })).json().reply;
    await beforeApproval(reply, tweet.id);
    t.equal((await as(app, manager).post(`/api/replies/${reply.id}/approve`, {})).statusCode, 200);
    return { tweet, question, reply };
  }
  return { fakeX, clock, app, expert, manager, approvedReply };
}

t.test('a 5xx on posting is retried with backoff and posted once', async (t) => {
  const { fakeX, clock, app, approvedReply } = await setup(t);
  const { tweet } = await approvedReply(fakeX, 'Try the ARC port.', () =>
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', status: 503, times: 2 }),
  );
  await app.services.outbox.run();
  t.equal(fakeX.brandReplies(tweet.id).length, 0, 'nothing posted while X fails');
  t.equal((await app.services.outbox.counts()).pending, 1, 'the post waits for its retry');
  for (let i = 0; i < 3; i++) {
    clock.advance(10_000);
    await app.services.outbox.run();
  }
  t.equal(fakeX.brandReplies(tweet.id).length, 1, 'posted exactly once after X recovers');
  t.equal((await app.services.outbox.counts()).pending, 0);
});

t.test('a connection dropped after X stored the post is reconciled, not re-posted', async (t) => {
  const { fakeX, clock, app, approvedReply, manager } = await setup(t);
  const { tweet, question } = await approvedReply(fakeX, 'Hold the power button for 10 seconds.', () =>
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', drop: 'after', times: 1 }),
  );
  await app.services.outbox.run();
  t.equal(fakeX.brandReplies(tweet.id).length, 1, 'X has the post, the app did not hear back');
  clock.advance(10_000);
  await app.services.outbox.run();
  t.equal(fakeX.brandReplies(tweet.id).length, 1, 'the retry found it on the brand timeline instead of posting again');
  const detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(detail.status, 'answered');
  t.equal(detail.replies[0].externalId, fakeX.brandReplies(tweet.id)[0]!.id, 'the existing post id is recorded');
});

t.test('a 403 duplicate is treated as posted only when the brand timeline has it', async (t) => {
  const { fakeX, app, approvedReply, manager } = await setup(t);
  const brand = createXClient(fakeX.credentials, fakeX.url);
  const { tweet, question } = await approvedReply(fakeX, 'Update the firmware first.', (reply, tweetId) =>
    brand.v2.reply(reply.preview, tweetId),
  );
  await app.services.outbox.run();
  t.equal(fakeX.brandReplies(tweet.id).length, 1, 'no second post');
  t.equal((await as(app, manager).get(`/api/questions/${question.id}`)).json().question.status, 'answered');
});

t.test('a post that fails for good is visible to managers and can be retried', async (t) => {
  const { fakeX, app, approvedReply, manager } = await setup(t);
  const { tweet, question } = await approvedReply(fakeX, 'Reset the network settings.', () =>
    fakeX.injectFault({ method: 'POST', path: '/2/tweets', status: 400, times: 1 }),
  );
  await app.services.outbox.run();
  const failed = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(failed.status, 'failed');
  t.match(failed.replies[0].failureReason, /X API 400/);
  t.equal(
    (await as(app, manager).get('/api/questions?status=failed')).json().items.length,
    1,
    'the failed queue shows it',
  );
  t.equal((await as(app, manager).post(`/api/questions/${question.id}/retry`)).statusCode, 200);
  await app.services.outbox.run();
  t.equal(fakeX.brandReplies(tweet.id).length, 1);
  t.equal((await as(app, manager).get(`/api/questions/${question.id}`)).json().question.status, 'answered');
  t.equal(
    (await as(app, manager).post(`/api/questions/${question.id}/retry`)).statusCode,
    409,
    'nothing left to retry',
  );
});

t.test('ingest: a 429 waits for the reset, 5xx backs off, and nothing is lost or doubled', async (t) => {
  const { fakeX, app } = await setup(t);
  for (let i = 0; i < 130; i++)
    fakeX.addMention({ text: `question number ${i} about my tv`, author: { username: `c${i}` } });
  fakeX.injectFault({ method: 'GET', path: '/2/users/:id/mentions', status: 429, resetInSec: 1, times: 1 });
  await t.rejects(app.xChannel.poller.pollOnce(), { code: 429 }, 'the first poll is rate limited');
  fakeX.injectFault({ method: 'GET', path: '/2/users/:id/mentions', status: 500, times: 1 });
  await t.rejects(app.xChannel.poller.pollOnce());
  fakeX.injectFault({ method: 'GET', path: '/2/users/:id/mentions', drop: 'before', times: 1 });
  await t.rejects(app.xChannel.poller.pollOnce());
  const caughtUp = await app.xChannel.poller.pollOnce();
  t.equal(caughtUp.ingested, 130, 'then every mention arrives, across two pages');
  const count = app.services.db.$client
    .prepare("select count(*) n, count(distinct external_id) d from questions where channel = 'x'")
    .get() as { n: number; d: number };
  t.same(count, { n: 130, d: 130 }, 'each mention is one question');
  t.equal((await app.xChannel.poller.pollOnce()).ingested, 0);
});

t.test('the poller reports a rate-limit wait on /health and recovers by itself', async (t) => {
  const { fakeX, app } = await setup(t);
  fakeX.addMention({ text: 'tv question', author: { username: 'c' } });
  fakeX.injectFault({ method: 'GET', path: '/2/users/:id/mentions', status: 429, resetInSec: 1, times: 1 });
  app.xChannel.poller.start();
  t.teardown(() => app.xChannel.poller.stop());
  await new Promise((r) => setTimeout(r, 300));
  const waiting = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.equal(waiting.channels[0].state, 'waiting');
  t.match(waiting.channels[0].lastError, /429/);
  t.ok(waiting.channels[0].waitUntil);
  let healthy = waiting;
  for (let i = 0; i < 50 && healthy.channels[0].state !== 'ok'; i++) {
    await new Promise((r) => setTimeout(r, 100));
    healthy = (await app.inject({ method: 'GET', url: '/health' })).json();
  }
  t.equal(healthy.channels[0].state, 'ok');
  t.equal(healthy.status, 'ok');
  t.equal((app.services.db.$client.prepare('select count(*) n from questions').get() as { n: number }).n, 1);
});

t.test('a burst beyond the 800 mentions X lists is recovered from recent search', async (t) => {
  const { fakeX, app } = await setup(t);
  fakeX.addMention({ text: 'first question about my tv', author: { username: 'early' } });
  t.equal((await app.xChannel.poller.pollOnce()).ingested, 1, 'the cursor is set');
  for (let i = 0; i < 1050; i++)
    fakeX.addMention({ text: `burst ${i}: my tv has no sound`, author: { username: `b${i}` } });
  const burst = await app.xChannel.poller.pollOnce();
  t.equal(burst.ingested, 1050, 'all 1,050 arrive: 800 from the timeline, the rest from search');
  const count = app.services.db.$client
    .prepare("select count(*) n, count(distinct external_id) d from questions where channel = 'x'")
    .get() as { n: number; d: number };
  t.same(count, { n: 1051, d: 1051 }, 'each exactly once');
  const searched = fakeX.requests.filter((r) => r.path.startsWith('/2/tweets/search/recent'));
  t.ok(searched.length >= 3, 'search was paged for the older part');
  t.equal((await app.xChannel.poller.pollOnce()).ingested, 0, 'and the next poll starts after the newest');
});

t.test(
  'a burst is stored a hundred at a time; a failure half-way keeps what was stored and the next poll completes it',
  async (t) => {
    const { fakeX, app } = await setup(t);
    for (let i = 0; i < 250; i++)
      fakeX.addMention({ text: `burst question ${i} about my tv`, author: { username: `b${i}` } });
    const { db } = app.services;
    const count = () =>
      db.$client
        .prepare("select count(*) n, count(distinct external_id) d from questions where channel = 'x'")
        .get() as { n: number; d: number };
    const cursor = () => db.$client.prepare("select since_id s from channel_cursors where channel = 'x'").pluck().get();

    // The 150th question fails (a disk error, say): its hundred is rolled back, the first hundred stays.
    db.$client.exec(`create trigger fail_150th before insert on questions
      when (select count(*) from questions where channel = 'x') = 149
      begin select raise(abort, 'disk I/O error'); end`);
    let settled = false;
    const polling = app.xChannel.poller.pollOnce().finally(() => {
      settled = true;
    });
    let between = 0;
    const watching = setInterval(() => {
      if (!settled && count().n === 100) between++;
    }, 0);
    await t.rejects(polling, /disk I\/O error/);
    clearInterval(watching);
    db.$client.exec('drop trigger fail_150th');
    t.same(count(), { n: 100, d: 100 }, 'the first hundred is stored');
    t.notOk(cursor(), 'the cursor did not move');
    t.ok(between > 0, 'other work ran between the first hundred and the next');

    const again = await app.xChannel.poller.pollOnce();
    t.equal(again.ingested, 250, 'the next poll reads every page again');
    t.same(count(), { n: 250, d: 250 }, 'and stores the other 150, none twice');
    t.ok(cursor(), 'the cursor moved with the last hundred');
    t.equal((await app.xChannel.poller.pollOnce()).ingested, 0, 'nothing left after that');
  },
);
