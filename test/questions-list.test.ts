// The question list as the manager's queue pages it: several statuses, newest first, by cursor. The statuses are read
// range by range (server/services/questions.ts), so every page must still equal the plain newest-first list filtered.
import t, { type Test } from 'tap';
import { as, buildTestApp, createUser, seedTags, type Session } from './helpers/app.js';
import type { App } from '../server/app.js';
import { type QuestionAction, transitions } from '../server/domain/lifecycle.js';

type Page = { items: { id: string; status: string; tags: { slug: string }[] }[]; nextCursor: string | null };
const STATUSES = [
  'new',
  'offered',
  'claimed',
  'escalated',
  'in_review',
  'answered',
  'dismissed',
  'escalated',
  'in_review',
];
const OPEN = ['new', 'offered', 'claimed', 'escalated', 'in_review'];

async function mixedQueue(t: Test) {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const texts = ['My tv has no sound over hdmi', 'Can I return this laptop?', 'Where is my order?'];
  for (let i = 0; i < 40; i++) {
    const created = await as(app, manager).post('/api/questions', {
      channel: 'email',
      externalId: `q-${i}`,
      text: texts[i % texts.length],
      author: { handle: `c${i}` },
    });
    await moveTo(app, created.json().question.id, STATUSES[(i * 7) % STATUSES.length] ?? 'new');
  }
  return { app, manager };
}

/** Walks the question to `status` along the lifecycle table's shortest path, through the repository's transitions. */
async function moveTo(app: App, id: string, status: string) {
  const question = await app.services.data.questions.byId(id);
  if (!question) throw new Error(`no question ${id}`);
  const paths = new Map<string, QuestionAction[]>([[question.status, []]]);
  for (const [from, path] of paths)
    for (const step of transitions())
      if (step.from === from && !paths.has(step.to)) paths.set(step.to, [...path, step.action]);
  const path = paths.get(status);
  if (!path) throw new Error(`no way from ${question.status} to ${status}`);
  await app.services.uow.run(async (unit) => {
    for (const action of path)
      if (!(await unit.questions.transitionOne(action, id, { updatedAt: question.updatedAt })))
        throw new Error(`${action} did not apply to ${id}`);
  });
}

async function pages(app: App, session: Session, query: string): Promise<Page[]> {
  const all: Page[] = [];
  for (let cursor: string | null = null; all.length === 0 || cursor !== null; ) {
    const page: Page = (
      await as(app, session).get(`/api/questions?${query}${cursor ? `&cursor=${cursor}` : ''}`)
    ).json();
    all.push(page);
    cursor = page.nextCursor;
  }
  return all;
}

t.test('the queue pages through several statuses newest first, as the unfiltered list orders them', async (t) => {
  const { app, manager } = await mixedQueue(t);
  const everything = (await as(app, manager).get('/api/questions?limit=200')).json() as Page;
  t.equal(everything.items.length, 40);
  const open = everything.items.filter((q) => OPEN.includes(q.status)).map((q) => q.id);
  t.ok(open.length > 20 && open.length < 40, 'open and closed questions are interleaved');

  const paged = await pages(app, manager, `status=${OPEN.join(',')}&limit=4`);
  t.same(
    paged.flatMap((p) => p.items.map((q) => q.id)),
    open,
    'every open question once, newest first',
  );
  t.equal(paged.length, Math.ceil(open.length / 4), 'no empty last page');
  t.ok(
    paged.slice(0, -1).every((p) => p.items.length === 4 && p.nextCursor === p.items[3]!.id),
    'a full page points at its last question',
  );
  t.same(
    (await as(app, manager).get(`/api/questions?status=${OPEN.join(',')}&limit=200`)).json().items,
    everything.items.filter((q) => OPEN.includes(q.status)),
    'one page holds the same summaries',
  );

  const twoStatuses = await pages(app, manager, 'status=in_review,%20new,in_review&limit=3');
  t.same(
    twoStatuses.flatMap((p) => p.items.map((q) => q.id)),
    everything.items.filter((q) => ['in_review', 'new'].includes(q.status)).map((q) => q.id),
    'spaces and repeats in the status list change nothing',
  );

  const escalated = await pages(app, manager, 'status=escalated&limit=2');
  t.same(
    escalated.flatMap((p) => p.items.map((q) => q.id)),
    everything.items.filter((q) => q.status === 'escalated').map((q) => q.id),
    'one status pages to its end',
  );

  const tagged = await pages(app, manager, `status=${OPEN.join(',')}&tag=tv&limit=2`);
  const tvOpen = everything.items
    .filter((q) => OPEN.includes(q.status) && q.tags.some((tag) => tag.slug === 'tv'))
    .map((q) => q.id);
  t.ok(tvOpen.length > 2, 'several open tv questions');
  t.same(
    tagged.flatMap((p) => p.items.map((q) => q.id)),
    tvOpen,
    'with a tag too',
  );

  t.same(
    (await as(app, manager).get('/api/questions?status=,&limit=5')).json(),
    { items: [], nextCursor: null },
    'an empty status list matches nothing',
  );
});

t.test('an expert sees only their own questions in a multi-status list', async (t) => {
  const { app } = await mixedQueue(t);
  const expert = await createUser(app, 'expert');
  const mine = (await as(app, expert).get(`/api/questions?status=${OPEN.join(',')}&limit=50`)).json() as Page;
  t.same(mine.items, [], 'none was offered or assigned to them');
});
