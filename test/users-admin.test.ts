// Admins manage people: an employee who moves on is deactivated at once (sessions, live connections, held questions,
// routing), comes back when reactivated, and a changed role applies to the very next request.
import t from 'tap';
import { ADMIN, as, buildTestApp, createUser, login, seedTags } from './helpers/app.js';

const tvQuestion = (externalId: string) => ({ channel: 'api', externalId, text: 'my tv has no sound over hdmi', author: { handle: 'cust' } });

t.test('deactivating an expert ends their access and hands their work back; reactivating brings them back', async (t) => {
  const app = await buildTestApp(t, { routing: { k: 3 } });
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager');
  const leaving = await createUser(app, 'expert', { name: 'Leaving', profile: { skills: [{ tag: 'tv', level: 5 }] } });
  const staying = await createUser(app, 'expert', { name: 'Staying', profile: { skills: [{ tag: 'tv', level: 3 }] } });
  const { router, hub } = app.services;
  for (const expert of [leaving, staying]) router.setOnline(expert.user.id, true);

  const held = (await as(app, manager).post('/api/questions', tvQuestion('held-1'))).json().question;
  t.equal((await as(app, manager).post(`/api/questions/${held.id}/assign`, { expertId: leaving.user.id })).statusCode, 200);
  const closed: [number, string][] = [];
  hub.connect({ send: () => undefined, close: (code = 0, reason = '') => { closed.push([code, reason]); }, bufferedAmount: 0 }, leaving.user.id, 'expert');
  t.equal((await as(app, leaving).get('/api/me')).statusCode, 200, 'signed in (and kept for a few seconds)');

  const off = await as(app, admin).patch(`/api/users/${leaving.user.id}`, { active: false });
  t.equal(off.statusCode, 200);
  t.match(off.json().user, { id: leaving.user.id, role: 'expert', active: false });
  t.equal((await as(app, leaving).get('/api/me')).statusCode, 401, 'their session ends at once, not after the few seconds');
  t.equal((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: leaving.email, password: leaving.password } })).statusCode, 401, 'and they cannot sign in');
  t.same(closed, [[4001, 'account changed: sign in again']], 'their live connection is closed');
  t.notOk(hub.isOnline(leaving.user.id));
  const back = (await as(app, manager).get(`/api/questions/${held.id}`)).json().question;
  t.match(back, { status: 'offered', assigneeId: null }, 'the question they held goes back to the pool');

  const next = (await as(app, manager).post('/api/questions', tvQuestion('after-1'))).json().question;
  const offeredTo = () => app.services.db.$client.prepare('select expert_id from offers where question_id = ?').pluck().all(next.id);
  t.notOk(offeredTo().includes(leaving.user.id), 'routing no longer offers them work');
  t.ok(offeredTo().includes(staying.user.id));
  const assign = await as(app, manager).post(`/api/questions/${next.id}/assign`, { expertId: leaving.user.id });
  t.equal(assign.statusCode, 422, 'nor can a manager assign it to them');
  const listed = (await as(app, admin).get('/api/users')).json().items.find((u: { id: string }) => u.id === leaving.user.id);
  t.equal(listed.active, false, 'the account list shows who is deactivated');

  const on = await as(app, admin).patch(`/api/users/${leaving.user.id}`, { active: true });
  t.equal(on.json().user.active, true);
  const again = await login(app, leaving.email, leaving.password);
  t.equal((await as(app, again).get('/api/me')).statusCode, 200, 'reactivated, they sign in again');
  router.setOnline(leaving.user.id, true);
  const later = (await as(app, manager).post('/api/questions', tvQuestion('later-1'))).json().question;
  t.ok(app.services.db.$client.prepare('select expert_id from offers where question_id = ?').pluck().all(later.id).includes(leaving.user.id), 'and get offers again');
});

t.test('a role change applies to the next request; nobody changes their own role or access', async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager', { name: 'Morgan' });
  t.equal((await as(app, manager).get('/api/metrics')).statusCode, 200);
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, { role: 'expert' })).statusCode, 200);
  t.equal((await as(app, manager).get('/api/me')).json().user.role, 'expert', 'their session sees the new role at once');
  t.equal((await as(app, manager).get('/api/metrics')).statusCode, 403, 'and loses what it allowed');
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, { name: 'Morgan Lee' })).json().user.name, 'Morgan Lee');

  const own = await as(app, admin).patch(`/api/users/${admin.user.id}`, { role: 'manager' });
  t.equal(own.statusCode, 422);
  t.equal(own.json().error.code, 'own_account');
  t.equal((await as(app, admin).patch(`/api/users/${admin.user.id}`, { active: false })).statusCode, 422, 'nor deactivate themselves');
  t.equal((await as(app, admin).patch(`/api/users/${admin.user.id}`, { name: 'Ada Admin' })).statusCode, 200, 'renaming oneself is fine');
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, {})).statusCode, 400, 'an empty change is refused');
  t.equal((await as(app, admin).patch('/api/users/nobody', { active: false })).statusCode, 404);
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, { role: 'owner' })).statusCode, 400);
});

t.test('an API token never acts above its owner\'s current role', async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const second = await createUser(app, 'admin');
  const token = (await as(app, second).post('/api/tokens', { name: 'bot', role: 'manager' })).json().token as string;
  const metrics = () => app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${token}` } });
  t.equal((await metrics()).statusCode, 200, 'a manager token');
  await as(app, admin).patch(`/api/users/${second.user.id}`, { role: 'expert' });
  t.equal((await metrics()).statusCode, 403, 'its owner is an expert now, so it is too');
  await as(app, admin).patch(`/api/users/${second.user.id}`, { active: false });
  t.equal((await metrics()).statusCode, 401, 'and nothing once the owner is deactivated');
});
