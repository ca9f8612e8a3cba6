// `npm start`, stop, `npm start` again on the same database: the demo (the real server entry with its in-process
// fakes of X, Bluesky and Mastodon) must carry on where it stopped. Both starts are child processes on one temporary
// database.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AtpAgent } from '@atproto/api';
import t from 'tap';
import { FAKE_APP_PASSWORD } from '../dev/fake-bluesky/routes.js';
import type { FakeX } from '../dev/fake-x/index.js';
import { startFakeX } from '../dev/fake-x/index.js';
import { createMastodonClient } from '../server/channels/mastodon/client.js';
import { createXClient } from '../server/channels/x/client.js';
import { DEMO_ACCOUNTS, DEMO_REVIEW_POLICY } from '../dev/demo/seed.js';
import { DEFAULT_REVIEW_POLICY } from '../server/domain/review-policy.js';
import { fakeXStateFile, fakeXStateFor, syncFakeXWithDatabase } from '../dev/demo/fake-x-sync.js';
import { as, buildXTestApp, createUser } from './helpers/app.js';
import {
  CHILD_ADMIN,
  eventually,
  httpAs,
  httpLogin,
  startChildServer,
  type ChildServer,
} from './helpers/child-server.js';

interface Question {
  id: string;
  channel: string;
  externalId: string;
  text: string;
  author: { handle: string };
  status: string;
  assigneeName: string | null;
  createdAt: string;
}
interface Thread {
  id: string;
  text: string;
  author: { username: string };
  createdAt: string;
  replies: { id: string; text: string }[];
}

// The demo starts its own fake X and replaces these; the helper only needs them to build a valid environment.
const unusedX = {
  url: 'http://127.0.0.1:9',
  credentials: { appKey: 'unused', appSecret: 'unused', accessToken: 'unused', accessSecret: 'unused' },
} as FakeX;

const dir = mkdtempSync(join(tmpdir(), 'helpforce-demo-restart-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const databasePath = join(dir, 'helpforce.db');

interface DemoServer extends ChildServer {
  fakeXUrl: string;
  fakeBlueskyUrl: string;
  fakeMastodonUrl: string;
}

async function startDemo(t: { teardown(fn: () => unknown): void }): Promise<DemoServer> {
  const server = await startChildServer({
    databasePath,
    fakeX: unusedX,
    env: { DEMO: 'true', DEMO_INTERVAL_S: '0.2', LOG_LEVEL: 'info' },
  });
  t.teardown(() => server.kill('SIGKILL'));
  const fakeXUrl = await eventually(
    () => /their view: (http:\/\/127\.0\.0\.1:\d+)\//.exec(server.output())?.[1],
    'the fake X address in the banner',
    10_000,
  );
  // The log line of the start names the other fakes.
  const logged = (name: string) => new RegExp(`"${name}":"(http://127\\.0\\.0\\.1:\\d+)"`).exec(server.output())?.[1];
  const fakeBlueskyUrl = await eventually(() => logged('fakeBluesky'), 'the fake Bluesky address in the log', 10_000);
  const fakeMastodonUrl = await eventually(
    () => logged('fakeMastodon'),
    'the fake Mastodon address in the log',
    10_000,
  );
  return { ...server, fakeXUrl, fakeBlueskyUrl, fakeMastodonUrl };
}

async function questions(
  server: ChildServer,
  session: Awaited<ReturnType<typeof httpLogin>>,
  query = '',
): Promise<Question[]> {
  const items: Question[] = [];
  for (let cursor = ''; ; ) {
    const page = await httpAs(server.url, session).get(
      `/api/questions?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    items.push(...page.body.items);
    if (!page.body.nextCursor) return items;
    cursor = page.body.nextCursor;
  }
}

/** The demo may run other networks' fakes too; this test follows X. */
const onX = (q: Question) => q.channel === 'x';

async function customerPosts(fakeXUrl: string): Promise<Thread[]> {
  const response = await fetch(`${fakeXUrl}/threads.json?limit=1000`);
  return ((await response.json()) as { threads: Thread[] }).threads;
}

t.test('the demo survives a restart on the same database', async (t) => {
  // Before: questions arrive, the expert answers one that waits for review, simulated experts hold claims.
  const firstStartedAt = Date.now();
  const first = await startDemo(t);
  t.match(
    first.output(),
    new RegExp(
      `^\\s+manager\\s+${DEMO_ACCOUNTS.manager.email.replace(/\./g, '\\.')}\\s+${DEMO_ACCOUNTS.manager.password}$`,
      'm',
    ),
    'the logins are printed as plain lines, not inside JSON',
  );
  const firstAdmin = await httpLogin(first.url, CHILD_ADMIN.email, CHILD_ADMIN.password);
  const seeded = (await httpAs(first.url, firstAdmin).get('/api/settings')).body.reviewPolicy;
  t.same(seeded, DEMO_REVIEW_POLICY, 'the demo starts with its own review policy');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8').replace(/\s+/g, ' ');
  t.match(readme, `Its review threshold is ${seeded.minApproved}:`, 'which the README states');
  t.match(
    readme,
    `outside the demo the default is ${DEFAULT_REVIEW_POLICY.minApproved}:`,
    'and the default outside it',
  );
  const policy = await httpAs(first.url, firstAdmin).put('/api/settings', {
    reviewPolicy: { minApproved: 0, reviewAll: true },
  });
  t.equal(policy.status, 200, 'every reply waits for review, so the answer below is approved only after the restart');
  let manager = await httpLogin(first.url, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password);
  let expert = await httpLogin(first.url, DEMO_ACCOUNTS.expert.email, DEMO_ACCOUNTS.expert.password);

  const open = await eventually(async () => {
    const waiting = (await questions(first, manager, '&status=new,offered')).filter(onX);
    return waiting.length >= 2 && waiting;
  }, 'two open questions');
  const target = open[0]!;
  const assigned = await httpAs(first.url, manager).post(`/api/questions/${target.id}/assign`, {
    expertId: expert.user.id,
  });
  t.equal(assigned.status, 200, 'assigned to the demo expert');
  const answer = 'Turn off Auto power off under Settings > General > Power saving and it stays on.';
  const submitted = await httpAs(first.url, expert).post(`/api/questions/${target.id}/replies`, { text: answer });
  t.equal(submitted.body.reply?.status, 'in_review', 'the reply waits for a manager');

  const before = await eventually(async () => {
    // The seeded history is there from the start: these are the customers' posts since.
    const all = (await questions(first, manager)).filter(
      (q) => onX(q) && Date.parse(q.createdAt) >= firstStartedAt - 1000,
    );
    return all.length >= 20 && all;
  }, 'twenty questions before the restart');
  const newestBefore = before.map((q) => BigInt(q.externalId)).reduce((a, b) => (a > b ? a : b));
  // A simulated expert is given work just before the stop, so it still holds it, unanswered, when the server stops.
  const sims = (
    (await httpAs(first.url, firstAdmin).get('/api/users')).body.items as { id: string; name: string }[]
  ).filter((u) => u.name.endsWith('(sim)'));
  const simsWork = open[1]!;
  const toSim = await httpAs(first.url, manager).post(`/api/questions/${simsWork.id}/assign`, {
    expertId: sims[0]!.id,
  });
  t.equal(toSim.body.question?.status, 'claimed', `held by ${sims[0]!.name}`);

  // The demo's Bluesky and Mastodon fakes keep nothing themselves: each start adds three customers' mentions to a
  // fresh one, and puts back the posts the database holds.
  const on = async (server: ChildServer, channel: string) =>
    (await questions(server, manager, `&channel=${channel}`)).length;
  const atLeast = (server: ChildServer, channel: string, least: number, what: string) =>
    eventually(
      async () => {
        const count = await on(server, channel);
        return count >= least && count;
      },
      what,
      20_000,
    );
  const fediverseBefore = {
    bluesky: await atLeast(first, 'bluesky', 3, "the demo's Bluesky mentions as questions"),
    mastodon: await atLeast(first, 'mastodon', 3, "the demo's Mastodon mentions as questions"),
  };
  // One question of each that nobody has answered yet goes to the demo expert, to be answered after the restart.
  const heldForLater = async (channel: string) => {
    const held = await eventually(async () => {
      const waiting = (await questions(first, manager, `&channel=${channel}`)).filter((q) =>
        ['new', 'offered', 'claimed', 'escalated'].includes(q.status),
      );
      return waiting[0];
    }, `an unanswered ${channel} question`);
    const assignedHere = await httpAs(first.url, manager).post(`/api/questions/${held.id}/assign`, {
      expertId: expert.user.id,
    });
    t.equal(assignedHere.status, 200, `a ${channel} question of the first run assigned to the demo expert`);
    return held;
  };
  const fromFirstRun = { bluesky: await heldForLater('bluesky'), mastodon: await heldForLater('mastodon') };

  t.same(await first.kill('SIGTERM'), { code: 0, signal: null }, 'stopped cleanly');
  t.ok(existsSync(join(dir, 'helpforce.fake-x.json')), "the fake X's state is kept beside the database");

  // After: the same X, the same accounts, and everything moves on.
  const second = await startDemo(t);
  const restartedAt = Date.now();
  manager = await httpLogin(second.url, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password);
  expert = await httpLogin(second.url, DEMO_ACCOUNTS.expert.email, DEMO_ACCOUNTS.expert.password);
  const admin = await httpLogin(second.url, CHILD_ADMIN.email, CHILD_ADMIN.password);
  const users = await httpAs(second.url, admin).get('/api/users');
  const accounts = users.body.items as { email: string; role: string }[];
  const emails = accounts.map((u) => u.email);
  t.equal(emails.length, new Set(emails).size, 'no account was seeded twice');
  t.equal(
    accounts.filter((u) => u.email.endsWith('@sim.helpforce.test') && u.role === 'expert').length,
    12,
    'the twelve simulated experts, once each',
  );
  t.same(
    (await httpAs(second.url, admin).get('/api/settings')).body.reviewPolicy,
    { minApproved: 0, reviewAll: true },
    "the seed does not undo the admin's review policy",
  );

  const reply = (submitted.body.reply as { id: string }).id;
  const approved = await httpAs(second.url, manager).post(`/api/replies/${reply}/approve`, {});
  t.equal(approved.status, 200, 'approved after the restart');
  const posted = await eventually(
    async () => {
      const detail = (await httpAs(second.url, manager).get(`/api/questions/${target.id}`)).body.question as {
        status: string;
        replies: { id: string; status: string; failureReason: string | null }[];
      };
      const mine = detail.replies.find((r) => r.id === reply)!;
      return (
        mine.status !== 'approved' && { question: detail.status, reply: mine.status, failureReason: mine.failureReason }
      );
    },
    'the approved reply to leave the outbox',
    20_000,
  );
  t.same(
    posted,
    { question: 'answered', reply: 'posted', failureReason: null },
    'posted under the question from before the restart',
  );
  t.notMatch(second.output(), /X API 400/, 'no post was refused');
  const thread = (await customerPosts(second.fakeXUrl)).find((p) => p.id === target.externalId);
  t.same(
    { text: thread?.text, author: thread?.author.username },
    { text: target.text, author: target.author.handle },
    'X still has the customer post the question came from (not another post under a reused id)',
  );
  t.ok(
    thread?.replies.some((r) => r.text.startsWith(answer)),
    'and shows the answer under it',
  );

  // Customers' posts after the restart: the first ones each become a question (a fresh fake's ids fall at or under
  // the stored since_id, so they would never be read).
  const fresh = await eventually(async () => {
    const posts = (await customerPosts(second.fakeXUrl)).filter((p) => Date.parse(p.createdAt) >= restartedAt - 1000);
    return posts.length >= 3 && posts.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).slice(0, 3);
  }, 'three customer posts after the restart');
  t.ok(
    fresh.every((p) => BigInt(p.id) > newestBefore),
    'new posts get ids above everything Helpforce has seen',
  );
  const ingested = await eventually(
    async () => {
      const known = new Map((await questions(second, manager)).map((q) => [q.externalId, q.text]));
      return fresh.every((p) => known.has(p.id)) && fresh.map((p) => known.get(p.id) === p.text);
    },
    'the first posts after the restart to be questions',
    15_000,
  );
  t.same(ingested, [true, true, true], 'every new mention is a question of its own');

  // The starter mentions are not posted again (each start posting them made the same customers ask the same
  // questions twice), and a customer's new mention is read, not left under the cursor the first run stored.
  const mentionAfter = {
    bluesky: 'my soundbar lost sound after the restart of the demo',
    mastodon: 'my laptop will not wake after the restart of the demo',
  };
  const postedOnBluesky = await fetch(`${second.fakeBlueskyUrl}/_fake/posts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ author: { handle: 'late-customer.bsky.social' }, text: mentionAfter.bluesky }),
  });
  t.equal(postedOnBluesky.status, 201, 'a customer mentions the brand on Bluesky after the restart');
  const postedOnMastodon = await fetch(`${second.fakeMastodonUrl}/_fake/mentions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text: mentionAfter.mastodon, account: { username: 'late_customer' } }),
  });
  t.equal(postedOnMastodon.status, 200, 'and one on Mastodon');
  for (const channel of ['bluesky', 'mastodon'] as const) {
    const least = fediverseBefore[channel] + 1;
    const after = await atLeast(second, channel, least, `the ${channel} mention after the restart as a question`);
    t.equal(after, least, `one ${channel} question more: the new mention, and no starter mention again`);
    const texts = (await questions(second, manager, `&channel=${channel}`)).map((q) => q.text);
    t.ok(
      texts.some((text) => text.includes(mentionAfter[channel])),
      `the new ${channel} mention is that question`,
    );
  }

  // A Bluesky and a Mastodon question of the first run are answered on the fakes of the second: each fake got back
  // the customer's post (the poster reads it before replying), and the answer is threaded under it.
  const answerAfterRestart = async (question: Question, text: string) => {
    const submittedNow = await httpAs(second.url, expert).post(`/api/questions/${question.id}/replies`, { text });
    t.equal(submittedNow.body.reply?.status, 'in_review', `the ${question.channel} reply waits for review`);
    const id = (submittedNow.body.reply as { id: string }).id;
    const approvedNow = await httpAs(second.url, manager).post(`/api/replies/${id}/approve`, {});
    t.equal(approvedNow.status, 200, 'and is approved');
    return eventually(
      async () => {
        const detail = (await httpAs(second.url, manager).get(`/api/questions/${question.id}`)).body.question as {
          replies: { id: string; status: string; failureReason: string | null }[];
        };
        const mine = detail.replies.find((r) => r.id === id)!;
        return mine.status !== 'approved' && { status: mine.status, failureReason: mine.failureReason };
      },
      `the ${question.channel} reply to leave the outbox`,
      20_000,
    );
  };

  const blueskyAnswer = 'Hold the remote power button for ten seconds to reset it.';
  t.same(
    await answerAfterRestart(fromFirstRun.bluesky, blueskyAnswer),
    { status: 'posted', failureReason: null },
    'a Bluesky question of the first run is answered after the restart',
  );
  const agent = new AtpAgent({ service: second.fakeBlueskyUrl });
  const { data: brand } = await agent.login({ identifier: 'acmehelp.bsky.social', password: FAKE_APP_PASSWORD });
  const { data: customerPost } = await agent.app.bsky.feed.getPosts({ uris: [fromFirstRun.bluesky.externalId] });
  t.match(
    customerPost.posts,
    [{ author: { handle: fromFirstRun.bluesky.author.handle }, record: { text: fromFirstRun.bluesky.text } }],
    "the fake Bluesky has the customer's post of the first run, under its own URI",
  );
  const { data: brandRecords } = await agent.com.atproto.repo.listRecords({
    repo: brand.did,
    collection: 'app.bsky.feed.post',
    limit: 100,
  });
  const onBluesky = brandRecords.records.find((r) => (r.value as { text?: string }).text?.startsWith(blueskyAnswer));
  t.match(
    onBluesky?.value,
    {
      reply: {
        root: { uri: fromFirstRun.bluesky.externalId, cid: customerPost.posts[0]?.cid },
        parent: { uri: fromFirstRun.bluesky.externalId, cid: customerPost.posts[0]?.cid },
      },
    },
    "and the brand's answer under it",
  );

  const mastodonAnswer = 'Hold the remote power button for twenty seconds to pair it again.';
  t.same(
    await answerAfterRestart(fromFirstRun.mastodon, mastodonAnswer),
    { status: 'posted', failureReason: null },
    'a Mastodon question of the first run is answered after the restart',
  );
  const masto = createMastodonClient({ url: second.fakeMastodonUrl, accessToken: 'fake-mastodon-token' }, 5_000);
  const customerStatus = await masto.v1.statuses.$select(fromFirstRun.mastodon.externalId).fetch();
  t.match(
    customerStatus,
    { id: fromFirstRun.mastodon.externalId, account: { acct: fromFirstRun.mastodon.author.handle } },
    "the fake Mastodon has the customer's status of the first run, under its own id",
  );
  const brandAccount = await masto.v1.accounts.verifyCredentials();
  const brandStatuses = await masto.v1.accounts.$select(brandAccount.id).statuses.list({ limit: 40 });
  const onMastodon = brandStatuses.find((s) => s.content.includes(mastodonAnswer));
  t.match(
    onMastodon,
    { inReplyToId: fromFirstRun.mastodon.externalId, inReplyToAccountId: customerStatus.account.id },
    "and the brand's answer under it",
  );

  // The simulated expert answers what it held when the server stopped.
  const answered = await eventually(
    async () => {
      const status = (await httpAs(second.url, manager).get(`/api/questions/${simsWork.id}`)).body.question
        .status as string;
      return status !== 'claimed' && status;
    },
    "the simulated expert's held question to be answered",
    30_000,
  );
  t.equal(answered, 'in_review', 'answered, and waiting for review as the policy says');

  t.same(await second.kill('SIGTERM'), { code: 0, signal: null }, 'stopped cleanly again');
});

t.test('without its state file, the fake X is rebuilt from what the database holds', async (t) => {
  const { fakeX: before, app } = await buildXTestApp(t);
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const manager = await createUser(app, 'manager');
  const question = before.addMention({
    text: 'my tv has no sound over hdmi',
    author: { username: 'casey', name: 'Casey' },
  });
  await app.xChannel.poller.pollOnce();
  const { id } = (await as(app, manager).get('/api/questions')).json().items[0];
  t.equal(
    (await as(app, manager).post(`/api/questions/${id}/assign`, { expertId: jane.user.id })).statusCode,
    200,
    'assigned',
  );
  const reply = (
    await as(app, jane).post(`/api/questions/${id}/replies`, { text: 'Turn on HDMI-CEC and use the ARC port.' })
  ).json().reply;
  t.equal((await as(app, manager).post(`/api/replies/${reply.id}/approve`, {})).statusCode, 200, 'approved');
  await app.services.outbox.run();
  const brandReply = before.brandReplies(question.id)[0]!;
  const followUp = before.addMention({
    text: 'still no sound, what next?',
    author: { username: 'casey' },
    inReplyToTweetId: brandReply.id,
  });
  await app.xChannel.poller.pollOnce();

  // A fresh fake, as the demo had before its state was kept (or after its file was lost).
  const after = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme' } });
  t.teardown(() => after.close());
  t.same(
    syncFakeXWithDatabase(app.services.db, after),
    { restored: 3 },
    'the question, the brand reply and the follow-up',
  );
  t.same(syncFakeXWithDatabase(app.services.db, after), { restored: 0 }, 'and nothing twice');
  const shape = ({
    id,
    text,
    inReplyToTweetId,
    conversationId,
  }: {
    id: string;
    text: string;
    inReplyToTweetId?: string;
    conversationId: string;
  }) => ({ id, text, inReplyToTweetId, conversationId });
  t.same(after.tweets().map(shape), [question, brandReply, followUp].map(shape), 'the same posts, ids and threads');
  t.equal(after.tweets()[0]!.authorId, question.authorId, "the customer's account id too");

  const client = createXClient(after.credentials, after.url, { timeoutMs: 2_000 });
  const answer = await client.v2.reply('Set the TV audio output to "Receiver". ^JD', followUp.id);
  t.match(
    after.brandReplies(followUp.id),
    [{ id: answer.data.id, conversationId: question.id }],
    'the old thread can be answered',
  );
  const fresh = after.addMention({ text: 'a new question', author: { username: 'drew' } });
  t.ok(BigInt(fresh.id) > BigInt(followUp.id), 'new posts get ids above the stored cursor');
  const listed = await client.v2.userMentionTimeline(after.brand.id, { since_id: followUp.id });
  t.same(
    listed.tweets.map((tweet) => tweet.id),
    [fresh.id],
    'so a poller asking for what is newer than its cursor finds them',
  );
});

t.test('the state file sits beside the database and is named after it', async (t) => {
  t.equal(fakeXStateFile('/srv/data/helpforce.db'), '/srv/data/helpforce.fake-x.json');
  t.equal(fakeXStateFile('/srv/data/other'), '/srv/data/other.fake-x.json');
  t.equal(fakeXStateFile(':memory:'), undefined, 'an in-memory database keeps nothing, nor does its X');
});

t.test('deleting the database resets the demo X with it', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'helpforce-demo-reset-'));
  t.teardown(() => rmSync(folder, { recursive: true, force: true }));
  const database = join(folder, 'helpforce.db');
  const file = fakeXStateFile(database)!;
  writeFileSync(database, '');
  writeFileSync(file, '{}');
  t.equal(fakeXStateFor(database), file);
  t.ok(existsSync(file), 'kept while its database is there');
  rmSync(database);
  t.equal(fakeXStateFor(database), file);
  t.notOk(existsSync(file), 'gone with it: a new database would otherwise read the old posts as new questions');
});
