// The demo as someone trying it sees it: experts answer about what was asked, act on what a manager gives them and
// revise what was sent back, customers write back, new questions still find experts after half an hour, and a fresh
// demo already has weeks of history. The simulation is driven step by step on a manual clock.
import t, { type Test } from 'tap';
import { and, eq, inArray } from 'drizzle-orm';
import { events, questions, replies } from '../db/schema.js';
import { buildApp, type App } from '../server/app.js';
import { createManualClock } from '../server/domain/clock.js';
import { seededRandom } from '../server/domain/random.js';
import { renderAttribution, X_LENGTH_RULE } from '../server/domain/attribution.js';
import { startFakeX, type FakeX } from '../dev/fake-x/index.js';
import { startDemoPush, subscribeSimulatedExperts } from '../dev/demo-push.js';
import { DEMO_ACCOUNTS, demoRouting, seedDemo } from '../dev/demo/seed.js';
import { createDemoSimulation, startDemoSimulation } from '../dev/demo/simulator.js';
import { syncFakeXWithDatabase } from '../dev/demo/fake-x-sync.js';
import { DEMO_TOPICS, REVISION_CLOSINGS, THANK_YOUS } from '../dev/demo/catalog.js';
import { answerFor, topicOf } from '../dev/demo/topics.js';
import { isThanks } from '../server/domain/reactions.js';
import type { Services } from '../server/plugins/services.js';
import { as, login, testConfig } from './helpers/app.js';

const INTERVAL_MS = 6000; // the demo's default pace: a customer question every 6 seconds
const STEP_MS = 2000;
const quiet = { info() {}, warn() {} };

async function startDemo(t: Test, seed = 1) {
  const clock = createManualClock(Date.now());
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme Electronics' } });
  t.teardown(() => fakeX.close());
  const config = testConfig(t, { x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 60_000 } });
  config.routing = demoRouting(config.routing, INTERVAL_MS, {});
  const push = await startDemoPush(config);
  t.teardown(() => push.close());
  const app = await buildApp(config, { logger: false, timers: false, clock });
  t.teardown(() => app.close());
  await app.ready();
  // As in `npm start`: the metrics' hour cache is warm (from an empty database) before the history is written.
  await app.services.metrics.warmed();
  const seeded = await seedDemo(app.services, { routing: config.routing });
  await subscribeSimulatedExperts(app.services, push);
  syncFakeXWithDatabase(app.services.db, fakeX);
  const random = seededRandom(seed);
  const simulation = createDemoSimulation(app.services, fakeX, { intervalMs: INTERVAL_MS, log: quiet, random, clock });
  let sinceQuestion = 0;
  /** One step of the running demo: what its timers and the server's would do in STEP_MS. */
  const step = async (questionsToo = true) => {
    clock.advance(STEP_MS);
    sinceQuestion += STEP_MS;
    if (questionsToo && sinceQuestion >= INTERVAL_MS) {
      sinceQuestion = 0;
      simulation.postQuestion();
    }
    await app.xChannel.poller.pollOnce();
    await simulation.step();
    await app.services.dispatcher.run();
    await app.services.outbox.run();
  };
  return { app, fakeX, clock, simulation, step, seeded };
}

const sims = async (app: App) =>
  (await app.services.auth.listAccounts()).filter((u) => u.role === 'expert' && u.name.endsWith('(sim)'));

t.test('every sample question is answered about its own topic, within X length', async (t) => {
  const pick = <T>(list: readonly T[]) => list[0]!;
  for (const topic of DEMO_TOPICS) {
    for (const question of topic.questions) {
      t.equal(topicOf(question, [topic.tag]), topic, `"${question}" is read as its own topic`);
      t.equal(topicOf(question, ['appliances']), topic, 'even when the classifier tagged it otherwise');
      t.ok(topic.answers.includes(answerFor(question, [], pick)), 'and answered with one of its answers');
    }
    t.ok(topic.answers.length >= 2, 'a revision has another answer to use');
    t.notOk(isThanks(topic.followUp), `the follow-up "${topic.followUp}" reads as a question`);
    for (const answer of topic.answers) {
      const longest = renderAttribution(`Hi @deshawn_c999! ${answer} ${REVISION_CLOSINGS[1]}`, 'KW');
      t.ok(X_LENGTH_RULE.measure(longest) <= 280, `fits on X: ${answer.slice(0, 40)}…`);
    }
  }
  for (const thanks of THANK_YOUS) t.ok(isThanks(thanks), `"${thanks}" is read as a thank-you`);
  const microwave = answerFor('microwave door handle came loose after a week #annoyed', ['appliances'], pick);
  t.match(microwave, /handle/, 'a microwave question gets a microwave answer');
  t.notMatch(microwave, /ice/i, 'not an ice-maker one');
});

t.test('a fresh demo has weeks of answered history, and a restart seeds none again', async (t) => {
  const { app, seeded, clock } = await startDemo(t);
  t.ok(seeded.history >= 100, `${seeded.history} answered questions`);
  // The accounts' password hashes (argon2, slow by design) are most of the first start; the history is one transaction.
  t.ok(seeded.historyMs < 2000, `written in ${seeded.historyMs} ms`);
  const rows = app.services.db.select().from(questions).all();
  const days = new Set(rows.map((q) => Math.floor((clock.now() - q.receivedAt) / 86_400_000)));
  t.ok(days.size >= 14, `spread over ${days.size} past days`);
  t.ok(
    rows.every((q) => q.receivedAt < clock.now() - 3_600_000 && q.status === 'answered'),
    'all in the past, answered',
  );
  const authors = new Set(
    app.services.db
      .select({ a: replies.authorId })
      .from(replies)
      .all()
      .map((r) => r.a),
  );
  t.ok(authors.size >= 6, `by ${authors.size} experts`);

  const manager = await login(app, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password);
  const insights = (await as(app, manager).get('/api/insights')).json();
  t.ok(insights.totals.questions >= 30, `the digest counts ${insights.totals.questions} questions this week`);
  t.ok(insights.topTags.length >= 5, 'with its top tags');
  t.ok(insights.risingTopics.length >= 1, 'and at least one rising topic');
  const recognition = (await as(app, manager).get('/api/recognition')).json();
  const answering = recognition.experts.filter((e: { answered: number }) => e.answered > 0);
  t.ok(answering.length >= 6, `recognition shows ${answering.length} experts with answers`);
  t.ok(
    recognition.experts.some((e: { thanks: number }) => e.thanks > 0),
    'and customers thanking them',
  );
  const metrics = await as(app, manager).get('/api/metrics');
  t.equal(metrics.statusCode, 200);
  t.ok(metrics.json().total >= 30, `the metrics count ${metrics.json().total} questions this week, not only today's`);

  const again = await seedDemo(app.services);
  t.equal(again.history, 0, 'a second start adds no history');
  t.equal(app.services.db.select().from(questions).all().length, rows.length, 'and no question');
});

t.test('simulated experts act on assigned work and revise a rejected reply', async (t) => {
  const { app, fakeX, step } = await startDemo(t, 2);
  const manager = await login(app, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password);
  await app.services.settings.update({ reviewPolicy: { minApproved: 0, reviewAll: true } });
  const post = fakeX.addMention({
    text: 'microwave door handle came loose after a week #annoyed',
    author: { username: 'pat_r42' },
  });
  await step(false);
  const question = app.services.db.select().from(questions).where(eq(questions.externalId, post.id)).get()!;
  const lena = (await sims(app)).find((u) => u.name.startsWith('Lena'))!;
  const assigned = await as(app, manager).post(`/api/questions/${question.id}/assign`, { expertId: lena.id });
  t.equal(assigned.statusCode, 200, 'assigned to a simulated expert');

  const waitFor = async (what: () => boolean, steps = 30) => {
    for (let i = 0; i < steps && !what(); i++) await step(false);
    return what();
  };
  const theirs = () =>
    app.services.db
      .select()
      .from(replies)
      .where(and(eq(replies.questionId, question.id), eq(replies.authorId, lena.id)))
      .all();
  t.ok(await waitFor(() => theirs().some((r) => r.status === 'in_review')), 'she answers what she was given');
  const first = theirs()[0]!;
  t.match(first.text, /^Hi @pat_r42! .*handle/, 'greeting the customer, about the microwave handle');

  const rejected = await as(app, manager).post(`/api/replies/${first.id}/reject`, { feedback: 'Offer an exchange.' });
  t.equal(rejected.statusCode, 200, 'sent back');
  t.ok(
    await waitFor(() => theirs().some((r) => r.id !== first.id && r.status === 'in_review')),
    'she submits a revision',
  );
  const revision = theirs().find((r) => r.id !== first.id)!;
  t.not(revision.text, first.text, 'with a different text');
  t.ok(
    REVISION_CLOSINGS.some((closing) => revision.text.endsWith(closing)),
    'which adds a next step',
  );
  t.equal((await as(app, manager).get(`/api/questions/${question.id}`)).json().question.status, 'in_review');
});

t.test(
  'after 36 minutes new questions still find experts, answers fit the question, customers write back',
  async (t) => {
    const { app, fakeX, step, clock } = await startDemo(t, 3);
    const started = clock.now();
    const minutes = 36;
    for (let i = 0; i < (minutes * 60_000) / STEP_MS; i++) await step();
    const { db } = app.services;

    const late = db
      .select()
      .from(questions)
      .all()
      .filter((q) => q.receivedAt >= started + 30 * 60_000 && q.receivedAt < started + 34 * 60_000);
    t.ok(late.length >= 35, `${late.length} questions in minutes 30 to 34`);
    const offered = db
      .select({ questionId: events.questionId, data: events.data })
      .from(events)
      .where(
        and(
          eq(events.type, 'question.offered'),
          inArray(
            events.questionId,
            late.map((q) => q.id),
          ),
        ),
      )
      .all()
      .filter((e) => ((e.data as { experts?: string[] }).experts ?? []).length > 0);
    const share = new Set(offered.map((e) => e.questionId)).size / late.length;
    t.ok(share >= 0.9, `${Math.round(share * 100)}% of them were offered to someone`);
    const nobody = late.filter((q) => q.flag === 'no-expert').length;
    t.ok(nobody / late.length < 0.1, `${nobody} flagged "No expert available"`);
    const answered = late.filter((q) => ['answered', 'in_review', 'posting'].includes(q.status)).length;
    t.ok(answered / late.length >= 0.4, `${answered} of them answered or waiting for review by the end`);

    const posted = db
      .select({ text: replies.text, question: questions.text })
      .from(replies)
      .innerJoin(questions, eq(questions.id, replies.questionId))
      .where(and(eq(replies.status, 'posted')))
      .all()
      .filter((r) => r.question && !r.text.includes(REVISION_CLOSINGS[0]!) && !r.text.includes(REVISION_CLOSINGS[1]!));
    const onTopic = posted.filter((r) => {
      const topic = topicOf(r.question);
      return !topic || topic.answers.some((a) => r.text.includes(a));
    });
    t.ok(posted.length > 100, `${posted.length} answers posted`);
    t.equal(onTopic.length, posted.length, 'every one from the topic its question is about');

    const brand = new Set(fakeX.brandReplies().map((r) => r.id));
    const writtenBack = fakeX
      .tweets()
      .filter((p) => p.authorId !== fakeX.brand.id && p.inReplyToTweetId && brand.has(p.inReplyToTweetId));
    t.ok(writtenBack.length >= 10, `${writtenBack.length} customers wrote under an answer`);
    const count = (type: string) =>
      db
        .select()
        .from(events)
        .where(eq(events.type, type))
        .all()
        .filter((e) => e.at >= started).length;
    t.ok(count('question.thanked') > 0, `${count('question.thanked')} thanked`);
    t.ok(count('question.reopened') > 0, `${count('question.reopened')} follow-ups reopened their question`);
    t.ok(count('reply.rejected') > 0, 'the shift lead sent some replies back');

    // Capacity turns over: nothing a simulated expert holds has been held for long.
    const simIds = new Set((await sims(app)).map((u) => u.id));
    const longest = Math.max(
      0,
      ...db
        .select({ claimedAt: questions.claimedAt, assigneeId: questions.assigneeId })
        .from(questions)
        .where(inArray(questions.status, ['claimed', 'in_review']))
        .all()
        .filter((q) => q.assigneeId !== null && simIds.has(q.assigneeId))
        .map((q) => clock.now() - (q.claimedAt ?? clock.now())),
    );
    t.ok(longest < 15 * 60_000, `the longest held question was claimed ${Math.round(longest / 60_000)} minutes ago`);
  },
);

t.test(
  'a timer tick while the last step still waits on the services is skipped, and stopping waits for it',
  async (t) => {
    // The step's first read (who the simulated experts are) hangs until released: the steps' timer keeps ticking.
    let reads = 0;
    let release = () => {};
    const services = {
      clock: { now: () => Date.now() },
      data: {},
      auth: {
        listAccounts: () => {
          reads++;
          return new Promise<[]>((resolve) => {
            release = () => resolve([]);
          });
        },
        listUsers: async () => [],
      },
    } as unknown as Services;
    const fakeX = { brandReplies: () => [], addMention() {} } as unknown as FakeX;
    const stop = startDemoSimulation(services, fakeX, { intervalMs: 10, log: quiet });
    await new Promise((resolve) => setTimeout(resolve, 100));
    t.equal(reads, 1, 'one step under way, however many ticks came');
    let stopped = false;
    const stopping = stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    t.notOk(stopped, 'stopping waits for the step under way');
    release();
    await stopping;
    t.equal(reads, 1, 'and no step starts after it');
  },
);
