// The routing model after a restart: replayed before listening when the history is small, after listening (from a
// read snapshot, in slices) when it is large — and in both cases the same model, with whatever the server learned
// during a background replay learned once, after the history it came after.
import t, { type Test } from 'tap';
import type { App } from '../server/app.js';
import type { User } from '../server/contracts/api.js';
import { buildTestApp, createUser, seedTags, tempDatabasePath } from './helpers/app.js';

const T0 = Date.UTC(2026, 10, 2, 9, 0);
const TEXTS = [
  'my tv has no sound over hdmi',
  'soundbar will not pair with the television',
  'laptop battery drains overnight',
  'how do I return a laptop I bought online',
  'macbook will not wake from sleep',
  'refund for a damaged tv',
];
const LEARNED_REASONS = ['activity', 'recent', 'shift', 'similar', 'tags'];

/** A clock the test moves: every step of the history happens at its own time. */
function steppingClock() {
  let now = T0;
  return {
    now: () => now,
    advance: (ms = 60_000) => {
      now += ms;
    },
  };
}

const user = async (app: App, id: string): Promise<User> =>
  (await app.services.auth.listUsers()).find((u) => u.id === id)!;

/**
 * One question answered and approved, by `expertId`, all at the clock's current time. (The router learns a live
 * answer at its approval and a replayed one at its last update, the post, so the tests post before the clock moves.)
 */
async function answer(app: App, managerId: string, expertId: string, i: number) {
  const { services } = app;
  const { question } = await services.ingest.ingest({
    channel: 'api',
    externalId: `history-${i}`,
    text: `${TEXTS[i % TEXTS.length]} (case ${i})`,
    author: { handle: `customer${i}` },
  });
  const expert = await user(app, expertId);
  const manager = await user(app, managerId);
  await services.questions.claim(expert, question.id);
  const reply = await services.replies.submit(expert, question.id, `Here is what to try first (case ${i}).`);
  if (reply.status === 'in_review') await services.replies.approve(manager, reply.id);
  if (i % 7 === 0) await services.questions.retag(manager, question.id, i % 2 ? ['tv'] : ['laptops']);
}

/** A history of `count` answered questions, a minute apart, each posted before the next. */
async function answered(
  app: App,
  clock: ReturnType<typeof steppingClock>,
  managerId: string,
  expertIds: string[],
  count: number,
) {
  for (let i = 0; i < count; i++) {
    clock.advance();
    await answer(app, managerId, expertIds[i % expertIds.length]!, i);
    await app.services.outbox.idle();
  }
}

/**
 * A database file with a history: a manager, experts with the given skills and `count` answered questions, written
 * by an app that is then closed. The tests start apps on the file as a restart would.
 */
async function historyFile(t: Test, skills: string[], count: number) {
  const databasePath = tempDatabasePath(t);
  const clock = steppingClock();
  const first = await buildTestApp(t, { databasePath, clock });
  await seedTags(first);
  const manager = await createUser(first, 'manager');
  const experts = await Promise.all(
    skills.map((tag, i) =>
      createUser(first, 'expert', { name: `Expert ${i}`, profile: { skills: [{ tag, level: 3 }] } }),
    ),
  );
  const expertIds = experts.map((e) => e.user.id);
  await answered(first, clock, manager.user.id, expertIds, count);
  await first.close();
  return { databasePath, clock, managerId: manager.user.id, expertIds };
}

/** What the model learned, as the router explains it for a few questions (the roster's live state left out). */
function learnedView(app: App, now: number): { expertId: string; reasons: Record<string, number> }[][] {
  return TEXTS.map((text) =>
    app.services.router
      .rank({ text, tags: [], now })
      .map((r) => ({
        expertId: r.expertId,
        reasons: Object.fromEntries(LEARNED_REASONS.map((name) => [name, r.reasons[name] ?? 0])),
      }))
      .sort((a, b) => (a.expertId < b.expertId ? -1 : 1)),
  );
}

t.test(
  'a large history is replayed after the server listens, to the same model a replay before listening builds',
  async (t) => {
    const { databasePath, clock } = await historyFile(t, ['tv', 'laptops', 'tv'], 120);

    // Replayed before listening (the default for a history this small): the reference model.
    const before = await buildTestApp(t, { databasePath, clock });
    t.same(
      before.services.routingModel.status(),
      { state: 'ready', learned: 120, total: 120, reading: false },
      '120 answers',
    );
    const reference = learnedView(before, clock.now());
    t.ok(
      reference.flat().some((r) => r.reasons.similar! > 0),
      'the model learned something to compare',
    );
    await before.close();

    // The same history replayed after listening, one item per turn of the event loop.
    const after = await buildTestApp(t, { databasePath, clock, routing: { replayBeforeListen: 0, replaySliceMs: 0 } });
    t.equal(after.services.routingModel.status().state, 'loading', 'the server is up while the model replays');
    const health = (await after.inject('/health')).json();
    t.equal(health.status, 'ok');
    t.match(health.routing, { model: 'loading', total: 120 });
    t.ok(health.routing.learned < 120, 'part of the history is still to come');
    await after.services.routingModel.ready();
    t.same(after.services.routingModel.status(), { state: 'ready', learned: 120, total: 120, reading: false });
    t.match((await after.inject('/health')).json().routing, { model: 'ready', learned: 120 });
    t.same(learnedView(after, clock.now()), reference, 'the same model');
  },
);

t.test('what the server learns during a background replay is learned once, after the history', async (t) => {
  const { databasePath, clock, managerId, expertIds } = await historyFile(t, ['tv', 'tv'], 60);

  const during = await buildTestApp(t, { databasePath, clock, routing: { replayBeforeListen: 0, replaySliceMs: 0 } });
  t.equal(during.services.routingModel.status().state, 'loading');
  // Between turns of the event loop, so the replay cannot move on in between: two answers approved and a question
  // retagged while the history is still replaying. Ingest and claims work as usual meanwhile.
  clock.advance();
  for (let i = 60; i < 63; i++) await answer(during, managerId, expertIds[i % 2]!, i);
  t.equal(during.services.routingModel.status().state, 'loading', 'still replaying when they were approved');
  await during.services.routingModel.ready();
  await during.services.outbox.idle();
  const live = learnedView(during, clock.now());
  await during.close();

  // A later restart replays everything, the three new answers last: the model must be the one the server had.
  const later = await buildTestApp(t, { databasePath, clock });
  t.equal(later.services.routingModel.status().learned, 63, 'all 63 answers');
  t.same(live, learnedView(later, clock.now()), 'learned once each, in order');
});

t.test(
  'a background replay lets go of its read snapshot once the history is read, long before it is learned',
  async (t) => {
    const { databasePath, clock, managerId, expertIds } = await historyFile(t, ['tv', 'laptops'], 120);
    const app = await buildTestApp(t, { databasePath, clock, routing: { replayBeforeListen: 0, replaySliceMs: 0 } });
    const { routingModel, db } = app.services;
    const sqlite = db.$client;
    t.match(routingModel.status(), { state: 'loading', reading: true }, 'reading the history from its snapshot');
    // Something written while the snapshot is held stays in the WAL: a checkpoint cannot copy it back past the reader.
    clock.advance();
    await answer(app, managerId, expertIds[0]!, 120);
    const held = sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    t.ok(
      held[0]!.checkpointed < held[0]!.log,
      `held back while reading (${held[0]!.checkpointed} of ${held[0]!.log} frames)`,
    );

    while (routingModel.status().reading) await new Promise((resolve) => setImmediate(resolve));
    t.ok(
      routingModel.status().learned < 60,
      `read in full with ${routingModel.status().learned} of 120 answers learned`,
    );
    t.equal(routingModel.status().state, 'loading');
    clock.advance();
    await answer(app, managerId, expertIds[1]!, 121);
    const free = sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
    t.equal(free[0]!.checkpointed, free[0]!.log, 'then the whole WAL can be checkpointed while the replay goes on');

    await routingModel.ready();
    await app.services.outbox.idle();
    const live = learnedView(app, clock.now());
    await app.close();
    const later = await buildTestApp(t, { databasePath, clock });
    t.equal(later.services.routingModel.status().learned, 122);
    t.same(live, learnedView(later, clock.now()), 'and the model is the one a restart builds');
  },
);

t.test('closing the server in the middle of a background replay stops it cleanly', async (t) => {
  const { databasePath, clock } = await historyFile(t, ['tv'], 40);

  const app = await buildTestApp(t, { databasePath, clock, routing: { replayBeforeListen: 0, replaySliceMs: 0 } });
  t.equal(app.services.routingModel.status().state, 'loading');
  await app.close();
  t.ok(app.services.routingModel.status().learned < 40, 'stopped before the end');
  t.equal(app.services.routingModel.status().state, 'ready');
});
