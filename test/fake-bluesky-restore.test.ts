// The demo's fake Bluesky keeps nothing between runs: at start it gets back the posts Helpforce's database holds
// (dev/demo/fake-social-sync.ts). A thread of an earlier run is rebuilt under its own at:// URIs, threaded with
// {root, parent} strong refs, without notifications, and can be answered through the real poster (@atproto/api).
import { AtpAgent } from '@atproto/api';
import t from 'tap';
import { startFakeBluesky } from '../dev/fake-bluesky/index.js';
import { syncFakeBlueskyWithDatabase } from '../dev/demo/fake-social-sync.js';
import { createBlueskyPoster } from '../server/channels/bluesky/poster.js';
import { createBlueskySession } from '../server/channels/bluesky/session.js';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';

interface Ref {
  uri: string;
  cid: string;
}
const replyOf = (value: Record<string, unknown> | undefined) => value?.reply as { root: Ref; parent: Ref } | undefined;

t.test('a thread of an earlier run is put back on a fresh fake and can be answered', async (t) => {
  const brand = { handle: 'acmehelp.bsky.social', displayName: 'Acme' };
  const before = await startFakeBluesky({ brand });
  t.teardown(() => before.close());
  const app = await buildTestApp(t, {
    bluesky: { serviceUrl: before.url, ...before.credentials, pollIntervalMs: 60_000 },
  });
  await seedTags(app);
  const expert = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');

  const question = before.addMention({
    author: { handle: 'maria.bsky.social', displayName: 'María' },
    text: 'my tv has no sound over hdmi',
    langs: ['en'],
  });
  await app.blueskyChannel.poller.pollOnce();
  const { id } = (await as(app, manager).get('/api/questions')).json().items[0];
  await as(app, manager).post(`/api/questions/${id}/assign`, { expertId: expert.user.id });
  const reply = (
    await as(app, expert).post(`/api/questions/${id}/replies`, { text: 'Turn on HDMI-CEC and use the ARC port.' })
  ).json().reply;
  if (reply.status === 'in_review') await as(app, manager).post(`/api/replies/${reply.id}/approve`, {});
  await app.services.outbox.run();
  const brandReply = before.brandPosts()[0]!;
  t.equal(replyOf(brandReply.value)?.parent.uri, question.uri, 'the brand answered on the first fake');
  const followUp = before.addPost({
    author: { handle: 'maria.bsky.social' },
    text: 'still no sound, what next?',
    replyTo: brandReply.uri,
  });
  t.equal((await app.blueskyChannel.poller.pollOnce()).ingested, 1, "the follow-up joins the expert's question");

  // A fresh fake whose clock is an hour behind: without care, its new record keys would fall under the restored ones.
  const behind = Date.now() - 3_600_000;
  const after = await startFakeBluesky({ brand, clock: () => behind });
  t.teardown(() => after.close());
  t.same(syncFakeBlueskyWithDatabase(app.services.db, after), { restored: 3 }, 'question, answer and follow-up');
  t.same(syncFakeBlueskyWithDatabase(app.services.db, after), { restored: 0 }, 'and nothing twice');

  const restored = [question, brandReply, followUp].map((post) => after.record(post.uri));
  t.same(
    restored.map((r) => r && { did: r.did, rkey: r.rkey, text: r.value.text }),
    [question, brandReply, followUp].map((r) => ({ did: r.did, rkey: r.rkey, text: r.value.text })),
    'each under its own at:// URI (DID and record key), with its words',
  );
  const [root, answer, again] = restored as NonNullable<(typeof restored)[number]>[];
  t.equal(root.did, question.did, "the customer's DID");
  t.same(replyOf(root.value), undefined, 'the question starts the thread');
  t.same(
    replyOf(answer.value),
    { root: { uri: root.uri, cid: root.cid }, parent: { uri: root.uri, cid: root.cid } },
    "the brand's answer replies to the question",
  );
  t.same(
    replyOf(again.value),
    { root: { uri: root.uri, cid: root.cid }, parent: { uri: answer.uri, cid: answer.cid } },
    'the follow-up replies to the answer, in the same thread',
  );

  const agent = new AtpAgent({ service: after.url });
  await agent.login({ identifier: after.credentials.identifier, password: after.credentials.password });
  const listed = async () =>
    (await agent.app.bsky.notification.listNotifications({ reasons: ['mention', 'reply', 'quote'] })).data
      .notifications;
  t.same(await listed(), [], 'restored posts make no notifications (Helpforce has them already)');
  const { data: fetched } = await agent.app.bsky.feed.getPosts({ uris: [followUp.uri] });
  t.match(fetched.posts, [{ uri: followUp.uri, author: { handle: 'maria.bsky.social', did: followUp.did } }]);

  const poster = createBlueskyPoster(
    createBlueskySession({ serviceUrl: after.url, ...after.credentials }, { timeoutMs: 2_000 }),
  );
  const posted = await poster.post({
    key: `${Date.now().toString(36).padStart(9, '0')}restore`,
    text: 'Set the TV audio output to "Receiver". ^JD',
    inReplyTo: followUp.uri,
    notBefore: Date.now(),
  });
  t.same(
    replyOf(after.record(posted.externalId)?.value),
    { root: { uri: root.uri, cid: root.cid }, parent: { uri: again.uri, cid: again.cid } },
    'the restored follow-up is answered through the real poster, threaded under it',
  );

  const fresh = after.addMention({ author: { handle: 'drew.bsky.social' }, text: 'a new question' });
  t.ok(
    [question, brandReply, followUp].every((post) => fresh.rkey > post.rkey),
    'a new post gets a record key above the restored ones',
  );
  t.same(
    (await listed()).map((n) => n.uri),
    [fresh.uri],
    'and is the one notification',
  );
});

t.test('a post of the brand is restored only under the brand, and only as a post', async (t) => {
  const fake = await startFakeBluesky({ brand: { handle: 'acmehelp.bsky.social' } });
  t.teardown(() => fake.close());
  const createdAt = new Date();
  const stranger = 'at://did:plc:aaaaaaaaaaaaaaaaaaaaaaaa/app.bsky.feed.post/3kabcdefghij2';
  t.notOk(fake.restorePost({ uri: stranger, text: 'hello', createdAt }), "the brand's post under another DID");
  t.notOk(
    fake.restorePost({ uri: `at://${fake.brand.did}/app.bsky.feed.like/3kabcdefghij2`, text: 'x', createdAt }),
    'a record that is not a post',
  );
  t.ok(
    fake.restorePost({ uri: `at://${fake.brand.did}/app.bsky.feed.post/3kabcdefghij2`, text: 'hi', createdAt }),
    "the brand's own",
  );
  t.ok(fake.restorePost({ uri: stranger, author: { handle: 'ann.bsky.social' }, text: 'hello', createdAt }));
  t.equal(fake.record(stranger)?.did, 'did:plc:aaaaaaaaaaaaaaaaaaaaaaaa', 'a customer keeps the DID of the URI');
});
