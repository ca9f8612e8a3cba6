// The routing listener after commit: an expert's new load is on the roster by the time the claim or release returns,
// and an expert's refreshes land in the order they started; the model learns answers and tags in the order they
// happened, as a replay of the history would, however long reading each answer's question takes; and an expert whose
// refresh fails is logged.
import t from 'tap';
import type { ProfileRow, ReplyRow } from '../db/schema.js';
import type { QuestionSummary } from '../server/contracts/api.js';
import type { Router } from '../server/domain/routing/index.js';
import type { DomainEvent } from '../server/events/domain-events.js';
import type { UnitOfWork } from '../server/events/unit-of-work.js';
import { createRoutingListener } from '../server/listeners/routing.js';
import type { RealtimeHub } from '../server/services/realtime-hub.js';
import type { ReadRepositories } from '../server/repositories/index.js';
import { createExpertService } from '../server/services/experts.js';
import { buildTestApp, createUser, seedTags } from './helpers/app.js';
import { ask } from './helpers/knowledge.js';

const reply = (id: string, questionId: string, authorId: string) => ({ id, questionId, authorId }) as ReplyRow;

function setup(readDelays: Record<string, number>) {
  const learned: string[] = [];
  const errors: string[] = [];
  const router = {
    learnAnswer: (expertId: string, text: string) => learned.push(`answer ${expertId}: ${text}`),
    learnTags: (text: string, tags: string[]) => learned.push(`tags ${tags.join(',')}: ${text}`),
  } as unknown as Router;
  const listener = createRoutingListener({
    clock: { now: () => 0 },
    router,
    presenters: {
      // Some questions take longer to read than others.
      summaryById: (id: string) =>
        new Promise<QuestionSummary | null>((resolve) =>
          setTimeout(() => resolve({ text: `question ${id}`, tags: [] } as unknown as QuestionSummary), readDelays[id]),
        ),
    },
    refreshExpert: async (expertId) => {
      if (expertId === 'gone') throw new Error('no such expert');
    },
    indexAnswer: () => undefined,
    wakeOutbox: () => undefined,
    log: { error: (_obj, msg) => errors.push(msg ?? '') },
  });
  return { listener, learned, errors };
}

t.test('answers and tags are learned in the order they were approved, whatever their reads take', async (t) => {
  const { listener, learned } = setup({ q1: 30, q2: 0 });
  const events: DomainEvent[] = [
    { type: 'reply.approved', data: { reply: reply('r1', 'q1', 'jane'), editedBy: null } },
    { type: 'question.retagged', data: { question: {} as never, text: 'question q3', tags: ['tv'] } },
    { type: 'reply.approved', data: { reply: reply('r2', 'q2', 'omar'), editedBy: null } },
  ];
  for (const event of events) listener(event);
  await new Promise((resolve) => setTimeout(resolve, 60));
  t.same(learned, ['answer jane: question q1', 'tags tv: question q3', 'answer omar: question q2']);
});

t.test('an expert who cannot be refreshed is logged, and the rest goes on', async (t) => {
  const { listener, learned, errors } = setup({ q1: 0 });
  listener({ type: 'reply.approved', data: { reply: reply('r1', 'q1', 'gone'), editedBy: null } });
  await new Promise((resolve) => setTimeout(resolve, 10));
  t.same(errors, ['expert refresh failed']);
  t.same(learned, ['answer gone: question q1'], 'the answer is learned all the same');
});

t.test("the router holds an expert's new load as soon as their claim or release returns", async (t) => {
  const app = await buildTestApp(t);
  await seedTags(app);
  const manager = await createUser(app, 'manager');
  const jane = await createUser(app, 'expert', { profile: { skills: [{ tag: 'tv', level: 5 }], capacity: 2 } });
  await app.services.experts.setOnline(jane.user.id, true);
  const question = await ask(app, manager, 'My TV has no sound');
  const { router, clock, questions } = app.services;
  const load = () =>
    router.rank({ text: 'my tv has no sound', tags: [], now: clock.now() }, [jane.user.id])[0]?.reasons.load ?? 0;
  t.equal(load(), 0, 'free');
  await questions.claim(jane.user, question.id);
  t.ok(load() < 0, 'holding one question counts against her at once');
  await questions.release(jane.user, question.id);
  t.equal(load(), 0, 'and no longer once she gave it back');
});

t.test("an expert's refreshes land in the order they started, however long each read takes", async (t) => {
  // Two refreshes overlapping on a pool of connections: the first read (still holding one question) is slow, the
  // second (given back) is quick. The router must end with the second.
  const reads = [
    { load: 1, delayMs: 30 },
    { load: 0, delayMs: 0 },
  ];
  const held: number[] = [];
  const experts = createExpertService({
    data: {
      experts: {
        routingState: async () => {
          const { load, delayMs } = reads.shift() ?? { load: -1, delayMs: 0 };
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          return {
            profile: { userId: 'jane', capacity: 2, availability: 'available', generalist: false } as ProfileRow,
            active: true,
            skills: [],
            load,
            replyCounts: [],
            replyDelays: [],
            pushable: false,
          };
        },
      } as unknown as ReadRepositories['experts'],
    },
    uow: {} as UnitOfWork,
    clock: { now: () => 0 },
    router: { upsertExpert: (expert: { load: number }) => held.push(expert.load) } as unknown as Router,
    hub: { isOnline: () => true } as unknown as RealtimeHub,
  });
  void experts.refresh('jane');
  void experts.refresh('jane');
  await experts.refreshed('jane');
  t.same(held, [1, 0], 'the newer read is the one the router keeps');
});
