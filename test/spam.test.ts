// Spam and abuse stay out of experts' offers: held posts wait for a manager, who releases them or dismisses them as
// spam, and the model learns from both.
import t from 'tap';
import { createManualClock } from '../server/domain/clock.js';
import { createSpamModel, judgeSpam } from '../server/domain/spam.js';
import { SPAM_FLAG } from '../server/services/spam.js';
import { as, buildTestApp, createUser, seedTags, tempDatabasePath } from './helpers/app.js';

const fresh = { seenBefore: 0, learned: null };
const PROMOTION = 'Getaway deals through May, from $59 one-way! Lots of cool cities http://t.co/abc #CheapFlights';

t.test('the rules hold promotions, link lists, repeats and threats, not angry or idiomatic customers', async (t) => {
  t.ok(judgeSpam(PROMOTION, fresh).suspected, 'a promotion with a link');
  t.ok(judgeSpam('Chicago #a #b #c #d #e https://t.co/x https://t.co/y', fresh).suspected, 'hashtags around links');
  t.ok(judgeSpam('@brand plz kys', fresh).suspected, 'abuse');
  const repeated = 'I have embossed badges superior to the ones you are using http://t.co/x';
  t.notOk(judgeSpam(repeated, { seenBefore: 1, learned: null }).suspected, 'twice is not yet a pattern');
  t.ok(judgeSpam(repeated, { seenBefore: 2, learned: null }).suspected, 'the same text with a link a third time');
  t.notOk(
    judgeSpam('RT @brand: Our fleet is on fleek http://t.co/x', { seenBefore: 9, learned: null }).suspected,
    'a retweet repeats by nature',
  );
  for (const customer of [
    '@usairways would it kill you to let me know how many minutes I might be on hold?',
    '@united worst airline ever, fuck this, my bag is lost AGAIN',
    '@SouthwestAir app error - says click here, cannot click http://t.co/x',
    '@VirginAmerica when are you putting some great deals from PDX to LAS? http://t.co/x',
    '@united see my screenshot https://t.co/a and this https://t.co/b, the fare changed twice',
  ])
    t.notOk(judgeSpam(customer, fresh).suspected, customer);
  const verdict = judgeSpam(PROMOTION, fresh);
  t.match(verdict.reasons, ['a promotion with a link'], 'the reasons are words a manager reads');
});

t.test('the model says nothing until it has seen both kinds, then learns the words', async (t) => {
  const model = createSpamModel(3);
  for (let i = 0; i < 3; i++) model.learn(`win a free cruise ${i} zorblax prize now`, 'spam');
  t.equal(model.probability('zorblax prize'), null, 'no examples of customers yet');
  for (let i = 0; i < 3; i++) model.learn(`my tv ${i} has no sound after the update`, 'ham');
  t.ok((model.probability('claim your zorblax prize') ?? 0) > 0.9, 'the spam words');
  t.ok((model.probability('the tv has no sound') ?? 1) < 0.1, "a customer's words");
});

async function setup(t: Parameters<typeof buildTestApp>[0], databasePath?: string) {
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock, databasePath, routing: { escalateMs: 60_000 } });
  await seedTags(app);
  const expert = await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 5 }], capacity: 3 } });
  await app.services.experts.setOnline(expert.user.id, true);
  const manager = await createUser(app, 'manager');
  const post = async (text: string) =>
    (
      await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId: `p-${Math.random()}`,
        text,
        author: { handle: 'someone' },
      })
    ).json().question;
  return { app, clock, expert, manager, post };
}

t.test('a suspected spam post waits for a manager, offered to nobody, never escalated', async (t) => {
  const { app, clock, expert, manager, post } = await setup(t);
  const held = await post(PROMOTION);
  t.equal(held.status, 'new');
  t.equal(held.flag, SPAM_FLAG);
  const detail = (await as(app, manager).get(`/api/questions/${held.id}`)).json().question;
  t.same(detail.offers, [], 'no offers');
  t.ok(
    detail.events.some(
      (e: { type: string; data: { reasons?: string[] } }) => e.type === 'question.held' && e.data.reasons?.length,
    ),
    'the audit log says why',
  );
  const lane = (await as(app, manager).get('/api/questions?status=new&flag=spam')).json();
  t.same(
    lane.items.map((q: { id: string }) => q.id),
    [held.id],
    "the managers' lane lists it",
  );
  clock.advance(120_000);
  app.services.dispatcher.rosterChanged();
  await app.services.dispatcher.tick();
  const later = (await as(app, manager).get(`/api/questions/${held.id}`)).json().question;
  t.equal(later.status, 'new', 'not escalated after the escalation time');
  t.same(later.offers, [], 'not offered when the dispatcher looks for idle questions');
  t.same((await as(app, expert).get('/api/me/offers')).json().items ?? [], [], "nothing in the expert's inbox");

  const customer = await post('my tv has no sound after the update');
  t.equal(customer.status, 'offered', 'a customer is offered as before');
  t.equal(customer.flag, null);
});

t.test('"not spam" offers it like any other question; only managers decide', async (t) => {
  const { app, expert, manager, post } = await setup(t);
  const held = await post(`${PROMOTION} my tv has no sound`);
  t.equal((await as(app, expert).post(`/api/questions/${held.id}/not-spam`, {})).statusCode, 403, 'not an expert');
  const released = await as(app, manager).post(`/api/questions/${held.id}/not-spam`, {});
  t.equal(released.statusCode, 200);
  t.equal(released.json().question.flag, null);
  t.equal(released.json().question.status, 'offered', 'offered at once');
  const again = await as(app, manager).post(`/api/questions/${held.id}/not-spam`, {});
  t.equal(again.statusCode, 409, 'only a held question can be released');
});

t.test('dismissing as spam teaches the model, which holds the next one like it, after a restart too', async (t) => {
  const databasePath = tempDatabasePath(t);
  const { app, manager, post } = await setup(t, databasePath);
  for (let i = 0; i < 5; i++) app.services.spam.learn(`my order ${i} arrived broken, what now?`, 'ham');
  const lure = (i: number) => `zorblax vouchers ${i} for every follower, zorblax forever`;
  for (let i = 0; i < 5; i++) {
    const q = await post(lure(i));
    t.not(q.flag, SPAM_FLAG, 'nothing in the rules catches it at first');
    const dismissed = await as(app, manager).post(`/api/questions/${q.id}/dismiss`, { reason: 'Spam' });
    t.equal(dismissed.statusCode, 200);
  }
  const next = await post(lure(9));
  t.equal(next.flag, SPAM_FLAG, 'held once managers dismissed five like it as spam');
  await app.close();

  const restarted = await buildTestApp(t, { databasePath });
  const examples = await restarted.services.spam.load();
  t.ok(examples.spam >= 5, 'what managers marked is read back at start');
});

t.test(
  'a held question stays held until a manager decides: no claim, no assignment, no wave by re-tagging',
  async (t) => {
    const { app, expert, manager, post } = await setup(t);
    const held = await post(`${PROMOTION} my tv`);
    const claim = await as(app, expert).post(`/api/questions/${held.id}/claim`, {});
    t.not(claim.statusCode, 200, 'an expert cannot claim it');
    const assign = await as(app, manager).post(`/api/questions/${held.id}/assign`, { expertId: expert.user.id });
    t.equal(assign.statusCode, 409);
    t.equal(assign.json().error.code, 'held_as_spam');
    const retag = await as(app, manager).post(`/api/questions/${held.id}/tags`, { tags: ['tv'] });
    t.equal(retag.statusCode, 200);
    const after = (await as(app, manager).get(`/api/questions/${held.id}`)).json().question;
    t.equal(after.flag, SPAM_FLAG, 're-tagging does not release it');
    t.same(after.offers, [], 'nor offer it');
  },
);

t.test('released, its SLA runs from the release', async (t) => {
  const { app, clock, manager, post } = await setup(t);
  const held = await post(`${PROMOTION} my tv`);
  const length = Date.parse(held.slaDueAt) - Date.parse(held.receivedAt);
  clock.advance(3_600_000);
  const released = (await as(app, manager).post(`/api/questions/${held.id}/not-spam`, {})).json().question;
  t.equal(Date.parse(released.slaDueAt), clock.now() + length, 'the same SLA length, from now');
});

t.test('spam under an answered question stays in the thread and does not reopen it', async (t) => {
  const { app, expert, manager, post } = await setup(t);
  const question = await post('my tv has no sound after the update');
  for (const action of ['claim', 'submit', 'approve', 'posted'] as const)
    t.ok(
      await app.services.uow.run((unit) =>
        unit.questions.transitionOne(action, question.id, { updatedAt: Date.now(), assigneeId: expert.user.id }),
      ),
      action,
    );
  const followUp = (text: string, n: number) =>
    as(app, manager).post('/api/questions', {
      channel: 'api',
      externalId: `reply-${n}`,
      text,
      inReplyToExternalId: question.externalId,
      author: { handle: `someone${n}` },
    });
  await followUp('Earn $500 a day from home, click the link http://t.co/xyz', 1);
  let detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(detail.status, 'answered', 'not reopened');
  t.ok(
    detail.events.some((e: { type: string }) => e.type === 'question.follow_up_held'),
    'the audit log says it was held',
  );
  await followUp('still no sound, the update did not help', 2);
  detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.equal(detail.status, 'offered', "a customer's follow-up reopens it as before");
});

t.test('a post counts towards "the same text" once stored, not when its transaction rolled back', async (t) => {
  const { app } = await setup(t);
  const text = 'Look at these amazing embossed badges for your crew http://t.co/badge';
  const input = (n: number) => ({ channel: 'api', externalId: `r-${n}`, text, author: { handle: `s${n}` } });
  for (let i = 0; i < 3; i++)
    await t.rejects(
      app.services.uow.run(async (unit) => {
        await app.services.ingest.ingestInTransaction(unit, input(i));
        throw new Error('rolled back');
      }),
    );
  const stored = (await app.services.ingest.ingest(input(10))).question;
  t.not(stored.flag, SPAM_FLAG, 'three rolled-back attempts do not make it a repeat');
  await app.services.ingest.ingest(input(11));
  const third = (await app.services.ingest.ingest(input(12))).question;
  t.equal(third.flag, SPAM_FLAG, 'the third stored copy is held');
});
