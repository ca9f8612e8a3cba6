// Admins manage people: an employee who moves on is deactivated at once (sessions, live connections, held questions,
// routing), comes back when reactivated, and a changed role applies to the very next request.
import t from 'tap';
import { ADMIN, as, buildTestApp, createUser, login, seedTags } from './helpers/app.js';

const tvQuestion = (externalId: string) => ({
  channel: 'api',
  externalId,
  text: 'my tv has no sound over hdmi',
  author: { handle: 'cust' },
});

t.test(
  'deactivating an expert ends their access and hands their work back; reactivating brings them back',
  async (t) => {
    const app = await buildTestApp(t, { routing: { k: 3 } });
    await seedTags(app);
    const admin = await login(app, ADMIN.email, ADMIN.password);
    const manager = await createUser(app, 'manager');
    const leaving = await createUser(app, 'expert', {
      name: 'Leaving',
      profile: { skills: [{ tag: 'tv', level: 5 }] },
    });
    const staying = await createUser(app, 'expert', {
      name: 'Staying',
      profile: { skills: [{ tag: 'tv', level: 3 }] },
    });
    const { hub } = app.services;
    // Each expert has the app open: a live connection is what routing counts as online.
    const closed: [number, string][] = [];
    const socket = (log?: [number, string][]) => ({
      send: () => undefined,
      close: (code = 0, reason = '') => {
        log?.push([code, reason]);
      },
      bufferedAmount: 0,
    });
    hub.connect(socket(closed), leaving.user.id, 'expert');
    let stayingOnline = hub.connect(socket(), staying.user.id, 'expert');

    const held = (await as(app, manager).post('/api/questions', tvQuestion('held-1'))).json().question;
    t.equal(
      (await as(app, manager).post(`/api/questions/${held.id}/assign`, { expertId: leaving.user.id })).statusCode,
      200,
    );
    const inReview = (await as(app, manager).post('/api/questions', tvQuestion('review-1'))).json().question;
    await as(app, manager).post(`/api/questions/${inReview.id}/assign`, { expertId: leaving.user.id });
    const reply = (
      await as(app, leaving).post(`/api/questions/${inReview.id}/replies`, {
        text: 'Switch the soundbar input to ARC.',
      })
    ).json().reply;
    t.equal(reply.status, 'in_review', "a new expert's reply waits for review");
    stayingOnline();
    const solo = (await as(app, manager).post('/api/questions', tvQuestion('solo-1'))).json().question;
    stayingOnline = hub.connect(socket(), staying.user.id, 'expert');
    const { data } = app.services;
    const offersOf = async (questionId: string) =>
      (await data.offers.ofQuestion(questionId))
        .sort((a, b) => a.createdAt - b.createdAt)
        .map(({ expertId, state }) => ({ expertId, state }));
    t.same(
      await offersOf(solo.id),
      [{ expertId: leaving.user.id, state: 'open' }],
      'one question is offered to them alone',
    );
    t.equal((await as(app, leaving).get('/api/me')).statusCode, 200, 'signed in (and kept for a few seconds)');

    const off = await as(app, admin).patch(`/api/users/${leaving.user.id}`, { active: false });
    t.equal(off.statusCode, 200);
    t.match(off.json().user, { id: leaving.user.id, role: 'expert', active: false });
    t.equal(
      (await as(app, leaving).get('/api/me')).statusCode,
      401,
      'their session ends at once, not after the few seconds',
    );
    t.equal(
      (
        await app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { email: leaving.email, password: leaving.password },
        })
      ).statusCode,
      401,
      'and they cannot sign in',
    );
    t.same(closed, [[4001, 'account changed: sign in again']], 'their live connection is closed');
    t.notOk(hub.isOnline(leaving.user.id));
    const back = (await as(app, manager).get(`/api/questions/${held.id}`)).json().question;
    t.match(back, { status: 'offered', assigneeId: null }, 'the question they held goes back to the pool');
    t.match(
      (await as(app, manager).get(`/api/questions/${inReview.id}`)).json().question,
      { status: 'offered', assigneeId: null },
      'so does the one in review',
    );
    const withdrawn = await data.replies.byId(reply.id);
    t.match(
      withdrawn,
      { status: 'rejected', feedback: /deactivated/ },
      'whose reply is withdrawn rather than posted under their name',
    );
    t.same(
      await offersOf(solo.id),
      [
        { expertId: leaving.user.id, state: 'expired' },
        { expertId: staying.user.id, state: 'open' },
      ],
      'their open offer ends, and a question left with no one goes to its next wave at once',
    );
    await t.rejects(
      app.services.questions.claim(leaving.user, solo.id),
      /deactivated/,
      'a request already past authentication cannot claim for them',
    );

    // Presence alone must not bring them back into routing (a simulated expert counts as connected, for one).
    hub.connect(socket(), leaving.user.id, 'expert');
    const next = (await as(app, manager).post('/api/questions', tvQuestion('after-1'))).json().question;
    const offeredTo = () => data.offers.offeredTo(next.id);
    t.notOk((await offeredTo()).includes(leaving.user.id), 'routing no longer offers them work');
    t.ok((await offeredTo()).includes(staying.user.id));
    const assign = await as(app, manager).post(`/api/questions/${next.id}/assign`, { expertId: leaving.user.id });
    t.equal(assign.statusCode, 422, 'nor can a manager assign it to them');
    const listed = (await as(app, admin).get('/api/users'))
      .json()
      .items.find((u: { id: string }) => u.id === leaving.user.id);
    t.equal(listed.active, false, 'the account list shows who is deactivated');

    const on = await as(app, admin).patch(`/api/users/${leaving.user.id}`, { active: true });
    t.equal(on.json().user.active, true);
    const again = await login(app, leaving.email, leaving.password);
    t.equal((await as(app, again).get('/api/me')).statusCode, 200, 'reactivated, they sign in again');
    hub.connect(socket(), leaving.user.id, 'expert'); // their app reconnects (the change closed every connection)
    const later = (await as(app, manager).post('/api/questions', tvQuestion('later-1'))).json().question;
    t.ok((await data.offers.offeredTo(later.id)).includes(leaving.user.id), 'and get offers again');
  },
);

t.test('a role change applies to the next request; nobody changes their own role or access', async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const manager = await createUser(app, 'manager', { name: 'Morgan' });
  t.equal((await as(app, manager).get('/api/metrics')).statusCode, 200);
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, { role: 'expert' })).statusCode, 200);
  t.equal(
    (await as(app, manager).get('/api/me')).json().user.role,
    'expert',
    'their session sees the new role at once',
  );
  t.equal((await as(app, manager).get('/api/metrics')).statusCode, 403, 'and loses what it allowed');
  t.equal(
    (await as(app, admin).patch(`/api/users/${manager.user.id}`, { name: 'Morgan Lee' })).json().user.name,
    'Morgan Lee',
  );

  const own = await as(app, admin).patch(`/api/users/${admin.user.id}`, { role: 'manager' });
  t.equal(own.statusCode, 422);
  t.equal(own.json().error.code, 'own_account');
  t.equal(
    (await as(app, admin).patch(`/api/users/${admin.user.id}`, { active: false })).statusCode,
    422,
    'nor deactivate themselves',
  );
  t.equal(
    (await as(app, admin).patch(`/api/users/${admin.user.id}`, { name: 'Ada Admin' })).statusCode,
    200,
    'renaming oneself is fine',
  );
  t.equal(
    (await as(app, admin).patch(`/api/users/${manager.user.id}`, {})).statusCode,
    400,
    'an empty change is refused',
  );
  t.equal((await as(app, admin).patch('/api/users/nobody', { active: false })).statusCode, 404);
  t.equal((await as(app, admin).patch(`/api/users/${manager.user.id}`, { role: 'owner' })).statusCode, 400);
});

t.test("an API token never acts above its owner's current role", async (t) => {
  const app = await buildTestApp(t);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  const second = await createUser(app, 'admin');
  const token = (await as(app, second).post('/api/tokens', { name: 'bot', role: 'manager' })).json().token as string;
  const metrics = () =>
    app.inject({ method: 'GET', url: '/api/metrics', headers: { authorization: `Bearer ${token}` } });
  t.equal((await metrics()).statusCode, 200, 'a manager token');
  await as(app, admin).patch(`/api/users/${second.user.id}`, { role: 'expert' });
  t.equal((await metrics()).statusCode, 403, 'its owner is an expert now, so it is too');
  await as(app, admin).patch(`/api/users/${second.user.id}`, { active: false });
  t.equal((await metrics()).statusCode, 401, 'and nothing once the owner is deactivated');
});
