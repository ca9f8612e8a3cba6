// /health shows each channel's state: where its ingest resumes (the stored cursor), its last poll, a rate-limit
// wait, and the replies waiting or failed on that channel alone.
import t, { type Test } from 'tap';
import { buildApp, type App } from '../server/app.js';
import { type ChannelAdapter, PostError } from '../server/channels/channel.js';
import { graphemeRule } from '../server/domain/length-rules.js';
import { createManualClock, type Clock } from '../server/domain/clock.js';
import { type FakeMastodon, startFakeMastodon } from '../dev/fake-mastodon/index.js';
import { ADMIN, as, buildTestApp, createUser, login, testConfig } from './helpers/app.js';

interface Board {
  name: string;
  state: string;
  cursor: string | null;
  lastPollAt: string | null;
  waitUntil: string | null;
  outbox: { pending: number; failed: number };
}

async function board(app: App): Promise<Board[]> {
  const response = await app.inject({ method: 'GET', url: '/health' });
  return response.json().channels;
}

async function mastodonApp(t: Test, fake: FakeMastodon, clock: Clock) {
  const config = {
    ...testConfig(t),
    mastodon: { url: fake.url, accessToken: fake.accessToken, pollIntervalMs: 60_000 },
  };
  const app = await buildApp(config, { logger: false, timers: false, clock });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

t.test('a polling channel: cursor, last poll, a rate-limit wait and its own outbox', async (t) => {
  const fake = await startFakeMastodon();
  t.teardown(() => fake.close());
  const clock = createManualClock(Date.now());
  const app = await mastodonApp(t, fake, clock);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });

  const before = (await board(app)).find((c) => c.name === 'mastodon');
  t.match(before, { state: 'idle', cursor: null, lastPollAt: null, outbox: { pending: 0, failed: 0 } });

  const mention = fake.addMention({ text: 'my tv is silent', account: { username: 'maria', domain: 'other.example' } });
  await app.mastodonChannel.poller.cycle();
  const polled = (await board(app)).find((c) => c.name === 'mastodon');
  t.equal(polled?.state, 'ok');
  t.ok(polled?.lastPollAt, 'the last poll is shown');
  t.ok(polled?.cursor && polled.cursor !== '0', 'the cursor moved past the mention it took in');

  const question = await app.services.data.questions.byExternalId('mastodon', mention.id);
  if (!question) throw new Error('the mention was not taken in as a question');
  await as(app, admin).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
  await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'Unmute it.' });
  fake.injectFault({ method: 'POST', path: '/api/v1/statuses', status: 503, times: 1 });
  await app.services.outbox.run();
  const waiting = await board(app);
  t.same(
    waiting.find((c) => c.name === 'mastodon')?.outbox,
    { pending: 1, failed: 0 },
    'the reply waits on its channel',
  );

  fake.injectFault({ path: '/api/v1/notifications', status: 429, resetInSec: 90, times: 1 });
  await app.mastodonChannel.poller.cycle();
  const limited = (await board(app)).find((c) => c.name === 'mastodon');
  t.equal(limited?.state, 'waiting');
  t.ok(Date.parse(limited?.waitUntil ?? '') > Date.now() + 80_000, 'until the rate limit resets');
  t.equal(limited?.cursor, polled?.cursor, 'the cursor stays where it was');

  clock.advance(60_000);
  await app.services.outbox.run();
  t.same((await board(app)).find((c) => c.name === 'mastodon')?.outbox, { pending: 0, failed: 0 }, 'sent');
});

t.test('a channel that only posts is listed with its own outbox counts', async (t) => {
  const failing = (name: string, kind: 'transient' | 'permanent'): ChannelAdapter => ({
    name,
    length: graphemeRule(300),
    async post() {
      throw new PostError(kind, `${name} is down`);
    },
    async findExisting() {
      return null;
    },
  });
  const app = await buildTestApp(t, {
    channelAdapters: [failing('bluesky', 'permanent'), failing('chat', 'transient')],
  });
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
  t.same(
    (await board(app)).map((c) => [c.name, c.state, c.outbox]),
    [
      ['bluesky', 'idle', { pending: 0, failed: 0 }],
      ['chat', 'idle', { pending: 0, failed: 0 }],
    ],
  );
  const ask = async (channel: string, externalId: string) => {
    const { question } = (
      await as(app, admin).post('/api/questions', { channel, externalId, text: 'no sound', author: { handle: 'c' } })
    ).json();
    await as(app, admin).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'Unmute it.' });
  };
  await ask('bluesky', 'at://did:plc:c/app.bsky.feed.post/1');
  await ask('chat', 'thread-1');
  await app.services.outbox.run();
  t.same(
    (await board(app)).map((c) => [c.name, c.outbox]),
    [
      ['bluesky', { pending: 0, failed: 1 }],
      ['chat', { pending: 1, failed: 0 }],
    ],
    'each channel counts its own replies',
  );
});
