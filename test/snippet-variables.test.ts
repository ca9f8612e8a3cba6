// Reused answers address the customer at hand: a saved answer keeps {customer} and {name} where it named its
// customer, a similar answer says whom it was for, and a snippet with a placeholder nobody fills is refused.
import t, { type Test } from 'tap';
import { fillTemplate, reuseFor, toTemplate, unknownPlaceholders } from '../server/domain/snippet-variables.js';
import { as, buildTestApp, createUser, seedTags, type Session } from './helpers/app.js';
import { answer, assign } from './helpers/knowledge.js';
import type { App } from '../server/app.js';

const rob262 = { handle: 'rob_the_dad262', name: 'Rob Miller' };
const rob727 = { handle: 'rob_the_dad727', name: 'Robert King' };

t.test('toTemplate puts placeholders where the answer named its customer', async (t) => {
  t.equal(
    toTemplate('Hi @rob_the_dad262! Rob Miller, try a restart. Thanks @ROB_THE_DAD262.', rob262),
    'Hi {customer}! {name}, try a restart. Thanks {customer}.',
    'the handle in any case, and the display name',
  );
  t.equal(
    toTemplate('cc @rob_the_dad2620 and @AcmeHelp, mail rob@rob_the_dad262.com', rob262),
    'cc @rob_the_dad2620 and @AcmeHelp, mail rob@rob_the_dad262.com',
    'a longer handle, other accounts and an address are left alone',
  );
  t.equal(toTemplate('Jo, Jo said hi', { handle: 'jo', name: 'Jo' }), 'Jo, Jo said hi', 'a short name is not cut out');
  t.equal(toTemplate('Hi @a.b (x)', { handle: 'a.b', name: '(x)' }), 'Hi {customer} {name}', 'regex characters');
  t.equal(toTemplate('Hi @sam', { handle: '@sam', name: null }), 'Hi {customer}', 'a stored leading @');
  t.equal(
    toTemplate('Hi @sam_k! Thanks, sam_k.', { handle: 'sam_k', name: 'sam_k' }),
    'Hi {customer}! Thanks, {name}.',
    'a display name that is the handle is not left behind without its @',
  );
  t.equal(
    toTemplate('Mail me @ home', { handle: '@', name: null }),
    'Mail me @ home',
    'an empty handle matches nothing',
  );
});

t.test('fillTemplate and reuseFor address the current customer', async (t) => {
  t.equal(fillTemplate('Hi {customer}, {name}!', rob727), 'Hi @rob_the_dad727, Robert King!');
  t.equal(fillTemplate('Hi {name}', { handle: 'sam', name: null }), 'Hi sam', 'no display name: the handle');
  t.equal(fillTemplate('Keep {order_id}', rob727), 'Keep {order_id}', 'an unknown placeholder stays as written');
  t.equal(
    reuseFor('Hi @rob_the_dad262! Rob Miller, reset it.', rob262, rob727),
    'Hi @rob_the_dad727! Robert King, reset it.',
    "a similar answer gets the current customer's handle and name",
  );
  t.equal(reuseFor('Hi {customer}', null, rob727), 'Hi @rob_the_dad727', 'a snippet is filled');
  t.same(unknownPlaceholders('{customer} {name} {order} {order} {Name}'), ['{order}', '{Name}']);
});

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', { name: 'Jane', profile: { signature: 'JD' } });
  return { app, manager, jane };
}

async function askFrom(app: App, manager: Session, author: { handle: string; name?: string }, text: string) {
  const response = await as(app, manager).post('/api/questions', {
    channel: 'test',
    externalId: `sv-${Math.random()}`,
    text,
    author,
  });
  return response.json().question as { id: string };
}

t.test('POST /api/snippets {fromReplyId} stores placeholders, never the earlier handle', async (t) => {
  const { app, manager, jane } = await setup(t);
  const question = await askFrom(app, manager, rob262, '@AcmeHelp my TV has no sound over HDMI');
  const reply = await answer(
    app,
    { manager, expert: jane },
    question,
    'Hi @Rob_The_Dad262! Rob Miller, turn on HDMI-CEC and use the ARC port.',
  );
  const saved = await as(app, manager).post('/api/snippets', { fromReplyId: reply.id });
  t.equal(saved.statusCode, 201);
  t.equal(saved.json().snippet.text, 'Hi {customer}! {name}, turn on HDMI-CEC and use the ARC port.');
  t.notMatch(JSON.stringify(saved.json()), /rob_the_dad262|Rob Miller/i, 'the earlier customer is nowhere');

  t.test('a similar answer says whom it was for', async (t) => {
    const current = await askFrom(app, manager, rob727, '@AcmeHelp no sound from my TV over HDMI');
    await assign(app, manager, current.id, jane.user.id);
    const [similar] = (await as(app, jane).get(`/api/questions/${current.id}/similar`)).json().items;
    t.match(similar, { questionId: question.id, customer: { handle: 'rob_the_dad262', name: 'Rob Miller' } });
  });
});

t.test('a snippet with a placeholder nobody fills is refused with 422 unknown_placeholder', async (t) => {
  const { app, manager, jane } = await setup(t);
  const create = (body: unknown) => as(app, manager).post('/api/snippets', body);
  const refused = await create({ title: 'Order', text: 'Hi {customer}, your order {order_id} ships today.' });
  t.equal(refused.statusCode, 422);
  t.equal(refused.json().error.code, 'unknown_placeholder');
  t.match(refused.json().error.message, /\{order_id\}.*\{customer\} and \{name\}/);

  const kept = await create({ title: 'Hello', text: 'Hi {name} ({customer}), thanks for asking.' });
  t.equal(kept.statusCode, 201, 'the known ones are kept');
  t.equal(kept.json().snippet.text, 'Hi {name} ({customer}), thanks for asking.');
  const patched = await as(app, manager).patch(`/api/snippets/${kept.json().snippet.id}`, { text: 'Hi {first}' });
  t.equal(patched.statusCode, 422, 'an edit too');
  t.equal(patched.json().error.code, 'unknown_placeholder');

  const question = await askFrom(app, manager, { handle: 'sam' }, '@AcmeHelp my TV has no sound');
  const reply = await answer(app, { manager, expert: jane }, question, 'Type {reset} in the TV menu, @sam.');
  const fromReply = await create({ fromReplyId: reply.id });
  t.equal(fromReply.statusCode, 422, 'a saved answer holding one');
  t.match(fromReply.json().error, { code: 'unknown_placeholder', message: /\{reset\}/ });
});
