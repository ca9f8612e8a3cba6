// What an expert may learn about a question: a claim on one they cannot see never names its holder, and the
// detail view shows them the public thread and their own part, not colleagues' drafts, feedback or routing scores.
import t, { type Test } from 'tap';
import { as, buildTestApp, createUser, seedTags, type Session } from './helpers/app.js';
import { ask } from './helpers/knowledge.js';
import type { App } from '../server/app.js';

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const tv = { skills: [{ tag: 'tv', level: 5 }], availability: 'available' as const };
  const jane = await createUser(app, 'expert', { name: 'Jane Doe', profile: { signature: 'JD', ...tv } });
  const omar = await createUser(app, 'expert', { name: 'Omar Ali', profile: { signature: 'OA', ...tv } });
  const zed = await createUser(app, 'expert', {
    name: 'Zed Laptop',
    profile: { signature: 'ZL', skills: [{ tag: 'laptops', level: 5 }], availability: 'available' },
  });
  // Offers go to reachable experts: as if each had the app open.
  for (const expert of [jane, omar, zed]) await app.services.experts.setOnline(expert.user.id, true);
  return { app, manager, jane, omar, zed };
}

const offeredTo = async (app: App, manager: Session, questionId: string) =>
  (await as(app, manager).get(`/api/questions/${questionId}`))
    .json()
    .question.offers.map((o: { expertId: string }) => o.expertId) as string[];

t.test('a claim never says who holds a question the expert cannot see', async (t) => {
  const { app, manager, jane, omar, zed } = await setup(t);
  const question = await ask(app, manager, 'My TV has no sound');
  const offered = await offeredTo(app, manager, question.id);
  t.ok(
    offered.includes(jane.user.id) && offered.includes(omar.user.id) && !offered.includes(zed.user.id),
    'offered to the TV experts only',
  );
  t.equal((await as(app, jane).post(`/api/questions/${question.id}/claim`)).statusCode, 200);

  const opened = await as(app, zed).get(`/api/questions/${question.id}`);
  const claimed = await as(app, zed).post(`/api/questions/${question.id}/claim`);
  t.equal(opened.statusCode, 404);
  // Any available expert may claim an open question, so one who finds it taken lost a race: 409, as the contract says.
  t.equal(claimed.statusCode, 409, 'a late claim by an available expert lost a race');
  t.same(claimed.json().error, { code: 'already_claimed', message: 'Someone else is already answering this question' });
  t.notMatch(claimed.body, 'Jane', 'and does not say who holds it');
  await as(app, manager).post(`/api/questions/${question.id}/dismiss`, { reason: 'duplicate' });
  const closed = await as(app, zed).post(`/api/questions/${question.id}/claim`);
  t.same(
    [closed.statusCode, closed.json()],
    [404, opened.json()],
    'a closed question it cannot see answers like opening it',
  );
  t.equal(
    (await as(app, zed).post('/api/questions/no-such-id/claim')).statusCode,
    404,
    'as for a question that does not exist',
  );

  const lost = await as(app, omar).post(`/api/questions/${question.id}/claim`);
  t.equal(lost.statusCode, 409, 'an offered expert still hears who won');
  t.match(lost.json().error, { code: 'already_claimed', message: /Jane Doe/ });

  const open = await ask(app, manager, 'TV remote does not pair');
  t.notOk((await offeredTo(app, manager, open.id)).includes(zed.user.id));
  t.equal(
    (await as(app, zed).post(`/api/questions/${open.id}/claim`)).statusCode,
    200,
    'any available expert may still pick up an open question',
  );
});

t.test("an expert sees their own replies and the public thread, not colleagues' drafts or scores", async (t) => {
  const { app, manager, jane, omar } = await setup(t);
  const question = await ask(app, manager, 'My TV has no sound');
  t.equal((await as(app, jane).post(`/api/questions/${question.id}/claim`)).statusCode, 200);
  const detail = async (who: Session) => (await as(app, who).get(`/api/questions/${question.id}`)).json().question;
  const submit = async (text: string) =>
    (await as(app, jane).post(`/api/questions/${question.id}/replies`, { text })).json().reply;

  const draft = await submit('Secret first draft');
  const whileInReview = await detail(omar);
  t.same(whileInReview.replies, [], "a colleague's reply waiting for review is hidden");
  t.same(
    whileInReview.offers.map((o: { expertId: string }) => o.expertId),
    [omar.user.id],
    'only his own offer, with his own score',
  );
  t.notMatch(JSON.stringify(whileInReview), 'Secret first draft', 'the draft text appears nowhere');

  await as(app, manager).post(`/api/replies/${draft.id}/reject`, { feedback: 'Too vague, name the setting' });
  const afterRejection = await detail(omar);
  t.same(afterRejection.replies, [], 'a rejected one too');
  t.notMatch(JSON.stringify(afterRejection), 'Too vague', 'and its review feedback, which the history carries');
  t.notOk(
    afterRejection.events.some((e: { type: string }) => e.type.startsWith('reply.')),
    'no history entries about hidden replies',
  );

  const seenByJane = await detail(jane);
  t.same(
    seenByJane.replies.map((r: { status: string }) => r.status),
    ['rejected'],
    'the author sees her own replies',
  );
  t.match(seenByJane.replies[0], { text: 'Secret first draft', feedback: 'Too vague, name the setting' });
  t.same(
    seenByJane.offers.map((o: { expertId: string }) => o.expertId),
    [jane.user.id],
  );

  const seenByManager = await detail(manager);
  t.equal(seenByManager.replies.length, 1, 'managers see every reply');
  t.equal(seenByManager.offers.length, 2, 'and every offer');
  t.ok(seenByManager.events.some((e: { type: string }) => e.type === 'reply.rejected'));

  const second = await submit('Turn on HDMI-CEC in the TV settings.');
  await as(app, manager).post(`/api/replies/${second.id}/approve`, {});
  await app.services.outbox.run();
  const afterPosting = await detail(omar);
  t.same(
    afterPosting.replies.map((r: { status: string; preview: string }) => [r.status, r.preview]),
    [['posted', 'Turn on HDMI-CEC in the TV settings. ^JD']],
    'once posted, the reply is part of the public thread; the rejected draft stays hidden',
  );
  t.ok(afterPosting.events.some((e: { type: string }) => e.type === 'reply.posted'));
});
