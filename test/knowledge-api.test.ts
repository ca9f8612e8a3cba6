// Knowledge reuse over HTTP: similar past answers for the question at hand, and snippets (canned answers per tag).
import t, { type Test } from 'tap';
import { createAnswerService } from '../server/services/answers.js';
import { as, buildTestApp, createUser, seedTags, tempDatabasePath } from './helpers/app.js';
import { answer, ask, assign, submit } from './helpers/knowledge.js';
import { testEngine } from './helpers/postgres.js';

async function setup(t: Test, databasePath?: string) {
  const app = await buildTestApp(t, { databasePath });
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const bob = await createUser(app, 'expert', {
    name: 'Bob',
    profile: { signature: 'BO', skills: [{ tag: 'laptops', level: 4 }] },
  });
  return { app, manager, jane, bob };
}

t.test('similar past answers: the approved ones, most similar first, for whoever can see the question', async (t) => {
  const { app, manager, jane, bob } = await setup(t);
  const hdmi = await ask(app, manager, 'My TV has no sound over HDMI from the soundbar');
  await answer(app, { manager, expert: jane }, hdmi, 'Turn on HDMI-CEC and plug the soundbar into the ARC port.');
  const laptop = await ask(app, manager, 'Can I return a laptop after 20 days?');
  await answer(app, { manager, expert: bob }, laptop, 'Yes: laptops can be returned within 30 days with the receipt.');
  const pending = await ask(app, manager, 'TV sound drops over HDMI every few minutes');
  await assign(app, manager, pending.id, jane.user.id);
  await submit(app, jane, pending.id, 'Replace the HDMI cable with a certified one.');
  const rejected = await ask(app, manager, 'No sound on my TV through HDMI ARC');
  await assign(app, manager, rejected.id, jane.user.id);
  const draft = await submit(app, jane, rejected.id, 'Just buy a new TV.');
  await as(app, manager).post(`/api/replies/${draft.id}/reject`, { feedback: 'Not helpful' });

  const current = await ask(app, manager, '@AcmeHelp no sound from my TV when the soundbar is on HDMI');
  await assign(app, manager, current.id, bob.user.id);
  const response = await as(app, bob).get(`/api/questions/${current.id}/similar`);
  t.equal(response.statusCode, 200);
  const items = response.json().items;
  t.equal(items[0].questionId, hdmi.id, 'the HDMI answer comes first');
  t.match(items[0], {
    questionText: 'My TV has no sound over HDMI from the soundbar',
    replyText: 'Turn on HDMI-CEC and plug the soundbar into the ARC port.',
    authorName: 'Jane',
    tags: ['tv'],
    postedAt: /^\d{4}-\d\d-\d\dT/,
  });
  t.type(items[0].replyId, 'string');
  t.ok(items[0].score > 0 && items[0].score <= 1, `score ${items[0].score}`);
  t.ok(
    items.every((i: { score: number }, k: number) => k === 0 || i.score <= items[k - 1].score),
    'best first',
  );
  const listed = items.map((i: { questionId: string }) => i.questionId);
  t.notOk(listed.includes(current.id), 'not the question itself');
  t.notOk(listed.includes(pending.id), 'not an answer still in review');
  t.notOk(listed.includes(rejected.id), 'not a rejected answer');

  t.equal((await as(app, bob).get(`/api/questions/${current.id}/similar?limit=1`)).json().items.length, 1, 'limit');

  // The start-up rebuild pages through the history with the event loop free between pages, and can be stopped.
  const rebuilt = createAnswerService({ data: app.services.data, access: app.services.access });
  t.equal(
    await rebuilt.rebuild(1),
    2,
    'a page of one answer at a time still finds both approved answers, nothing else',
  );
  const stopped = createAnswerService({ data: app.services.data, access: app.services.access });
  const rebuilding = stopped.rebuild(1);
  t.equal(await stopped.stop(), 1, 'stopped after its first page');
  t.equal(await rebuilding, 1);
  t.equal((await as(app, manager).get(`/api/questions/${current.id}/similar`)).statusCode, 200, 'a manager may look');
  const outsider = await createUser(app, 'expert', { profile: { signature: 'OU' } });
  t.equal(
    (await as(app, outsider).get(`/api/questions/${current.id}/similar`)).statusCode,
    404,
    'an expert who cannot see the question gets 404',
  );
  t.equal((await as(app, bob).get('/api/questions/nope/similar')).statusCode, 404);
  for (const bad of ['0', '21', 'many'])
    t.equal(
      (await as(app, bob).get(`/api/questions/${current.id}/similar?limit=${bad}`)).statusCode,
      400,
      `limit=${bad}`,
    );
  t.equal((await app.inject({ method: 'GET', url: `/api/questions/${current.id}/similar` })).statusCode, 401);

  const fresh = await ask(app, manager, 'Soundbar on HDMI gives no sound from the TV');
  await answer(app, { manager, expert: jane }, fresh, 'Set the TV audio output to the soundbar (HDMI ARC).');
  const again = (await as(app, bob).get(`/api/questions/${current.id}/similar`))
    .json()
    .items.map((i: { questionId: string }) => i.questionId);
  t.ok(again.includes(fresh.id), 'an answer approved a moment ago is found at once');
  t.notOk(again.includes(laptop.id), 'an answer that shares no more than a word or two is not shown');
});

t.test('nothing is shown rather than an unrelated answer', async (t) => {
  const { app, manager, jane, bob } = await setup(t);
  const console = await ask(app, manager, 'My PS5 controller will not charge from the console');
  await answer(
    app,
    { manager, expert: jane },
    console,
    'Try another USB-C cable and reset the controller with the button on the back.',
  );
  const chat = await ask(app, manager, 'I waited 40 minutes in your chat and nobody answered');
  await answer(
    app,
    { manager, expert: jane },
    chat,
    'Sorry about the wait: our chat is busiest at lunchtime, we are adding staff.',
  );
  const dryer = await ask(app, manager, 'The dryer stops after five minutes and the drum is still wet');
  await assign(app, manager, dryer.id, bob.user.id);
  const items = (await as(app, bob).get(`/api/questions/${dryer.id}/similar`)).json().items;
  t.same(items, [], 'no similar answer for a dryer question among console and chat answers');
});

t.test('the answer index is rebuilt from the database at start', async (t) => {
  const databasePath = tempDatabasePath(t);
  const first = await setup(t, databasePath);
  const hdmi = await ask(first.app, first.manager, 'My TV has no sound over HDMI');
  await answer(first.app, { manager: first.manager, expert: first.jane }, hdmi, 'Turn on HDMI-CEC.');
  await first.app.close();

  const app = await buildTestApp(t, { databasePath });
  t.equal(await app.services.answers.built(), 1, 'the approved answer is back in the index');
  const managerAgain = await createUser(app, 'manager');
  const current = await ask(app, managerAgain, 'no sound over hdmi on my new TV');
  const items = (await as(app, managerAgain).get(`/api/questions/${current.id}/similar`)).json().items;
  t.equal(items[0]?.questionId, hdmi.id);
});

t.test('snippets: managers write them or save an approved answer; experts list and use them', async (t) => {
  const { app, manager, jane } = await setup(t);
  const create = (body: unknown) => as(app, manager).post('/api/snippets', body);
  const cec = await create({ title: 'HDMI-CEC', text: 'Turn on HDMI-CEC in the TV settings.', tag: 'tv' });
  t.equal(cec.statusCode, 201);
  t.match(cec.json().snippet, {
    title: 'HDMI-CEC',
    text: 'Turn on HDMI-CEC in the TV settings.',
    tag: 'tv',
    uses: 0,
    createdBy: manager.user.id,
    createdByName: manager.user.name,
  });
  const general = (await create({ title: 'Receipt', text: 'Please keep your receipt.' })).json().snippet;
  t.equal(general.tag, null, 'no tag: useful for any question');
  const laptops = (await create({ title: 'Battery', text: 'Calibrate the battery.', tag: 'laptops' })).json().snippet;

  const question = await ask(app, manager, '@AcmeHelp My TV has no sound over HDMI from the soundbar https://t.co/x');
  const reply = await answer(app, { manager, expert: jane }, question, 'Turn on HDMI-CEC and use the ARC port.');
  const saved = await create({ fromReplyId: reply.id });
  t.equal(saved.statusCode, 201);
  t.match(saved.json().snippet, {
    text: 'Turn on HDMI-CEC and use the ARC port.',
    tag: 'tv',
    title: 'My TV has no sound over HDMI from the soundbar',
  });
  t.equal(
    (await create({ fromReplyId: reply.id, title: 'ARC', tag: null })).json().snippet.tag,
    null,
    'the title and tag can be chosen',
  );

  const waiting = await ask(app, manager, 'Can I return a laptop?');
  await assign(app, manager, waiting.id, jane.user.id);
  const draft = await submit(app, jane, waiting.id, 'Yes, within 30 days.');
  t.equal((await create({ fromReplyId: draft.id })).statusCode, 409, 'an answer not yet approved cannot be saved');
  t.equal((await create({ fromReplyId: 'nope' })).statusCode, 404);
  t.equal((await create({ title: 'x', text: 'y', tag: 'no-such-tag' })).json().error.code, 'unknown_tag');
  for (const body of [
    { title: 'only a title' },
    { text: 'only text' },
    { fromReplyId: reply.id, text: 'both' },
    { title: 't', text: 'x', color: 'red' },
    { title: ' ', text: 'x' },
  ]) {
    t.equal((await create(body)).statusCode, 400, JSON.stringify(body));
  }
  t.equal(
    (await as(app, jane).post('/api/snippets', { title: 'mine', text: 'x' })).statusCode,
    403,
    'experts cannot write snippets',
  );

  const list = async (query = '') =>
    (await as(app, jane).get(`/api/snippets${query}`)).json().items.map((s: { title: string }) => s.title);
  t.same(
    (await list('?tag=tv')).sort(),
    ['ARC', 'HDMI-CEC', 'My TV has no sound over HDMI from the soundbar', 'Receipt'],
    'tv snippets and the general ones',
  );
  t.same((await list('?tag=laptops')).sort(), ['ARC', 'Battery', 'Receipt']);
  t.equal((await list()).length, 5, 'no filter: all');
  t.equal((await as(app, jane).post(`/api/snippets/${laptops.id}/use`)).json().snippet.uses, 1);
  t.equal((await list())[0], 'Battery', 'the most used come first');
  t.equal((await as(app, jane).post('/api/snippets/nope/use')).statusCode, 404);

  const patched = await as(app, manager).patch(`/api/snippets/${general.id}`, {
    text: 'Keep the receipt for 30 days.',
    tag: 'returns',
  });
  t.equal(patched.statusCode, 200);
  t.match(patched.json().snippet, { title: 'Receipt', text: 'Keep the receipt for 30 days.', tag: 'returns' });
  t.equal((await as(app, manager).patch('/api/snippets/nope', { title: 'x' })).statusCode, 404);
  t.equal((await as(app, manager).patch(`/api/snippets/${general.id}`, { tag: 'nope' })).statusCode, 422);
  t.equal((await as(app, manager).patch(`/api/snippets/${general.id}`, { text: '' })).statusCode, 400);
  t.equal((await as(app, jane).patch(`/api/snippets/${general.id}`, { title: 'x' })).statusCode, 403);
  t.equal((await as(app, jane).delete(`/api/snippets/${general.id}`)).statusCode, 403);
  t.equal((await as(app, manager).delete(`/api/snippets/${general.id}`)).statusCode, 204);
  t.equal((await as(app, manager).delete(`/api/snippets/${general.id}`)).statusCode, 404);
  t.notOk((await list()).includes('Receipt'));

  t.equal((await as(app, manager).delete('/api/tags/laptops')).statusCode, 204);
  const orphaned = (await as(app, jane).get('/api/snippets'))
    .json()
    .items.find((s: { title: string }) => s.title === 'Battery');
  t.equal(orphaned.tag, null, "a deleted tag's snippets become general ones");
  t.ok((await list('?tag=tv')).includes('Battery'), 'and are offered with any question');

  const refund = (
    await create({ title: 'Refund', text: 'Refunds go back to the original card within 5 days.', tag: 'returns' })
  ).json().snippet;
  const refused = await as(app, manager).delete('/api/tags/returns');
  t.equal(refused.statusCode, 409, 'a sensitive tag with snippets is not deleted');
  t.equal(refused.json().error.code, 'tag_has_snippets');
  t.ok(
    (await as(app, manager).get('/api/tags')).json().items.some((tag: { slug: string }) => tag.slug === 'returns'),
    'the tag is still there',
  );
  t.notOk((await list('?tag=tv')).includes('Refund'), 'and its snippet was not made general');
  t.equal((await as(app, manager).delete(`/api/snippets/${refund.id}`)).statusCode, 204);
  t.equal((await as(app, manager).delete('/api/tags/returns')).statusCode, 204, 'without snippets it can go');
  t.equal((await app.inject({ method: 'GET', url: '/api/snippets' })).statusCode, 401);
});

t.test('a tag deleted while a snippet is filed under it leaves no snippet under a tag that is gone', async (t) => {
  const { app, manager } = await setup(t);
  const { tags, snippets } = app.services;
  const [removed, filed] = await Promise.allSettled([
    tags.remove('tv'),
    snippets.create(manager.user, { title: 'HDMI-CEC', text: 'Turn on HDMI-CEC.', tag: 'tv' }),
  ]);
  t.equal(removed.status, 'fulfilled', 'the tag is deleted');
  // SQLite runs the two units in the order they were asked for; on PostgreSQL either may commit first. Each order
  // has one right outcome, and no other outcome is allowed.
  if (filed.status === 'rejected') {
    t.match(filed.reason, { code: 'unknown_tag' }, 'filed after the deletion: refused, as for any unknown tag');
    t.same(await snippets.list({}), [], 'no snippet was written');
  } else {
    t.equal(testEngine(), 'postgres', 'on SQLite the deletion is first');
    t.same(
      (await snippets.list({})).map((snippet) => snippet.tag),
      [null],
      'filed before the deletion: made general with the others under that tag',
    );
  }
  t.notOk(tags.exists('tv'));
});
