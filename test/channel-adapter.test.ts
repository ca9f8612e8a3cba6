// Channels behind one interface: an adapter registered for a channel posts that channel's replies (exactly once, a
// lost answer found rather than posted again), its length rule is the one a reply to its questions must fit, and its
// ingest starts and stops with the app.
import t from 'tap';
import { buildApp } from '../server/app.js';
import { type ChannelAdapter, type OutgoingPost, PostError } from '../server/channels/channel.js';
import { createChannelRegistry } from '../server/channels/registry.js';
import { buildPreview, type LengthRule, X_LENGTH_RULE } from '../server/domain/attribution.js';
import { createManualClock } from '../server/domain/clock.js';
import { ADMIN, as, buildTestApp, buildXTestApp, createUser, login, testConfig } from './helpers/app.js';
import type { App } from '../server/app.js';

const FORUM_RULE: LengthRule = { max: 50, measure: (text) => [...text].length, unit: 'characters' };

/** A network that keeps its posts in memory; `loseNextAnswer` posts and then fails as a timeout would. */
function fakeForum() {
  const posts: { id: string; text: string; inReplyTo: string }[] = [];
  const state = { loseNextAnswer: false, started: 0, stopped: 0 };
  const adapter: ChannelAdapter = {
    name: 'forum',
    length: FORUM_RULE,
    async post(item: OutgoingPost) {
      posts.push({ id: `forum-${posts.length + 1}`, text: item.text, inReplyTo: item.inReplyTo });
      if (state.loseNextAnswer) {
        state.loseNextAnswer = false;
        throw new PostError('transient', 'socket hang up');
      }
      return { externalId: posts.at(-1)?.id ?? '' };
    },
    async findExisting(item: OutgoingPost) {
      return posts.find((p) => p.inReplyTo === item.inReplyTo && p.text === item.text)?.id ?? null;
    },
    start() {
      state.started++;
    },
    async stop() {
      state.stopped++;
    },
  };
  return { adapter, posts, state };
}

async function people(app: App, reviewAll: boolean) {
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
  const manager = await createUser(app, 'manager');
  const ask = async (channel: string, externalId: string) => {
    const question = (
      await as(app, manager).post('/api/questions', {
        channel,
        externalId,
        text: 'my tv is silent',
        author: { handle: 'c' },
      })
    ).json().question;
    await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    return question as { id: string; externalId: string };
  };
  return { expert, manager, ask };
}

t.test('the registry: one adapter per name, its length rule, X counting for a channel without one', async (t) => {
  const forum = fakeForum();
  const registry = createChannelRegistry([forum.adapter]);
  t.equal(registry.get('forum'), forum.adapter);
  t.same(
    registry.list().map((a) => a.name),
    ['forum'],
  );
  t.equal(registry.lengthRule('forum'), FORUM_RULE);
  t.equal(registry.lengthRule('api'), X_LENGTH_RULE, 'a channel with no adapter is counted as X counts');
  t.throws(() => registry.register(fakeForum().adapter), /registered twice/);
  registry.start();
  await registry.stop();
  t.same([forum.state.started, forum.state.stopped], [1, 1], 'start and stop reach every adapter');
  t.equal(buildPreview('a'.repeat(47), 'JD', '{text} ^{signature}', FORUM_RULE).fits, false, 'the rule measures');
});

t.test("an adapter for another channel gets the outbox's post for its questions, exactly once", async (t) => {
  const forum = fakeForum();
  const app = await buildTestApp(t, { channelAdapters: [forum.adapter] });
  const { expert, manager, ask } = await people(app, false);
  const question = await ask('forum', 'thread-1');
  const submitted = await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'Unmute it.' });
  t.equal(submitted.statusCode, 201);
  await app.services.outbox.run();
  await app.services.outbox.run();
  t.same(forum.posts, [{ id: 'forum-1', text: 'Unmute it. ^JD', inReplyTo: 'thread-1' }], 'posted once, threaded');
  const after = (await as(app, manager).get(`/api/questions/${question.id}`)).json();
  t.equal(after.question.status, 'answered');

  const other = await ask('api', 'elsewhere-1');
  await as(app, expert).post(`/api/questions/${other.id}/replies`, { text: 'Check the cable.' });
  await app.services.outbox.run();
  t.equal(forum.posts.length, 1, "another channel's reply does not go to this adapter");
});

t.test('a post whose answer was lost is found on the channel, not made twice', async (t) => {
  const forum = fakeForum();
  forum.state.loseNextAnswer = true;
  const clock = createManualClock(Date.now());
  const app = await buildTestApp(t, { clock, channelAdapters: [forum.adapter] });
  const { expert, manager, ask } = await people(app, false);
  const question = await ask('forum', 'thread-2');
  await as(app, expert).post(`/api/questions/${question.id}/replies`, { text: 'Unmute it.' });
  await app.services.outbox.run();
  t.equal((await as(app, manager).get(`/api/questions/${question.id}`)).json().question.status, 'posting');
  clock.advance(60_000);
  await app.services.outbox.run();
  t.equal(forum.posts.length, 1, 'the retry asked the channel first');
  t.equal((await as(app, manager).get(`/api/questions/${question.id}`)).json().question.status, 'answered');
});

t.test("a reply must fit its question's channel: the adapter's rule, X's for X", async (t) => {
  const forum = fakeForum();
  const app = await buildTestApp(t, { channelAdapters: [forum.adapter] });
  const { expert, manager, ask } = await people(app, true);
  const sixty = 'a'.repeat(56); // 60 with " ^JD"
  const onForum = await ask('forum', 'thread-3');
  const refused = await as(app, expert).post(`/api/questions/${onForum.id}/replies`, { text: sixty });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().error.code, 'too_long');
  t.match(refused.json().error.message, 'would be 60 characters; the limit is 50');
  const onX = await ask('x', 'tweet-3');
  t.equal((await as(app, expert).post(`/api/questions/${onX.id}/replies`, { text: sixty })).statusCode, 201);

  const fits = await as(app, expert).post(`/api/questions/${onForum.id}/replies`, { text: 'a'.repeat(46) });
  t.equal(fits.statusCode, 201, '50 with the signature fits');
  const reply = fits.json().reply;
  const edited = await as(app, manager).post(`/api/replies/${reply.id}/approve`, { text: sixty });
  t.equal(edited.statusCode, 422, "a manager's edit is measured by the same rule");
  t.equal(edited.json().error.code, 'too_long');
});

t.test('the X adapter is registered for "x" with twitter-text\'s rule', async (t) => {
  const { app } = await buildXTestApp(t);
  const x = app.services.channelAdapters.get('x');
  t.equal(x?.length, X_LENGTH_RULE);
  t.equal(app.services.channelAdapters.lengthRule('x').measure('漢'), 2, 'CJK weighs two');
});

t.test("every adapter's ingest starts when the app is ready and stops when it closes", async (t) => {
  const forum = fakeForum();
  const app = await buildApp(testConfig(t), { logger: false, timers: true, channelAdapters: [forum.adapter] });
  await app.ready();
  t.equal(forum.state.started, 1);
  await app.close();
  t.equal(forum.state.stopped, 1);
});
