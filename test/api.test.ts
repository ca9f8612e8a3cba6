// The HTTP contract from DESIGN.md, resource by resource.
import t from 'tap';
import { as, buildTestApp, createUser, login, ADMIN, seedTags, tempDatabasePath } from './helpers/app.js';
import { testEngine } from './helpers/postgres.js';

t.test('health and OpenAPI need no login', async (t) => {
  const app = await buildTestApp(t);
  const health = await app.inject({ method: 'GET', url: '/health' });
  t.equal(health.statusCode, 200);
  const { node, ...rest } = health.json();
  t.same(rest, {
    status: 'ok',
    db: 'ok',
    channels: [],
    routing: { model: 'ready', learned: 0, total: 0 },
    engine: testEngine(),
  });
  t.match(node, { id: /^[A-Za-z0-9._-]+$/, leader: true }, 'a lone node leads');
  const docs = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  const spec = docs.json();
  t.match(spec.openapi, /^3\./);
  for (const path of [
    '/api/auth/login',
    '/api/questions',
    '/api/questions/{id}/claim',
    '/api/replies/{id}/approve',
    '/api/metrics',
    '/health',
  ]) {
    t.ok(spec.paths[path], `documents ${path}`);
  }
  t.ok(health.headers['x-request-id'], 'every response carries its request id');
  t.equal((await app.inject({ method: 'GET', url: '/api/nope' })).json().error.code, 'not_found');
});

t.test('login, me and logout', async (t) => {
  const app = await buildTestApp(t);
  const wrong = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: ADMIN.email, password: 'not-the-password' },
  });
  t.equal(wrong.statusCode, 401);
  t.equal(wrong.json().error.code, 'invalid_credentials');
  const response = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: ADMIN.email.toUpperCase(), password: ADMIN.password },
  });
  t.equal(response.statusCode, 200, 'emails are case-insensitive');
  const cookie = response.cookies.find((c) => c.name === 'hf_session')!;
  t.equal(cookie.httpOnly, true);
  t.equal(cookie.sameSite, 'Strict');
  t.equal(response.json().user.role, 'admin');
  const session = await login(app, ADMIN.email, ADMIN.password);
  const me = (await as(app, session).get('/api/me')).json();
  t.equal(me.user.email, ADMIN.email);
  t.equal(me.csrfToken, session.csrfToken, 'GET /api/me returns the CSRF token');
  t.notMatch(JSON.stringify(me), /argon2|passwordHash/i, 'no password hash leaks');
});

t.test('ingest is idempotent on channel + externalId, and lists page with a cursor', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const body = {
    channel: 'email',
    externalId: 'msg-1',
    text: 'Can I return a laptop after 20 days?',
    author: { handle: 'pat', name: 'Pat' },
    createdAt: '2026-01-05T10:00:00Z',
  };
  const first = await as(app, manager).post('/api/questions', body);
  t.equal(first.statusCode, 201);
  const again = await as(app, manager).post('/api/questions', { ...body, text: 'changed text' });
  t.equal(again.statusCode, 200, 'a repeat is not an error');
  t.equal(again.json().question.id, first.json().question.id, 'and returns the same question');
  t.equal(again.json().question.text, body.text, 'unchanged');
  const question = first.json().question;
  t.same(question.tags.map((tag: { slug: string }) => tag.slug).sort(), ['laptops', 'returns'], 'tagged by keywords');
  t.equal(question.createdAt, '2026-01-05T10:00:00.000Z');
  t.equal(question.author.name, 'Pat');

  for (let i = 2; i <= 5; i++) await as(app, manager).post('/api/questions', { ...body, externalId: `msg-${i}` });
  const page1 = (await as(app, manager).get('/api/questions?limit=2')).json();
  t.equal(page1.items.length, 2);
  t.ok(page1.nextCursor);
  const page2 = (await as(app, manager).get(`/api/questions?limit=2&cursor=${page1.nextCursor}`)).json();
  const page3 = (await as(app, manager).get(`/api/questions?limit=2&cursor=${page2.nextCursor}`)).json();
  const ids = [...page1.items, ...page2.items, ...page3.items].map((q: { id: string }) => q.id);
  t.equal(new Set(ids).size, 5, 'every question once across pages');
  t.equal(page3.nextCursor, null);
  const urgent: { id: string; slaDueAt: string }[] = [];
  for (let cursor: string | null = ''; cursor !== null; ) {
    const page: { items: { id: string; slaDueAt: string }[]; nextCursor: string | null } = (
      await as(app, manager).get(`/api/questions?sort=sla&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
    ).json();
    urgent.push(...page.items);
    cursor = page.nextCursor;
  }
  t.equal(new Set(urgent.map((q) => q.id)).size, 5, 'most urgent first pages through every question once');
  t.same(
    urgent.map((q) => q.slaDueAt),
    [...urgent.map((q) => q.slaDueAt)].sort(),
    'earliest deadline first',
  );
  t.equal((await as(app, manager).get('/api/questions?tag=tv')).json().items.length, 0, 'filter by tag');
  t.equal((await as(app, manager).get('/api/questions?tag=returns')).json().items.length, 5);
  t.equal((await as(app, manager).get('/api/questions?status=answered')).json().items.length, 0, 'filter by status');
});

t.test('ingest takes ids as other systems write them: long URIs and Message-IDs, up to a bound', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const did = `did:web:${'support.'.repeat(12)}example.com`;
  const post = `at://${did}/app.bsky.feed.post/3l6oveex3ii2l`;
  const messageId = `<${'CAHk-'.repeat(30)}@mail.example.com>`;
  const body = {
    channel: 'email',
    externalId: messageId,
    text: 'Can I return a laptop after 20 days?',
    author: { handle: 'pat', externalId: did },
    inReplyToExternalId: post,
    conversationId: messageId,
  };
  t.ok(post.length > 64 && messageId.length > 64, 'longer than the 64 characters once allowed');
  const first = await as(app, manager).post('/api/questions', body);
  t.equal(first.statusCode, 201, first.body);
  t.equal(first.json().question.externalId, messageId, 'kept whole');
  const again = await as(app, manager).post('/api/questions', body);
  t.equal(again.json().question.id, first.json().question.id, 'and found again by it');
  const tooLong = await as(app, manager).post('/api/questions', { ...body, externalId: 'x'.repeat(513) });
  t.equal(tooLong.statusCode, 400, 'a whole document is not an id');
});

t.test('profiles: experts set skills, availability and signature; the roster shows them', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const expert = await createUser(app, 'expert', { name: 'Jane Doe' });
  const profile = (await as(app, expert).get('/api/me/profile')).json();
  t.equal(profile.signature, 'JD', 'a default signature from the initials');
  const updated = await as(app, expert).put('/api/me/profile', {
    signature: 'Jane, Geek Squad',
    skills: [
      { tag: 'tv', level: 5 },
      { tag: 'laptops', level: 2 },
    ],
    capacity: 4,
    availability: 'away',
    schedule: { timezone: 'America/Chicago', slots: [{ day: 1, start: 540, end: 1020 }] },
  });
  t.equal(updated.statusCode, 200);
  t.equal(updated.json().availability, 'away');
  t.equal(
    (await as(app, expert).put('/api/me/profile', { skills: [{ tag: 'tv', level: 9 }] })).statusCode,
    400,
    'levels are 1..5',
  );
  t.equal((await as(app, expert).put('/api/me/profile', { availability: 'sleeping' })).statusCode, 400);
  const manager = await createUser(app, 'manager');
  const roster = (await as(app, manager).get('/api/experts')).json().items;
  const jane = roster.find((e: { id: string }) => e.id === expert.user.id);
  t.match(jane, {
    name: 'Jane Doe',
    signature: 'Jane, Geek Squad',
    capacity: 4,
    availability: 'away',
    online: false,
    load: 0,
  });
  t.same(jane.skills.map((s: { tag: string }) => s.tag).sort(), ['laptops', 'tv']);
  const directory = (await as(app, expert).get('/api/experts/directory')).json().items;
  t.same(
    Object.keys(directory[0]).sort(),
    ['availability', 'id', 'name', 'online', 'signature', 'skills', 'store'],
    'colleagues see no emails or stats',
  );
  const managerProfile = (await as(app, manager).get('/api/me/profile')).json();
  t.equal(managerProfile.availability, 'away', 'a manager is not routed questions until they opt in');
});

t.test('tags: managers create, edit, mark sensitive and delete', async (t) => {
  const app = await buildTestApp(t);
  const manager = await createUser(app, 'manager');
  const created = await as(app, manager).post('/api/tags', {
    slug: 'gaming',
    name: 'Gaming',
    keywords: ['ps5', 'xbox'],
  });
  t.equal(created.statusCode, 201);
  t.same(created.json().tag, {
    slug: 'gaming',
    name: 'Gaming',
    description: '',
    keywords: ['ps5', 'xbox'],
    sensitive: false,
  });
  t.equal((await as(app, manager).post('/api/tags', { slug: 'gaming', name: 'Again' })).statusCode, 409);
  t.equal((await as(app, manager).post('/api/tags', { slug: 'Bad Slug!', name: 'x' })).statusCode, 400);
  const patched = await as(app, manager).patch('/api/tags/gaming', { sensitive: true });
  t.same(patched.json().tag.keywords, ['ps5', 'xbox'], 'a patch keeps what it does not name');
  t.equal(patched.json().tag.sensitive, true);
  t.equal((await as(app, manager).patch('/api/tags/nope', { name: 'x' })).statusCode, 404);
  t.equal(
    (await as(app, manager).patch('/api/tags/gaming', {})).statusCode,
    400,
    'an empty patch says what it takes (it was a 500)',
  );
  t.equal(
    (await app.services.tags.update('gaming', {})).slug,
    'gaming',
    'the service reads an empty patch as no change',
  );
  const q = await as(app, manager).post('/api/questions', {
    channel: 'api',
    externalId: '1',
    text: 'my PS5 will not start',
    author: { handle: 'x' },
  });
  t.same(
    q.json().question.tags.map((tag: { slug: string }) => tag.slug),
    ['gaming'],
    'new keywords classify new questions',
  );
  t.equal((await as(app, manager).delete('/api/tags/gaming')).statusCode, 204);
  t.equal((await as(app, manager).get('/api/tags')).json().items.length, 0);
});

t.test('settings changed at the same moment both hold; tags and settings are known from the start', async (t) => {
  const databasePath = tempDatabasePath(t);
  const first = await buildTestApp(t, { databasePath });
  await Promise.all([
    first.services.settings.update({ negativeSlaMinutes: 10 }),
    first.services.settings.update({ attributionTemplate: '{text} ~{signature}' }),
  ]);
  t.match(
    first.services.settings.get(),
    { negativeSlaMinutes: 10, attributionTemplate: '{text} ~{signature}' },
    'neither change undid the other',
  );
  await seedTags(first);
  await first.close();

  const app = await buildTestApp(t, { databasePath });
  t.match(app.services.settings.get(), { negativeSlaMinutes: 10, attributionTemplate: '{text} ~{signature}' });
  t.ok(app.services.tags.exists('tv'), 'the tags are in memory before the first request');
  t.same(
    app.services.tags.rules().map((rule) => rule.slug),
    ['laptops', 'returns', 'tv'],
  );
});

t.test('review: sensitive tags always go to review; reject sends feedback back; edit-and-approve', async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const admin = await login(app, ADMIN.email, ADMIN.password);
  await as(app, admin).put('/api/settings', { reviewPolicy: { minApproved: 0, reviewAll: false } });
  const expert = await createUser(app, 'expert', {
    profile: {
      signature: 'EX',
      skills: [
        { tag: 'returns', level: 5 },
        { tag: 'tv', level: 5 },
      ],
    },
  });
  const manager = await createUser(app, 'manager');
  const ingest = async (id: string, text: string) => {
    const q = (
      await as(app, manager).post('/api/questions', { channel: 'api', externalId: id, text, author: { handle: 'c' } })
    ).json().question;
    await as(app, manager).post(`/api/questions/${q.id}/assign`, { expertId: expert.user.id });
    return q;
  };
  const plain = await ingest('a', 'my tv remote is lost');
  const auto = (
    await as(app, expert).post(`/api/questions/${plain.id}/replies`, { text: 'Try the app remote.' })
  ).json().reply;
  t.equal(auto.status, 'approved', 'with the policy at 0, a plain reply is approved on submit');

  const sensitive = await ingest('b', 'I want a refund for my tv');
  const reply = (
    await as(app, expert).post(`/api/questions/${sensitive.id}/replies`, { text: 'Sure, bring it in.' })
  ).json().reply;
  t.equal(reply.status, 'in_review', 'a sensitive tag always goes to review');
  const queue = (await as(app, manager).get('/api/replies?status=in_review')).json().items;
  t.equal(queue.length, 1);
  t.equal(queue[0].question.id, sensitive.id, 'the review queue carries the question');
  const rejected = await as(app, manager).post(`/api/replies/${reply.id}/reject`, {
    feedback: 'Mention the 15-day window.',
  });
  t.equal(rejected.json().reply.feedback, 'Mention the 15-day window.');
  t.equal(
    (await as(app, expert).get(`/api/questions/${sensitive.id}`)).json().question.status,
    'claimed',
    'back with the expert',
  );
  t.equal(
    (await as(app, manager).post(`/api/replies/${reply.id}/approve`, {})).statusCode,
    409,
    'a rejected reply cannot be approved',
  );
  const second = (
    await as(app, expert).post(`/api/questions/${sensitive.id}/replies`, {
      text: 'Returns are accepted within 15 days.',
    })
  ).json().reply;
  const approved = await as(app, manager).post(`/api/replies/${second.id}/approve`, {
    text: 'Returns are accepted within 15 days with the receipt.',
  });
  t.equal(approved.statusCode, 200);
  t.equal(
    approved.json().reply.preview,
    'Returns are accepted within 15 days with the receipt. ^EX',
    "the manager's edit is what gets posted",
  );
  const tooLong = await as(app, expert).post(`/api/questions/${plain.id}/replies`, { text: 'x'.repeat(300) });
  t.equal(tooLong.statusCode, 409, 'an answered question takes no more replies');
  const third = await ingest('c', 'tv question');
  const over = await as(app, expert).post(`/api/questions/${third.id}/replies`, { text: '漢'.repeat(139) });
  t.equal(over.statusCode, 422, 'a preview over 280 weighted characters is refused');
  t.equal(over.json().error.code, 'too_long');
  const mine = (await as(app, expert).get('/api/replies?author=me')).json().items;
  t.equal(mine.length, 3, 'an expert sees their own answers');
});

t.test('sessions expire after a week', async (t) => {
  const { createManualClock } = await import('../server/domain/clock.js');
  const clock = createManualClock();
  const app = await buildTestApp(t, { clock });
  const session = await login(app, ADMIN.email, ADMIN.password);
  clock.advance(6 * 24 * 3600_000);
  t.equal((await as(app, session).get('/api/me')).statusCode, 200, 'still valid after six days');
  clock.advance(2 * 24 * 3600_000);
  t.equal((await as(app, session).get('/api/me')).statusCode, 401, 'expired after eight');
});
