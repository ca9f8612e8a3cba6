// "No expert available" is true while nobody holds a question: a claim or an assignment clears it, so the chip does
// not stay on a question someone is answering.
import t from 'tap';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';

t.test('a claim or an assignment clears the no-expert flag', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const expert = await createUser(app, 'expert', { profile: { signature: 'E', skills: [{ tag: 'tv', level: 4 }] } });
  const manager = await createUser(app, 'manager');
  const ask = async (externalId: string) =>
    (
      await as(app, manager).post('/api/questions', {
        channel: 'api',
        externalId,
        text: 'tv remote lost',
        author: { handle: 'c' },
      })
    ).json().question;

  const claimed = await ask('flag-1');
  t.equal(claimed.flag, 'no-expert', 'nobody is reachable when it arrives');
  const afterClaim = await as(app, expert).post(`/api/questions/${claimed.id}/claim`);
  t.equal(afterClaim.statusCode, 200);
  t.equal(afterClaim.json().question.flag, null, 'the expert who claimed it is the expert available');

  const assigned = await ask('flag-2');
  t.equal(assigned.flag, 'no-expert');
  const afterAssign = await as(app, manager).post(`/api/questions/${assigned.id}/assign`, { expertId: expert.user.id });
  t.equal(afterAssign.statusCode, 200);
  t.equal(afterAssign.json().question.flag, null, 'and so is the one a manager assigned it to');
  t.equal((await as(app, manager).get(`/api/questions/${assigned.id}`)).json().question.flag, null, 'as stored');
});
