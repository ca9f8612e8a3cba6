// The living demo: customers post sample questions on the fake X every few seconds, the simulated experts claim some
// of their offers and answer about the question's topic after a human-like pause, a simulated shift lead reviews what
// the real manager leaves waiting, and customers answer back (a follow-up or a thank-you). Real users share the same
// network. Everything runs on the services' clock, in steps: a test drives `step()` with a manual clock.
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { questions as questionsTable, replies } from '../../db/schema.js';
import type { Clock } from '../../server/domain/clock.js';
import type { Services } from '../../server/plugins/services.js';
import type { Account, QuestionSummary, User } from '../../server/contracts/api.js';
import type { FakeX } from '../fake-x/index.js';
import { CUSTOMER_HANDLES, SAMPLE_QUESTIONS } from './catalog.js';
import { SHIFT_LEAD } from './seed.js';
import { answerFor, customerReply, revisedAnswer } from './topics.js';

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface DemoSimulationOptions {
  /** Between two customer questions. */
  intervalMs: number;
  log: Log;
  random?: () => number;
  /** Defaults to the services' clock. */
  clock?: Clock;
  /** How long an expert thinks before a claim or an answer: [shortest, longest]. */
  thinkMs?: [number, number];
  /** A simulated expert's reply waiting longer than this is reviewed by the shift lead; sooner it is the manager's. */
  reviewAfterMs?: number;
  /** Shares of answered questions whose customer writes back with a follow-up, and with thanks. */
  followUpShare?: number;
  thanksShare?: number;
}

const SHIFT_LEAD_FEEDBACK = 'Good start: please add a next step in case this does not solve it.';

export function createDemoSimulation(services: Services, fakeX: FakeX, options: DemoSimulationOptions) {
  const {
    log,
    random = Math.random,
    clock = services.clock,
    thinkMs = [3000, 15_000],
    reviewAfterMs = 5 * 60_000,
    followUpShare = 0.2,
    thanksShare = 0.25,
  } = options;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const think = () => thinkMs[0] + random() * (thinkMs[1] - thinkMs[0]);
  const { db } = services;

  // Deactivated simulated experts are left alone, like anyone else whose account was closed.
  const simulated = () =>
    services.auth.listAccounts().filter((u) => u.active && u.role === 'expert' && u.name.endsWith('(sim)'));
  const shiftLead = (): User | undefined =>
    services.auth.listUsers().find((u) => u.email === SHIFT_LEAD.email && u.role === 'manager');

  // Work due later on the clock. It is forgotten at stop: what an expert still holds then is picked up again at the
  // next start, from the database.
  let due: { at: number; work: () => void }[] = [];
  const later = (work: () => void) => due.push({ at: clock.now() + think(), work });
  const busy = new Set<string>();

  function postQuestion() {
    fakeX.addMention({
      text: pick(SAMPLE_QUESTIONS),
      author: { username: `${pick(CUSTOMER_HANDLES)}${Math.floor(10 + random() * 990)}` },
    });
  }

  /** This expert's latest reply to the question, if any. */
  const lastReply = (expertId: string, questionId: string) =>
    db
      .select({ text: replies.text, status: replies.status })
      .from(replies)
      .where(and(eq(replies.questionId, questionId), eq(replies.authorId, expertId)))
      .orderBy(desc(replies.createdAt))
      .get();

  /** What the brand already said in the thread: X refuses a post that repeats an earlier one word for word. */
  const postedIn = (questionId: string) =>
    db
      .select({ text: replies.text })
      .from(replies)
      .where(and(eq(replies.questionId, questionId), inArray(replies.status, ['posted', 'approved'])))
      .all()
      .map((r) => r.text);

  function answer(user: Account, question: QuestionSummary) {
    try {
      const tags = question.tags.map((t) => t.slug);
      const previous = lastReply(user.id, question.id);
      const body =
        previous?.status === 'rejected'
          ? revisedAnswer(question.text, tags, previous.text, pick)
          : answerFor(question.text, tags, pick, postedIn(question.id));
      // Each answer greets its customer, so two customers asking the same thing do not get identical posts.
      const text = `Hi @${question.author.handle}! ${body}`;
      services.replies.submit(user, question.id, text);
    } catch (error) {
      // Whatever stops the answer, the question goes back to the pool rather than hold the expert's capacity.
      log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert could not answer; released');
      try {
        services.questions.release(user, question.id);
      } catch {
        // Someone else moved it meanwhile (a manager reassigned or dismissed it): nothing to give back.
      }
    }
  }

  function expertsAct() {
    for (const user of simulated()) {
      if (busy.has(user.id)) continue;
      // What they hold comes first: a question a manager assigned them, a reply sent back for revision, or a claim
      // whose answer was still being written when the server stopped.
      const held = services.questions.list(user, { status: 'claimed', assignee: 'me', limit: 1 }).items[0];
      if (held) {
        busy.add(user.id);
        later(() => {
          busy.delete(user.id);
          answer(user, held);
        });
        continue;
      }
      const offer = services.questions.myOffers(user)[0];
      if (!offer) continue;
      // Leave a share of the offers to the real people trying the demo; a customer writing again under their own
      // answer is theirs, though.
      if (!offer.offer.reasons['previous-expert'] && random() < 0.5) continue;
      busy.add(user.id);
      later(() => {
        try {
          services.questions.claim(user, offer.question.id);
        } catch (error) {
          busy.delete(user.id);
          log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert lost a claim');
          return;
        }
        later(() => {
          busy.delete(user.id);
          answer(user, offer.question);
        });
      });
    }
  }

  /** The shift lead approves simulated experts' replies the manager left waiting, and sends a few first ones back. */
  function shiftLeadReviews() {
    const lead = shiftLead();
    if (!lead) return;
    const waiting = db
      .select({ id: replies.id, questionId: replies.questionId, authorId: replies.authorId })
      .from(replies)
      .where(and(eq(replies.status, 'in_review'), lt(replies.updatedAt, clock.now() - reviewAfterMs)))
      .all();
    if (waiting.length === 0) return;
    const sims = new Set(simulated().map((u) => u.id));
    for (const reply of waiting) {
      if (!sims.has(reply.authorId)) continue;
      try {
        const revised = db
          .select({ id: replies.id })
          .from(replies)
          .where(and(eq(replies.questionId, reply.questionId), eq(replies.status, 'rejected')))
          .get();
        if (!revised && random() < 0.2) services.replies.reject(lead, reply.id, SHIFT_LEAD_FEEDBACK);
        else services.replies.approve(lead, reply.id);
      } catch (error) {
        log.info({ replyId: reply.id, reason: (error as Error).message }, 'simulated shift lead could not review');
      }
    }
  }

  // The brand's replies already on X when the simulation starts were answered (or not) before: only new ones count.
  const seen = new Set(fakeX.brandReplies().map((t) => t.id));

  /** Customers read the brand's answers: some write back under them, once per question. */
  function customersReact() {
    for (const reply of fakeX.brandReplies()) {
      if (seen.has(reply.id)) continue;
      seen.add(reply.id);
      const question = db
        .select({ text: questionsTable.text, handle: questionsTable.authorHandle })
        .from(questionsTable)
        .where(eq(questionsTable.externalId, reply.inReplyToTweetId ?? ''))
        .get();
      if (!question) continue; // an answer to a follow-up: the customer already had their say
      const roll = random();
      if (roll >= followUpShare + thanksShare) continue;
      const text = customerReply(question.text, pick, roll < followUpShare);
      later(() => fakeX.addMention({ text, author: { username: question.handle }, inReplyToTweetId: reply.id }));
    }
  }

  function runDue() {
    const now = clock.now();
    const ready = due.filter((d) => d.at <= now);
    if (ready.length === 0) return;
    due = due.filter((d) => d.at > now);
    for (const { work } of ready) {
      try {
        work();
      } catch (error) {
        log.warn({ err: error }, 'demo step failed');
      }
    }
  }

  return {
    postQuestion,
    /** One step: due work first, then what the experts, the shift lead and the customers do now. */
    step() {
      runDue();
      expertsAct();
      shiftLeadReviews();
      customersReact();
    },
    /** Drops the work not yet due (the server is stopping). */
    clear() {
      due = [];
      busy.clear();
    },
  };
}

export function startDemoSimulation(services: Services, fakeX: FakeX, options: DemoSimulationOptions) {
  const simulation = createDemoSimulation(services, fakeX, options);
  const guarded = (what: string, work: () => void) => () => {
    try {
      work();
    } catch (error) {
      // A failing step (say, SQLITE_BUSY) is retried on the next one; thrown from a timer it would end the server.
      options.log.warn({ err: error }, `demo ${what} failed; retrying on the next tick`);
    }
  };
  const customers = setInterval(guarded('customer post', simulation.postQuestion), options.intervalMs);
  const steps = setInterval(guarded('step', simulation.step), Math.min(2000, options.intervalMs));
  customers.unref();
  steps.unref();

  return async () => {
    clearInterval(customers);
    clearInterval(steps);
    simulation.clear();
  };
}
