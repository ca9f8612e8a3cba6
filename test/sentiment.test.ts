// How a customer felt, stored with every post they send: the question and each follow-up; a strongly negative
// question goes first in the urgent order and can have a shorter SLA; and the metrics count the negative threads an
// answer turned around.
import t, { type Test } from 'tap';
import { SentimentMetricsSchema } from '../server/contracts/api.js';
import { scoreSentiment, shiftAround, STRONGLY_NEGATIVE, triage } from '../server/domain/sentiment.js';
import { ADMIN, as, buildTestApp, createUser, login, seedTags } from './helpers/app.js';
import { answer, ask } from './helpers/knowledge.js';

const ANGRY = 'My tv is broken again, terrible awful service, I hate this useless junk';
const THANKS = 'Thank you so much, that worked, great help!';

t.test('scoreSentiment labels a post and scores it per word', async (t) => {
  const table: [string, 'negative' | 'neutral' | 'positive'][] = [
    [ANGRY, 'negative'],
    [THANKS, 'positive'],
    ['@AcmeHelp my flight is at 5pm, which gate?', 'neutral'],
    ['', 'neutral'],
    ['the app keeps crashing, this is a disaster', 'negative'],
  ];
  for (const [text, label] of table) t.equal(scoreSentiment(text).label, label, text);
  t.ok(scoreSentiment(ANGRY).score <= STRONGLY_NEGATIVE, 'an angry post is strongly negative');
  t.ok(scoreSentiment('not great').score < 0, 'a negation flips the word after it');
});

t.test('triage moves a strongly negative post up and shortens its SLA only when set', async (t) => {
  const angry = scoreSentiment(ANGRY);
  const calm = scoreSentiment('which gate is my flight at?');
  t.same(triage(calm, 1_800_000, 600_000), { priority: 0, slaMs: 1_800_000 });
  t.same(triage(angry, 1_800_000, null), { priority: 1, slaMs: 1_800_000 });
  t.same(triage(angry, 1_800_000, 600_000), { priority: 1, slaMs: 600_000 });
  t.same(triage(angry, 1_800_000, 3_600_000), { priority: 1, slaMs: 1_800_000 }, 'never longer than everyone’s');
});

t.test('shiftAround compares the latest post before the answer with the next one after it', async (t) => {
  const posts = [
    { at: 1, label: 'neutral' as const },
    { at: 2, label: 'negative' as const },
    { at: 5, label: 'positive' as const },
    { at: 6, label: 'negative' as const },
  ];
  t.same(shiftAround(posts, 3), { before: 'negative', after: 'positive', turned: true });
  t.same(shiftAround(posts, 5), { before: 'positive', after: 'negative', turned: false });
  t.same(shiftAround(posts.slice(0, 2), 3), { before: 'negative', after: null, turned: false }, 'silence is no turn');
  t.same(shiftAround([{ at: 1, label: null }], 0), { before: null, after: null, turned: false });
});

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  return { app, manager, jane };
}

t.test('a question is stored with its sentiment, shown in its detail; a follow-up with its own', async (t) => {
  const { app, manager } = await setup(t);
  const question = await ask(app, manager, ANGRY, { externalId: 'angry-1' });
  const detail = async () => (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  const first = await detail();
  t.equal(first.sentiment.label, 'negative');
  t.equal(first.sentiment.score, scoreSentiment(ANGRY).score);
  t.equal(first.priority, 1, 'strongly negative: first in the urgent order');

  await ask(app, manager, THANKS, { externalId: 'thanks-1', inReplyToExternalId: 'angry-1' });
  const thread = (await detail()).thread;
  t.equal(thread.length, 2, 'the follow-up joined the thread');
  t.same(
    thread.map((m: { sentiment: { label: string } }) => m.sentiment.label),
    ['negative', 'positive'],
  );
  const stored = app.services.db.$client
    .prepare('select sentiment_label label, sentiment_score score from messages where external_id = ?')
    .get('thanks-1') as { label: string; score: number };
  t.same(stored, { label: 'positive', score: scoreSentiment(THANKS).score });
});

t.test('a strongly negative question comes first in the urgent order, with the shorter SLA once set', async (t) => {
  const { app, manager } = await setup(t);
  const calm = await ask(app, manager, 'how do I pair the tv remote?');
  const before = await ask(app, manager, ANGRY);
  const dueAt = app.services.db.$client.prepare<[string], { d: number }>(
    'select sla_due_at d from questions where id = ?',
  );
  const due = (q: { id: string }) => dueAt.get(q.id)?.d ?? 0;
  t.equal(due(before) - due(calm) < 60_000, true, 'no shorter SLA unless a manager sets one');

  const admin = await login(app, ADMIN.email, ADMIN.password);
  const set = await as(app, admin).put('/api/settings', { negativeSlaMinutes: 5 });
  t.equal(set.statusCode, 200);
  t.equal(set.json().negativeSlaMinutes, 5);
  const refused = await as(app, admin).put('/api/settings', { negativeSlaMinutes: 0 });
  t.equal(refused.statusCode, 400, 'a zero-minute SLA is refused');
  const after = await ask(app, manager, `${ANGRY}!`);
  const calmAfter = await ask(app, manager, 'is there a manual for the soundbar?');
  t.ok(due(calmAfter) - due(after) > 20 * 60_000, 'the angry question is due 5 minutes after it came, not 30');

  const list = (await as(app, manager).get('/api/questions?sort=sla&limit=10')).json().items as { id: string }[];
  const cleared = await as(app, admin).put('/api/settings', { negativeSlaMinutes: null });
  t.equal(cleared.json().negativeSlaMinutes, null, 'cleared: the same SLA for all again');
  t.equal(
    (await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } })).statusCode,
    200,
  );
  t.equal((await as(app, admin).get('/api/settings')).json().negativeSlaMinutes, null, 'and it stays so');
  const order = list.map((q) => q.id);
  t.ok(order.indexOf(before.id) < order.indexOf(calm.id), 'an older calm question waits behind an angry one');
  t.same(order.slice(0, 2).sort(), [before.id, after.id].sort(), 'both angry questions lead the queue');
});

t.test('the shift: a negative question, an answer, a thank-you counts as turned, by tag and by expert', async (t) => {
  const { app, manager, jane } = await setup(t);
  const now = Date.now();
  const angry = await ask(app, manager, ANGRY, { externalId: 'shift-1' });
  await answer(app, { manager, expert: jane }, angry, 'Sorry about that: here is how to get it replaced.');
  await as(app, manager).post('/api/questions', {
    channel: 'test',
    externalId: 'shift-1-thanks',
    text: THANKS,
    author: { handle: 'customer' },
    inReplyToExternalId: 'shift-1',
    createdAt: new Date(now + 60_000).toISOString(),
  });
  const silent = await ask(app, manager, `${ANGRY} twice`, { externalId: 'shift-2' });
  await answer(app, { manager, expert: jane }, silent, 'We are on it.');
  await ask(app, manager, 'is the tv remote sold separately?');

  const range = `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
  const response = await as(app, manager).get(`/api/metrics/sentiment?${range}`);
  t.equal(response.statusCode, 200);
  const m = SentimentMetricsSchema.parse(response.json());
  t.match(m, { answered: 2, negativeThreads: 2, heardAfter: 1, turned: 1, turnedShare: 1 });
  t.match(m.byTag, [{ tag: 'tv', negativeThreads: 2, heardAfter: 1, turned: 1 }]);
  t.match(m.byExpert, [{ expertId: jane.user.id, name: 'Jane', turned: 1 }]);
  const received = m.overTime.reduce((n, b) => n + b.negative + b.neutral + b.positive + b.unscored, 0);
  t.equal(received, 3, 'the volume over time counts every question received');
  t.equal(
    m.overTime.reduce((n, b) => n + b.negative, 0),
    2,
    'two of them negative',
  );

  const recognition = (await as(app, manager).get(`/api/recognition?${range}`)).json();
  t.match(
    recognition.experts.find((e: { expertId: string }) => e.expertId === jane.user.id),
    { negativeThreads: 2, turned: 1 },
    'recognition credits the expert with the customer turned around',
  );
  t.match(recognition.stores, [{ negativeThreads: 2, turned: 1 }], 'and their store');

  const csv = await as(app, manager).get(`/api/metrics/sentiment?${range}&format=csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /text\/csv/);
  t.match(csv.body, /^section,key,received,negative,neutral,positive,unscored,negative_threads,heard_after,turned/);
  t.match(csv.body, /\r\nexpert,Jane,,,,,,2,1,1,1\r\n/);

  const expert = await as(app, jane).get(`/api/metrics/sentiment?${range}`);
  t.equal(expert.statusCode, 403, 'managers only');
});
