// A question shows the same customer's other questions on the channel: newest first, bounded, read from an index,
// and only public posts, so the expert who holds the question sees them too.
import t, { type Test } from 'tap';
import type { App } from '../server/app.js';
import { CUSTOMER_HISTORY_SQL } from '../server/repositories/questions.js';
import { CUSTOMER_HISTORY_LIMIT } from '../server/services/customer-history.js';
import { as, buildTestApp, createUser, seedTags, type Session } from './helpers/app.js';
import { assign } from './helpers/knowledge.js';
import { testEngine } from './helpers/postgres.js';

let counter = 0;

async function ask(
  app: App,
  manager: Session,
  author: { handle: string; externalId?: string },
  text: string,
  options: { channel?: string; createdAt?: string } = {},
) {
  const response = await as(app, manager).post('/api/questions', {
    channel: options.channel ?? 'test',
    externalId: `ch-${++counter}`,
    text,
    author,
    createdAt: options.createdAt,
  });
  if (response.statusCode !== 201) throw new Error(`ingest failed: ${response.body}`);
  return response.json().question as { id: string };
}

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', { name: 'Jane', profile: { signature: 'JD' } });
  const bob = await createUser(app, 'expert', { name: 'Bob', profile: { signature: 'BO' } });
  return { app, manager, jane, bob };
}

const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T10:00:00Z`;
const history = async (app: App, who: Session, id: string) => {
  const response = await as(app, who).get(`/api/questions/${id}`);
  if (response.statusCode !== 200) throw new Error(`detail failed: ${response.body}`);
  return response.json().question.customerHistory as { id: string; text: string; status: string; createdAt: string }[];
};

t.test("the customer's other questions, newest first, by their id on the channel", async (t) => {
  const { app, manager } = await setup(t);
  const rob = { handle: 'rob_the_dad262', externalId: '262' };
  const first = await ask(app, manager, rob, 'My fridge is humming', { createdAt: day(1) });
  const third = await ask(app, manager, rob, 'Still humming after the reset', { createdAt: day(3) });
  const renamed = await ask(app, manager, { ...rob, handle: 'rob_renamed' }, 'New handle, same me', {
    createdAt: day(4),
  });
  const current = await ask(app, manager, rob, 'The ice maker stopped too', { createdAt: day(2) });
  await ask(app, manager, { handle: 'rob_the_dad727', externalId: '727' }, 'Another Rob', { createdAt: day(5) });
  await ask(app, manager, { handle: 'rob_the_dad262', externalId: '262' }, 'Elsewhere', {
    channel: 'other',
    createdAt: day(6),
  });

  const items = await history(app, manager, current.id);
  t.same(
    items.map((q) => q.id),
    [renamed.id, third.id, first.id],
    'newest first, the question itself left out, a changed handle kept, other customers and channels not',
  );
  t.same(items[2], {
    id: first.id,
    text: 'My fridge is humming',
    status: 'new',
    createdAt: '2026-11-01T10:00:00.000Z',
  });
  t.equal((await history(app, manager, renamed.id)).length, 3, 'from any of their questions');
});

t.test('without an id on the channel, the handle in any case is the customer', async (t) => {
  const { app, manager } = await setup(t);
  const earlier = await ask(app, manager, { handle: 'Sam_K' }, 'Where is my order?', { createdAt: day(1) });
  await ask(app, manager, { handle: 'sam_k2' }, 'Not Sam', { createdAt: day(2) });
  const current = await ask(app, manager, { handle: 'sam_k' }, 'Order still missing', { createdAt: day(3) });
  t.same(
    (await history(app, manager, current.id)).map((q) => q.id),
    [earlier.id],
  );
  const alone = await ask(app, manager, { handle: 'first_timer' }, 'Hello?', { createdAt: day(3) });
  t.same(await history(app, manager, alone.id), [], 'a first question has an empty history');
});

t.test('the expert who holds the question sees it; the history is bounded', async (t) => {
  const { app, manager, jane, bob } = await setup(t);
  const customer = { handle: 'busy_customer', externalId: 'b1' };
  for (let n = 1; n <= CUSTOMER_HISTORY_LIMIT + 3; n++)
    await ask(app, manager, customer, `Question number ${n}`, { createdAt: day(n) });
  const current = await ask(app, manager, customer, 'And one more', { createdAt: day(28) });
  await assign(app, manager, current.id, jane.user.id);
  const items = await history(app, jane, current.id);
  t.equal(items.length, CUSTOMER_HISTORY_LIMIT, `at most ${CUSTOMER_HISTORY_LIMIT}`);
  t.equal(items[0]!.text, `Question number ${CUSTOMER_HISTORY_LIMIT + 3}`, 'the newest ones');
  t.equal((await as(app, bob).get(`/api/questions/${current.id}`)).statusCode, 404, 'others still may not look');
});

t.test("each queue row counts its customer's questions in the week up to it, itself included", async (t) => {
  const { app, manager } = await setup(t);
  const rob = { handle: 'rob_the_dad262', externalId: '262' };
  const long = await ask(app, manager, rob, 'A month ago', { createdAt: day(1) });
  const first = await ask(app, manager, rob, 'My fridge is humming', { createdAt: day(10) });
  const second = await ask(app, manager, { ...rob, handle: 'rob_renamed' }, 'Still humming', { createdAt: day(12) });
  const sam = await ask(app, manager, { handle: 'Sam_K' }, 'Where is my order?', { createdAt: day(13) });
  const third = await ask(app, manager, rob, 'The ice maker stopped too', { createdAt: day(15) });
  const samAgain = await ask(app, manager, { handle: 'sam_k' }, 'Order still missing', { createdAt: day(16) });
  const after = await ask(app, manager, rob, 'Two weeks later', { createdAt: day(25) });
  const response = await as(app, manager).get('/api/questions?status=new,offered,escalated&limit=50');
  t.equal(response.statusCode, 200);
  const counts = new Map(
    (response.json().items as { id: string; askedThisWeek: number }[]).map((q) => [q.id, q.askedThisWeek]),
  );
  t.same(
    [long, first, second, sam, third, samAgain, after].map((q) => counts.get(q.id)),
    [1, 1, 2, 1, 3, 2, 1],
    'per row, whatever the order of the page',
  );
});

t.test(
  'the history is read from the questions_customer index, in its order',
  { skip: testEngine() === 'postgres' ? "SQLite only: it reads SQLite's query plan" : false },
  async (t) => {
    const { app } = await setup(t);
    const plan = app.services.db.$client
      .prepare(`explain query plan ${CUSTOMER_HISTORY_SQL}`)
      .all('test', null, 'sam', 'q1', 20) as { detail: string }[];
    const steps = plan.map((p) => p.detail).join('\n');
    t.match(steps, /SEARCH questions USING INDEX questions_customer \(channel=\? AND <expr>=\?\)/);
    t.notMatch(steps, /TEMP B-TREE/, 'no sort: the index gives the order');
  },
);
