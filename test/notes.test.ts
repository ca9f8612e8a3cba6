// Internal notes and hand-offs: "@Name" calls a colleague in (they are pinged live and may open the question),
// a hand-off passes the question on with a note, and nothing here is ever posted in public.
import t, { type Test } from 'tap';
import type { ClientEvent } from '../server/contracts/events.js';
import { mentionCandidates, resolveMentions } from '../server/domain/mentions.js';
import type { App } from '../server/app.js';
import { as, buildTestApp, createUser, seedTags } from './helpers/app.js';
import { answer, ask, assign } from './helpers/knowledge.js';

const PEOPLE = [
  { id: 'u1', name: 'Jane Doe', email: 'jane.doe@acme.test' },
  { id: 'u2', name: 'Jane', email: 'jd2@acme.test' },
  { id: 'u3', name: 'Bob', email: 'robert@acme.test' },
  { id: 'u4', name: 'Ann Lee (sim)', email: 'ann@acme.test' },
];

t.test('mentions: display names (the longest that matches) and email local parts', async (t) => {
  const table: [string, string[]][] = [
    ['@Jane Doe can you look?', ['u1']],
    ['@jane please', ['u2']],
    ['@jane.doe: see above', ['u1']],
    ['thanks @robert, and @Bob again', ['u3']],
    ['@Ann Lee (sim) over to you', ['u4']],
    ['cc @Jane Doe, @bob', ['u1', 'u3']],
    ['mail jane.doe@acme.test for this', []],
    ['@nobody here', []],
    ['no mentions at all', []],
  ];
  for (const [text, ids] of table)
    t.same(
      resolveMentions(text, PEOPLE).map((p) => p.id),
      ids,
      text,
    );
  t.same(mentionCandidates('@Jane Doe, hi'), [['jane doe, hi', 'jane doe,', 'jane doe', 'jane']]);
});

/** A socket that only records what the hub sends it. */
function listen(app: App, userId: string, role: 'expert' | 'manager') {
  const events: ClientEvent[] = [];
  app.services.hub.connect(
    { send: (data) => events.push(JSON.parse(data)), close() {}, bufferedAmount: 0 },
    userId,
    role,
  );
  return events;
}

async function setup(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const bob = await createUser(app, 'expert', {
    name: 'Bob Smith',
    profile: { signature: 'BS', skills: [{ tag: 'tv', level: 3 }] },
  });
  const carol = await createUser(app, 'expert', { name: 'Carol', profile: { signature: 'CA' } });
  const question = await ask(app, manager, 'My TV has no sound over HDMI');
  await assign(app, manager, question.id, jane.user.id);
  return { app, manager, jane, bob, carol, question };
}

t.test('a note with @mentions pings the people named and lets them open the question', async (t) => {
  const { app, manager, jane, bob, carol, question } = await setup(t);
  const bobEvents = listen(app, bob.user.id, 'expert');
  const managerEvents = listen(app, manager.user.id, 'manager');
  const notesUrl = `/api/questions/${question.id}/notes`;
  t.equal((await as(app, bob).get(notesUrl)).statusCode, 404, 'before the mention Bob cannot see the question');

  const bobLocal = bob.email.slice(0, bob.email.indexOf('@'));
  const posted = await as(app, jane).post(notesUrl, { text: `@Bob Smith knows soundbars; cc @${bobLocal} @nobody` });
  t.equal(posted.statusCode, 201);
  t.match(posted.json().note, {
    questionId: question.id,
    authorId: jane.user.id,
    authorName: 'Jane Doe',
    kind: 'note',
    mentions: [{ id: bob.user.id, name: 'Bob Smith' }],
  });
  t.same(
    bobEvents.filter((e) => e.type === 'note.mention').map((e) => e.data),
    [{ questionId: question.id, from: 'Jane Doe', text: posted.json().note.text }],
    'Bob is pinged once',
  );
  t.notOk(
    managerEvents.some((e) => e.type === 'note.mention'),
    'managers are not pinged for every note',
  );

  const listed = async (who: typeof bob) =>
    ((await as(app, who).get('/api/questions')).json().items as { id: string }[]).map((q) => q.id);
  t.notOk((await listed(carol)).includes(question.id), 'the question is not in the list of someone not involved');
  const seen = await as(app, bob).get(notesUrl);
  t.equal(seen.statusCode, 200, 'the mention lets Bob open it');
  t.ok((await listed(bob)).includes(question.id), 'and it is in his list of questions, so he can find it again');
  t.same(
    seen.json().items.map((n: { text: string }) => n.text),
    [posted.json().note.text],
  );
  t.equal((await as(app, bob).get(`/api/questions/${question.id}/similar`)).statusCode, 200);
  t.equal(
    (await as(app, bob).post(notesUrl, { text: 'On it: try the ARC port.' })).statusCode,
    201,
    'and answer in the notes',
  );
  t.equal((await as(app, manager).get(notesUrl)).json().items.length, 2, 'managers see every note, oldest first');

  t.equal((await as(app, carol).get(notesUrl)).statusCode, 404, 'someone not involved cannot read them');
  t.equal((await as(app, carol).post(notesUrl, { text: 'hi' })).statusCode, 404);
  t.equal((await as(app, jane).post(notesUrl, { text: '   ' })).statusCode, 400);
  t.equal((await as(app, jane).post(notesUrl, { text: 'x'.repeat(2001) })).statusCode, 400);
  t.equal((await as(app, jane).post('/api/questions/nope/notes', { text: 'hi' })).statusCode, 404);
  t.equal((await app.inject({ method: 'GET', url: notesUrl })).statusCode, 401);
});

t.test('notes are never public', async (t) => {
  const { app, manager, jane, question } = await setup(t);
  await as(app, jane).post(`/api/questions/${question.id}/notes`, {
    text: 'Customer sounds upset; check order 1234 SECRET-NOTE',
  });
  // What the outbox sends is recorded as the thread's outgoing messages (server/services/outbox.ts).
  const { data, outbox } = app.services;
  const sent = async () => (await data.messages.ofQuestion(question.id)).filter((m) => m.direction === 'out');
  t.same(await data.outbox.countsByState(), {}, 'a note puts nothing in the outbox');
  await outbox.run();
  t.same(await sent(), [], 'so nothing goes out');
  await answer(app, { manager, expert: jane }, { id: question.id }, 'Turn on HDMI-CEC.');
  const posts = await sent();
  t.equal(posts.length, 1, 'only the reply goes out');
  t.notMatch(posts[0]?.text, /SECRET-NOTE/);
  t.same(await data.outbox.countsByState(), {}, 'and nothing else waits to');
  const detail = (await as(app, manager).get(`/api/questions/${question.id}`)).json().question;
  t.notMatch(JSON.stringify(detail.thread), /SECRET-NOTE/, 'and the public thread does not show it');
});

t.test('a hand-off reassigns the question with a note and tells the new expert', async (t) => {
  const { app, manager, jane, bob, carol, question } = await setup(t);
  const bobEvents = listen(app, bob.user.id, 'expert');
  const url = `/api/questions/${question.id}/handoff`;
  t.equal((await as(app, jane).post(url, { expertId: bob.user.id })).statusCode, 400, 'a note is required');
  t.equal((await as(app, jane).post(url, { expertId: jane.user.id, note: 'me' })).json().error.code, 'same_expert');
  t.equal((await as(app, jane).post(url, { expertId: 'nope', note: 'x' })).json().error.code, 'unknown_expert');
  t.equal(
    (await as(app, carol).post(url, { expertId: carol.user.id, note: 'mine now' })).statusCode,
    404,
    'an outsider cannot see it',
  );

  const handed = await as(app, jane).post(url, { expertId: bob.user.id, note: 'Soundbar issue, Bob knows these' });
  t.equal(handed.statusCode, 200);
  t.match(handed.json(), {
    question: { id: question.id, status: 'claimed', assigneeId: bob.user.id },
    note: {
      kind: 'handoff',
      authorId: jane.user.id,
      text: 'Soundbar issue, Bob knows these',
      mentions: [{ id: bob.user.id }],
    },
  });
  t.ok(
    bobEvents.some(
      (e) => e.type === 'note.mention' && (e.data as { text: string }).text === 'Soundbar issue, Bob knows these',
    ),
    'Bob gets the note live',
  );
  t.ok(
    bobEvents.some((e) => e.type === 'question.claimed'),
    'and the assignment',
  );
  const detail = (await as(app, bob).get(`/api/questions/${question.id}`)).json().question;
  t.ok(
    detail.events.some((e: { type: string }) => e.type === 'question.handed_off'),
    'the hand-off is in the audit log',
  );
  t.equal(
    (await as(app, jane).post(url, { expertId: carol.user.id, note: 'again' })).statusCode,
    403,
    'Jane no longer holds it',
  );

  t.equal(
    (await as(app, manager).post(url, { expertId: carol.user.id, note: 'Carol, please take this' })).statusCode,
    200,
    'a manager can hand off any question',
  );
  t.equal(
    (await as(app, carol).get(`/api/questions/${question.id}/notes`)).json().items.length,
    2,
    'the new holder reads the whole trail',
  );

  await answer(app, { manager, expert: carol }, { id: question.id }, 'Turn on HDMI-CEC.');
  const late = await as(app, manager).post(url, { expertId: bob.user.id, note: 'too late' });
  t.equal(late.statusCode, 409, 'an answered question cannot be handed off');
  t.equal(
    (await as(app, manager).post('/api/questions/nope/handoff', { expertId: bob.user.id, note: 'x' })).statusCode,
    404,
  );
});

t.test('a hand-off passes on only what its author still holds', async (t) => {
  const { app, manager, jane, bob, carol, question } = await setup(t);
  const { experts, notes, questions } = app.services;
  // The manager reassigns the question to Bob after Jane's hand-off has checked that she holds it, before it writes.
  const isActiveExpert = experts.isActiveExpert;
  let reassigned = false;
  experts.isActiveExpert = async (id: string) => {
    if (!reassigned) {
      reassigned = true;
      await questions.assign(manager.user, question.id, bob.user.id);
    }
    return isActiveExpert(id);
  };
  t.teardown(() => {
    experts.isActiveExpert = isActiveExpert;
  });
  await t.rejects(notes.handoff(jane.user, question.id, carol.user.id, 'over to Carol'), {
    status: 409,
    code: 'already_claimed',
  });
  t.ok(reassigned, 'the reassignment came in between');
  t.equal((await app.services.data.questions.byId(question.id))?.assigneeId, bob.user.id, 'Bob keeps it');
});
