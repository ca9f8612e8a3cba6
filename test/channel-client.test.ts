// What the client is told about a question's channel: the rule its counter counts by, the network's links, the queue
// filtered by channel, and the attribution template a channel may have of its own.
import t from 'tap';
import { channelLabel, displayHandle, measureFor, ruleFromInfo } from '../server/domain/channel-display.js';
import { ADMIN, as, buildTestApp, createUser, login } from './helpers/app.js';
import { fakeNetworks, MASTODON_SERVER } from './helpers/channel-fakes.js';
import type { App } from '../server/app.js';

async function desk(app: App) {
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', { profile: { signature: 'JD' } });
  const manager = await createUser(app, 'manager');
  const ask = async (channel: string, externalId: string, handle: string) => {
    const response = await as(app, manager).post('/api/questions', {
      channel,
      externalId,
      text: 'my tv is silent',
      author: { handle },
    });
    const question = response.json().question as { id: string };
    await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: expert.user.id });
    return question;
  };
  return { admin, expert, manager, ask };
}

t.test("the measures the client counts with are the adapters' own", async (t) => {
  const nets = fakeNetworks();
  const toneEmoji = '👍🏽';
  t.equal(measureFor('graphemes')(toneEmoji), 1, 'an emoji with a skin tone is one grapheme');
  t.equal(ruleFromInfo({ kind: 'graphemes', max: 300, unit: 'u' }).measure(toneEmoji), 1);
  const longUrl = `https://example.com/${'a'.repeat(80)}`;
  t.equal(measureFor('mastodon')(longUrl), 23, 'Mastodon counts any URL as 23');
  t.equal(measureFor('mastodon')(longUrl), nets.mastodon.adapter.length.measure(longUrl));
  t.equal(measureFor('x-weighted')('漢'), 2, 'X weighs CJK two');
  t.equal(displayHandle('x', 'maria'), '@maria');
  t.equal(displayHandle('mastodon', 'maria@social.example'), '@maria@social.example');
  t.equal(displayHandle('bluesky', 'maria.bsky.social'), '@maria.bsky.social');
  t.equal(displayHandle('email', 'maria@example.com'), 'maria@example.com', 'no "@" in front of an email');
  t.equal(channelLabel('bluesky'), 'Bluesky');
  t.equal(channelLabel('email'), 'email');
});

t.test('GET /api/channels/rules: every adapter with its rule, X counting the rest, for anyone signed in', async (t) => {
  const nets = fakeNetworks(1000);
  const app = await buildTestApp(t, {
    channelAdapters: [nets.x.adapter, nets.bluesky.adapter, nets.mastodon.adapter],
  });
  const { expert } = await desk(app);
  t.equal((await app.inject({ method: 'GET', url: '/api/channels/rules' })).statusCode, 401);
  const response = await as(app, expert).get('/api/channels/rules');
  t.equal(response.statusCode, 200);
  t.match(response.json(), {
    items: [
      { name: 'bluesky', label: 'Bluesky', network: true, length: { kind: 'graphemes', max: 300 } },
      { name: 'mastodon', label: 'Mastodon', network: true, length: { kind: 'mastodon', max: 1000 - 32 } },
      { name: 'x', label: 'X', network: true, length: { kind: 'x-weighted', max: 280 } },
    ],
    fallback: { kind: 'x-weighted', max: 280 },
  });
});

t.test("the question view carries its channel's label, rule and the network's links", async (t) => {
  const nets = fakeNetworks();
  const app = await buildTestApp(t, {
    channelAdapters: [nets.x.adapter, nets.bluesky.adapter, nets.mastodon.adapter],
  });
  const { expert, ask } = await desk(app);
  const view = async (id: string) => (await as(app, expert).get(`/api/questions/${id}`)).json().question;

  const sky = await ask('bluesky', 'at://did:plc:maria/app.bsky.feed.post/3kxyz', 'maria.bsky.social');
  await as(app, expert).post(`/api/questions/${sky.id}/replies`, { text: 'Unmute it.' });
  await app.services.outbox.run();
  const skyView = await view(sky.id);
  t.match(skyView.channelInfo, {
    label: 'Bluesky',
    network: true,
    length: { kind: 'graphemes', max: 300 },
    postUrl: 'https://bsky.app/profile/did%3Aplc%3Amaria/post/3kxyz',
  });
  t.same(
    skyView.replyUrls,
    { [skyView.replies[0].id]: 'https://bsky.app/profile/did%3Aplc%3Abrand/post/3brand1' },
    "the brand's reply opens from its own at:// URI",
  );

  const toot = await ask('mastodon', '113000000000000001', 'maria@other.example');
  const tootView = await view(toot.id);
  t.equal(tootView.channelInfo.postUrl, `${MASTODON_SERVER}/@maria@other.example/113000000000000001`);
  t.equal(tootView.channelInfo.length.kind, 'mastodon');

  const tweet = await ask('x', '1800000000000000001', 'maria');
  t.equal((await view(tweet.id)).channelInfo.postUrl, 'https://x.com/i/web/status/1800000000000000001');

  const mail = await ask('email', 'mail-1', 'maria@example.com');
  t.match((await view(mail.id)).channelInfo, {
    label: 'email',
    network: false,
    length: { kind: 'x-weighted', max: 280 },
    postUrl: null,
  });
});

t.test('GET /api/questions?channel= lists only that channel, with and without a status', async (t) => {
  const nets = fakeNetworks();
  const app = await buildTestApp(t, { channelAdapters: [nets.bluesky.adapter] });
  const { manager, ask } = await desk(app);
  await ask('bluesky', 'at://did:plc:a/app.bsky.feed.post/1', 'a.bsky.social');
  await ask('x', '1800000000000000002', 'b');
  await ask('bluesky', 'at://did:plc:c/app.bsky.feed.post/2', 'c.bsky.social');
  const channels = async (query: string) =>
    (await as(app, manager).get(`/api/questions?${query}`)).json().items.map((q: { channel: string }) => q.channel);
  t.same(await channels('channel=bluesky'), ['bluesky', 'bluesky']);
  t.same(await channels('channel=bluesky&status=claimed'), ['bluesky', 'bluesky'], 'the by-status path filters too');
  t.same(await channels('channel=x&status=claimed,offered'), ['x']);
  t.same(await channels('channel=mastodon'), []);
});

t.test("a channel's own attribution template shapes its replies; others keep the default", async (t) => {
  const nets = fakeNetworks();
  const app = await buildTestApp(t, { channelAdapters: [nets.bluesky.adapter, nets.x.adapter] });
  const { admin, expert, ask } = await desk(app);
  const saved = await as(app, admin).put('/api/settings', { attributionTemplates: { bluesky: '{text} —{signature}' } });
  t.equal(saved.statusCode, 200);
  t.same(saved.json().attributionTemplates, { bluesky: '{text} —{signature}' });
  const bad = await as(app, admin).put('/api/settings', { attributionTemplates: { bluesky: '{text} only' } });
  t.equal(bad.statusCode, 400, 'an override needs {text} and {signature} too');

  const sky = await ask('bluesky', 'at://did:plc:m/app.bsky.feed.post/9', 'm.bsky.social');
  const onSky = await as(app, expert).post(`/api/questions/${sky.id}/replies`, { text: 'Unmute it.' });
  t.equal(onSky.json().reply.preview, 'Unmute it. —JD');
  const tweet = await ask('x', '1800000000000000003', 'm');
  const onX = await as(app, expert).post(`/api/questions/${tweet.id}/replies`, { text: 'Unmute it.' });
  t.equal(onX.json().reply.preview, 'Unmute it. ^JD');

  const cleared = await as(app, admin).put('/api/settings', { attributionTemplates: {} });
  t.same(cleared.json().attributionTemplates, {});
  t.equal(app.services.settings.attributionFor('bluesky'), '{text} ^{signature}', 'cleared: the default again');
  t.equal(app.services.settings.attributionFor('constructor'), '{text} ^{signature}');
});
