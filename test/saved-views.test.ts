// Saved views: a manager names a set of queue filters, finds it again, replaces it by name and deletes it; each
// manager has their own, experts have none, and a browser write needs its CSRF header like any other.
import t from 'tap';
import { createSavedViewService } from '../server/services/saved-views.js';
import { ADMIN, as, buildTestApp, createUser, login } from './helpers/app.js';

const urgentTv = {
  name: 'Urgent TV',
  filters: { status: 'new,offered,escalated', tag: 'tv', q: '"no sound"', sort: 'sla' },
};

t.test('a manager saves, lists, replaces and deletes views of their own', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const colleague = await createUser(app, 'manager');

  const created = await as(app, manager).post('/api/views', urgentTv);
  t.equal(created.statusCode, 201, created.body);
  const view = created.json().view;
  t.match(view, { name: 'Urgent TV', filters: urgentTv.filters });
  t.ok(view.id && view.createdAt);

  const mine = await as(app, manager).get('/api/views');
  t.same(
    mine.json().views.map((v: { id: string }) => v.id),
    [view.id],
  );
  t.same((await as(app, colleague).get('/api/views')).json().views, [], "another manager's views are their own");

  const replaced = await as(app, manager).post('/api/views', { name: 'urgent tv', filters: { assignee: 'none' } });
  t.equal(replaced.statusCode, 200, 'the same name in another case replaces the view');
  t.equal(replaced.json().view.id, view.id);
  t.same(replaced.json().view.filters, { assignee: 'none' });
  t.equal((await as(app, manager).get('/api/views')).json().views.length, 1);

  t.equal((await as(app, colleague).delete(`/api/views/${view.id}`)).statusCode, 404, 'nor can they delete it');
  t.equal((await as(app, manager).delete(`/api/views/${view.id}`)).statusCode, 204);
  t.same((await as(app, manager).get('/api/views')).json().views, []);
  t.equal((await as(app, manager).delete(`/api/views/${view.id}`)).statusCode, 404, 'deleting twice is a 404');

  // Views share the settings table: the product settings still read as before.
  await as(app, manager).post('/api/views', urgentTv);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const settings = await as(app, admin).get('/api/settings');
  t.equal(settings.statusCode, 200, settings.body);
  t.notOk(JSON.stringify(settings.json()).includes('Urgent TV'), 'and do not show a view');
});

t.test('only managers, with the CSRF header, within limits', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const expert = await createUser(app, 'expert', { profile: { signature: 'E' } });

  t.equal((await as(app, expert).get('/api/views')).statusCode, 403, 'experts have no queue views');
  t.equal((await as(app, expert).post('/api/views', urgentTv)).statusCode, 403);
  t.equal((await app.inject({ method: 'GET', url: '/api/views' })).statusCode, 401);
  const noCsrf = await app.inject({
    method: 'POST',
    url: '/api/views',
    payload: urgentTv,
    headers: { cookie: manager.cookie },
  });
  t.equal(noCsrf.statusCode, 403);
  t.equal(noCsrf.json().error.code, 'csrf');

  const bad = [
    { name: '', filters: {} },
    { name: 'x'.repeat(41), filters: {} },
    { name: 'Long search', filters: { q: 'a'.repeat(201) } },
    { name: 'Bad order', filters: { sort: 'oldest' } },
    { name: 'Many words', filters: { q: 'a b c d e f g h i j k' } },
  ];
  for (const body of bad) {
    const response = await as(app, manager).post('/api/views', body);
    t.equal(response.statusCode, 400, `${body.name || 'no name'}: ${response.body}`);
    t.ok(response.json().error.message, 'says why');
  }

  for (let i = 0; i < 20; i++)
    t.equal((await as(app, manager).post('/api/views', { name: `View ${i}`, filters: {} })).statusCode, 201);
  const over = await as(app, manager).post('/api/views', { name: 'One more', filters: {} });
  t.equal(over.statusCode, 422);
  t.equal(over.json().error.code, 'too_many_views');
  t.equal(
    (await as(app, manager).post('/api/views', { name: 'View 3', filters: { tag: 'tv' } })).statusCode,
    200,
    'a full list can still replace a view',
  );
});

t.test('two views saved at the same moment are both kept', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const views = createSavedViewService(app.services);
  await Promise.all([
    views.save(manager.user.id, { name: urgentTv.name, filters: { ...urgentTv.filters, sort: 'sla' } }),
    views.save(manager.user.id, { name: 'Unassigned', filters: { assignee: 'none' } }),
  ]);
  t.same(
    (await views.list(manager.user.id)).map((v) => v.name).sort(),
    ['Unassigned', 'Urgent TV'],
    'neither save wrote over the other',
  );
});
