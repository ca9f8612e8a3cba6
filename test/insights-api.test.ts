// The feedback loop over HTTP: the insight digest (JSON, CSV, Markdown) and expert recognition, on a manual clock
// so questions land in the periods the test means.
import t, { type Test } from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { as, buildTestApp, createUser, login, seedTags } from './helpers/app.js';
import { answer, ask, assign, submit } from './helpers/knowledge.js';

const DAY = 24 * 3600_000;
const START = Date.parse('2026-03-02T00:00:00.000Z');

async function setup(t: Test) {
  const clock = createManualClock(START);
  const app = await buildTestApp(t, { clock });
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', store: 'Store 12', skills: [{ tag: 'tv', level: 5 }] },
  });
  const bob = await createUser(app, 'expert', {
    name: 'Bob',
    profile: { signature: 'BO', store: 'Store 12', skills: [{ tag: 'laptops', level: 4 }] },
  });
  const carol = await createUser(app, 'expert', { name: 'Carol', profile: { signature: 'CA' } });
  return { app, clock, manager, jane, bob, carol };
}

t.test('the insight digest: top tags, rising topics, unanswered by tag, with examples', async (t) => {
  const people = await setup(t);
  const { app, clock } = people;
  let { manager, jane } = people;
  // Sessions last a week: log in again after each jump of the clock.
  const relogin = async () => {
    manager = { ...manager, ...(await login(app, people.manager.email, people.manager.password)) };
    jane = { ...jane, ...(await login(app, people.jane.email, people.jane.password)) };
  };
  // Previous week (2–9 March): laptops and a little TV.
  for (let i = 0; i < 6; i++) await ask(app, manager, `My laptop battery drains fast, day ${i}`);
  await ask(app, manager, 'TV remote not working');
  clock.set(START + 7 * DAY);
  await relogin();
  // This week (9–16 March): an HDMI problem takes off.
  const hdmi = [];
  for (let i = 0; i < 5; i++) hdmi.push(await ask(app, manager, `No sound over HDMI on my TV, attempt ${i}`));
  await ask(app, manager, 'Laptop battery drains fast again');
  await ask(app, manager, 'Where is my order?');
  const spam = await ask(app, manager, 'HDMI HDMI HDMI buy followers');
  await as(app, manager).post(`/api/questions/${spam.id}/dismiss`, { reason: 'spam' });
  await answer(app, { manager, expert: jane }, hdmi[0]!, 'Turn on HDMI-CEC.');
  clock.set(START + 14 * DAY);
  await relogin();

  const url = `/api/insights?from=${new Date(START + 7 * DAY).toISOString()}&to=${new Date(START + 14 * DAY).toISOString()}`;
  const response = await as(app, manager).get(url);
  t.equal(response.statusCode, 200);
  const digest = response.json();
  t.match(digest, {
    from: '2026-03-09T00:00:00.000Z',
    to: '2026-03-16T00:00:00.000Z',
    previousFrom: '2026-03-02T00:00:00.000Z',
  });
  t.same(
    digest.totals,
    { questions: 7, previousQuestions: 7, answered: 1, unanswered: 6 },
    'dismissed spam is left out',
  );
  t.match(digest.topTags[0], { tag: 'tv', name: 'TVs', count: 5, share: 5 / 7 });
  t.equal(digest.topTags[0].examples.length, 3, 'three examples per tag');
  t.ok(digest.topTags[0].examples.every((e: { text: string }) => /HDMI/.test(e.text)));
  t.match(digest.topTags[1], { tag: 'laptops', count: 1 });
  const rising = digest.risingTopics.map((r: { term: string }) => r.term);
  t.ok(rising.includes('hdmi') && rising.includes('sound'), `rising: ${rising.join(', ')}`);
  t.notOk(rising.includes('battery') || rising.includes('laptop'), 'laptop batteries were asked about before');
  const hdmiTopic = digest.risingTopics.find((r: { term: string }) => r.term === 'hdmi');
  t.match(hdmiTopic, { label: 'hdmi', count: 5, previousCount: 0, previousShare: 0 });
  t.equal(hdmiTopic.examples.length, 3, 'a rising topic shows three example questions');
  t.ok(
    hdmiTopic.examples.every(
      (e: { id: string; text: string; receivedAt: string }) =>
        /HDMI/.test(e.text) && e.id && Date.parse(e.receivedAt) >= START + 7 * DAY,
    ),
    'read back with their texts, from the period',
  );
  t.same(digest.unansweredByTag, [
    { tag: 'tv', count: 4 },
    { tag: 'laptops', count: 1 },
    { tag: null, count: 1 },
  ]);

  const csv = await as(app, manager).get(`${url}&format=csv`);
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.equal(csv.headers['content-disposition'], 'attachment; filename="helpforce-insights-2026-03-09-2026-03-16.csv"');
  t.match(csv.body, /^section,key,label,count,share,previous_count,previous_share,growth,examples\r\n/);
  t.match(csv.body, /\r\ntop_tag,tv,TVs,5,0\.7143,/);
  const md = await as(app, manager).get(`${url}&format=md`);
  t.match(md.headers['content-type'], /^text\/markdown/);
  t.match(md.headers['content-disposition'], /^attachment; filename="helpforce-insights-2026-03-09-2026-03-16\.md"$/);
  t.match(md.body, /\| TVs \| 5 \| 71\.4% \|/);

  const defaults = (await as(app, manager).get('/api/insights')).json();
  t.equal(defaults.to, new Date(START + 14 * DAY).toISOString(), 'by default the last 7 days up to now');
  t.equal(defaults.totals.questions, 7);

  t.equal((await as(app, jane).get('/api/insights')).statusCode, 403, 'managers only');
  t.equal((await app.inject({ method: 'GET', url: '/api/insights' })).statusCode, 401);
  t.equal((await as(app, manager).get('/api/insights?format=xml')).statusCode, 400);
  t.equal((await as(app, manager).get('/api/insights?from=yesterday')).statusCode, 400);
  const days = await as(app, manager).get('/api/insights?from=2026-03-09&to=2026-03-15');
  t.equal(days.statusCode, 200, 'bare dates are accepted');
  t.match(
    days.json(),
    { from: '2026-03-09T00:00:00.000Z', to: '2026-03-16T00:00:00.000Z' },
    "to a bare `to` day's end",
  );
  const backwards = await as(app, manager).get('/api/insights?from=2026-03-16T00:00:00Z&to=2026-03-09T00:00:00Z');
  t.equal(backwards.statusCode, 422);
  t.equal(backwards.json().error.code, 'invalid_range');
});

t.test('recognition: answers, time to reply, approval rate and thank-yous, per expert and per store', async (t) => {
  const { app, clock, manager, jane, bob, carol } = await setup(t);
  const answerIn = async (expert: typeof jane, text: string, minutes: number) => {
    const question = await ask(app, manager, text);
    await assign(app, manager, question.id, expert.user.id);
    clock.advance(minutes * 60_000);
    return { question, reply: await submit(app, expert, question.id, `Answer to: ${text}`) };
  };
  const approve = async (replyId: string) => {
    await as(app, manager).post(`/api/replies/${replyId}/approve`, {});
    await app.services.outbox.run();
  };

  const one = await answerIn(jane, 'TV has no sound', 4);
  await approve(one.reply.id);
  const two = await answerIn(jane, 'TV flickers', 10);
  await as(app, manager).post(`/api/replies/${two.reply.id}/reject`, { feedback: 'Be more specific' });
  clock.advance(2 * 60_000);
  await approve((await submit(app, jane, two.question.id, 'Update the TV firmware from the settings menu.')).id);
  const three = await answerIn(bob, 'Laptop will not boot', 6);
  await approve(three.reply.id);
  await ask(app, manager, 'thanks, that fixed it!', { inReplyToExternalId: one.question.externalId });
  await ask(app, manager, 'that worked, cheers', { inReplyToExternalId: three.question.externalId });
  const outside = await answerIn(carol, 'Order missing', 1);
  await approve(outside.reply.id);
  clock.advance(DAY);

  const from = new Date(START).toISOString();
  const to = new Date(START + DAY / 2).toISOString();
  const response = await as(app, manager).get(`/api/recognition?from=${from}&to=${to}`);
  t.equal(response.statusCode, 200);
  const body = response.json();
  t.match(body, { from, to });
  t.same(
    body.experts.map((e: { name: string }) => e.name),
    ['Jane', 'Bob', 'Carol'],
    'most answers first',
  );
  t.match(body.experts[0], {
    expertId: jane.user.id,
    store: 'Store 12',
    answered: 2,
    reviewed: 3,
    approvalRate: 2 / 3,
    thanks: 1,
    medianReplyMs: 10 * 60_000,
  });
  t.match(body.experts[1], {
    expertId: bob.user.id,
    answered: 1,
    approvalRate: 1,
    thanks: 1,
    medianReplyMs: 6 * 60_000,
  });
  t.match(body.experts[2], { expertId: carol.user.id, store: null, answered: 1, thanks: 0 });
  t.match(body.stores, [
    { store: 'Store 12', experts: 2, answered: 3, reviewed: 4, approvalRate: 3 / 4, thanks: 2 },
    { store: null, experts: 1, answered: 1, thanks: 0 },
  ]);

  const mine = (await as(app, jane).get(`/api/recognition?from=${from}&to=${to}`)).json();
  t.same(
    mine.experts.map((e: { expertId: string }) => e.expertId),
    [jane.user.id],
    'an expert sees only their own row',
  );
  t.same(mine.stores, [], 'and no store figures');

  const later = (
    await as(app, manager).get(
      `/api/recognition?from=${new Date(START + DAY / 2).toISOString()}&to=${new Date(START + 2 * DAY).toISOString()}`,
    )
  ).json();
  t.ok(
    later.experts.every((e: { answered: number; thanks: number }) => e.answered === 0 && e.thanks === 0),
    'a period with no activity counts nothing',
  );
  t.equal(later.experts[0].approvalRate, null, 'and has no approval rate');
  t.equal(
    (await as(app, manager).get('/api/recognition')).json().experts[0].answered,
    2,
    'by default the last 30 days',
  );
  t.equal((await as(app, manager).get(`/api/recognition?from=${to}&to=${from}`)).statusCode, 422);
  t.equal((await as(app, manager).get('/api/recognition?to=soon')).statusCode, 400);
  // Bare dates are whole UTC days: from that day's start to the end of the `to` day.
  const byDate = await as(app, manager).get('/api/recognition?from=2026-03-02&to=2026-03-02');
  t.equal(byDate.statusCode, 200);
  t.match(
    byDate.json(),
    { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' },
    'a bare date spans its day',
  );
  t.same(
    byDate.json().experts,
    (await as(app, manager).get(`/api/recognition?from=${from}&to=${new Date(START + DAY).toISOString()}`)).json()
      .experts,
    'the same figures as the date-times of that day',
  );
  const notADate = await as(app, manager).get('/api/recognition?from=2026-13-01');
  t.equal(notADate.statusCode, 400, 'not a date');
  t.match(
    notADate.json().error.message,
    /from: expected an ISO date-time or a date \(YYYY-MM-DD\)/,
    'and the message says what would be',
  );
  const all = (await as(app, manager).get(`/api/recognition?from=${from}&to=${to}`)).json();
  t.ok(all.experts.length >= 3 && all.expertsTotal === all.experts.length, 'every expert, and how many');
  const top = (await as(app, manager).get(`/api/recognition?from=${from}&to=${to}&experts=2`)).json();
  t.same(top.experts, all.experts.slice(0, 2), 'experts=2: the first two of the whole list');
  t.same([top.expertsTotal, top.stores], [all.expertsTotal, all.stores], 'stores still count everyone');
  t.equal((await as(app, manager).get('/api/recognition?experts=0')).statusCode, 400);
  t.equal((await app.inject({ method: 'GET', url: '/api/recognition' })).statusCode, 401);
});
