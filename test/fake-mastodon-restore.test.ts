// The demo's fake Mastodon keeps nothing between runs: at start it gets back the statuses Helpforce's database holds
// (dev/demo/fake-social-sync.ts). A thread of an earlier run is rebuilt under its own status ids and account ids,
// without notifications, and can be answered through masto and the real poster; new statuses get larger ids.
import t from 'tap';
import { startFakeMastodon } from '../dev/fake-mastodon/index.js';
import { syncFakeMastodonWithDatabase } from '../dev/demo/fake-social-sync.js';
import { createMastodonClient } from '../server/channels/mastodon/client.js';
import { createMastodonPoster } from '../server/channels/mastodon/poster.js';
import { buildApp } from '../server/app.js';
import { as, createUser, seedTags, testConfig } from './helpers/app.js';

t.test('a thread of an earlier run is put back on a fresh fake and can be answered', async (t) => {
  const brand = { username: 'acmehelp', displayName: 'Acme' };
  const before = await startFakeMastodon({ brand });
  t.teardown(() => before.close());
  const app = await buildApp(
    { ...testConfig(t), mastodon: { url: before.url, accessToken: before.accessToken, pollIntervalMs: 60_000 } },
    { logger: false, timers: false },
  );
  t.teardown(() => app.close());
  await app.ready();
  await seedTags(app);
  const expert = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');

  // Another customer first, so the account ids of the two fakes would differ if they were handed out afresh.
  before.addMention({ text: 'is the soundbar on sale?', account: { username: 'bo' } });
  const question = before.addMention({
    text: 'my tv has no sound over hdmi',
    account: { username: 'ana', domain: 'social.example', displayName: 'Ana' },
  });
  await app.mastodonChannel.poller.pollOnce();
  const items = (await as(app, manager).get('/api/questions')).json().items as { id: string; externalId: string }[];
  const id = items.find((q) => q.externalId === question.id)!.id;
  await as(app, manager).post(`/api/questions/${id}/assign`, { expertId: expert.user.id });
  const reply = (
    await as(app, expert).post(`/api/questions/${id}/replies`, { text: 'Turn on HDMI-CEC and use the ARC port.' })
  ).json().reply;
  if (reply.status === 'in_review') await as(app, manager).post(`/api/replies/${reply.id}/approve`, {});
  await app.services.outbox.run();
  const brandReply = before.brandReplies(question.id)[0]!;
  const followUp = before.addStatus({
    text: '@acmehelp@fake-mastodon.test still no sound, what next?',
    account: { username: 'ana', domain: 'social.example' },
    inReplyToId: brandReply.id,
  });
  t.equal((await app.mastodonChannel.poller.pollOnce()).ingested, 1, "the follow-up joins the expert's question");

  // A fresh fake whose clock is an hour behind: without care, its new ids would fall under the restored ones.
  const behind = Date.now() - 3_600_000;
  const after = await startFakeMastodon({ brand, clock: () => behind });
  t.teardown(() => after.close());
  t.same(syncFakeMastodonWithDatabase(app.services.db, after), { restored: 4 }, 'two questions, answer, follow-up');
  t.same(syncFakeMastodonWithDatabase(app.services.db, after), { restored: 0 }, 'and nothing twice');

  const shape = (s: {
    id: string;
    accountId: string;
    inReplyToId: string | null;
    inReplyToAccountId: string | null;
  }) => ({
    id: s.id,
    accountId: s.accountId,
    inReplyToId: s.inReplyToId,
    inReplyToAccountId: s.inReplyToAccountId,
  });
  t.same(
    after.statuses().map(shape),
    before.statuses().map(shape),
    'the same status ids, authors (by account id) and threads',
  );
  t.equal(after.account(question.accountId)?.acct, 'ana@social.example', "the customer's account keeps its acct");
  t.equal(after.brand.id, before.brand.id, 'and the brand its id');

  const client = createMastodonClient({ url: after.url, accessToken: after.accessToken }, 2_000);
  const mentions = () => client.v1.notifications.list({ types: ['mention'] });
  t.same(await mentions(), [], 'restored statuses make no notifications (Helpforce has them already)');
  const fetched = await client.v1.statuses.$select(followUp.id).fetch();
  t.match(fetched, { id: followUp.id, inReplyToId: brandReply.id, account: { acct: 'ana@social.example' } });

  const poster = createMastodonPoster(client, async () => after.brand.id);
  const posted = await poster.post({
    key: 'restore-reply-1',
    text: 'Set the TV audio output to "Receiver". ^JD',
    inReplyTo: followUp.id,
    notBefore: Date.now(),
  });
  t.match(
    after.brandReplies(followUp.id),
    [{ id: posted.externalId, text: /^@ana@social\.example Set the TV audio output/ }],
    'the restored follow-up is answered through the real poster, threaded under it and addressed to its author',
  );

  const fresh = after.addMention({ text: 'a new question', account: { username: 'drew' } });
  t.ok(
    [question, brandReply, followUp].every((s) => BigInt(fresh.id) > BigInt(s.id)),
    'a new status gets an id above the restored ones',
  );
  t.not(fresh.accountId, question.accountId, 'a new customer gets an account id of their own');
  t.same(
    (await mentions()).map((n) => n.status?.id),
    [fresh.id],
    'and is the one notification',
  );
});

t.test('a status id that is not one, or is taken, is not restored', async (t) => {
  const fake = await startFakeMastodon();
  t.teardown(() => fake.close());
  const createdAt = new Date();
  t.notOk(fake.restoreStatus({ id: 'abc', text: 'x', createdAt }), 'not a status id');
  t.ok(fake.restoreStatus({ id: '5', account: { acct: 'ana', id: '7' }, text: 'hi @AcmeHelp', createdAt }));
  t.notOk(fake.restoreStatus({ id: '5', text: 'again', createdAt }), 'an id already there');
  t.ok(
    fake.restoreStatus({ id: '6', account: { acct: 'ben', id: '7' }, text: 'hello', inReplyToId: '404', createdAt }),
    'a reply whose parent is gone is kept, as a status of its own',
  );
  const [ana, ben] = fake.statuses();
  t.equal(ana?.accountId, '7', 'a free account id is kept');
  t.not(ben?.accountId, '7', 'a taken one is not given to someone else');
  t.equal(ben?.inReplyToId, null);
});
