// The living demo: customers post sample questions on the fake X every few seconds, the simulated experts claim some
// of their offers and answer about the question's topic after a human-like pause, a simulated shift lead reviews what
// the real manager leaves waiting, and customers answer back (a follow-up or a thank-you). Real users share the same
// network. Everything runs on the services' clock, in steps: a test drives `step()` with a manual clock.
import { X_CHANNEL } from '../../server/channels/x/mention-poller.js';
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
  const { data } = services;

  // Deactivated simulated experts are left alone, like anyone else whose account was closed.
  const simulated = async () =>
    (await services.auth.listAccounts()).filter((u) => u.active && u.role === 'expert' && u.name.endsWith('(sim)'));
  const shiftLead = async (): Promise<User | undefined> =>
    (await services.auth.listUsers()).find((u) => u.email === SHIFT_LEAD.email && u.role === 'manager');

  // Work due later on the clock. It is forgotten at stop: what an expert still holds then is picked up again at the
  // next start, from the database.
  let due: { at: number; work: () => void | Promise<void> }[] = [];
  const later = (work: () => void | Promise<void>) => due.push({ at: clock.now() + think(), work });
  const busy = new Set<string>();

  function postQuestion() {
    fakeX.addMention({
      text: pick(SAMPLE_QUESTIONS),
      author: { username: `${pick(CUSTOMER_HANDLES)}${Math.floor(10 + random() * 990)}` },
    });
  }

  async function answer(user: Account, question: QuestionSummary) {
    try {
      const tags = question.tags.map((t) => t.slug);
      // Oldest first: the expert's latest reply is their last one, and the brand's posted ones are what X already
      // has (it refuses a post that repeats an earlier one word for word).
      const thread = await data.replies.ofQuestion(question.id);
      const previous = thread.filter((r) => r.authorId === user.id).at(-1);
      const posted = thread.filter((r) => r.status === 'posted' || r.status === 'approved').map((r) => r.text);
      const body =
        previous?.status === 'rejected'
          ? revisedAnswer(question.text, tags, previous.text, pick)
          : answerFor(question.text, tags, pick, posted);
      // Each answer greets its customer, so two customers asking the same thing do not get identical posts.
      const text = `Hi @${question.author.handle}! ${body}`;
      await services.replies.submit(user, question.id, text);
    } catch (error) {
      // Whatever stops the answer, the question goes back to the pool rather than hold the expert's capacity.
      log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert could not answer; released');
      try {
        await services.questions.release(user, question.id);
      } catch {
        // Someone else moved it meanwhile (a manager reassigned or dismissed it): nothing to give back.
      }
    }
  }

  async function expertsAct() {
    for (const user of await simulated()) {
      if (busy.has(user.id)) continue;
      // What they hold comes first: a question a manager assigned them, a reply sent back for revision, or a claim
      // whose answer was still being written when the server stopped.
      const held = (await services.questions.list(user, { status: 'claimed', assignee: 'me', limit: 1 })).items[0];
      if (held) {
        busy.add(user.id);
        later(async () => {
          busy.delete(user.id);
          await answer(user, held);
        });
        continue;
      }
      const offer = (await services.questions.myOffers(user))[0];
      if (!offer) continue;
      // Leave a share of the offers to the real people trying the demo; a customer writing again under their own
      // answer is theirs, though.
      if (!offer.offer.reasons['previous-expert'] && random() < 0.5) continue;
      busy.add(user.id);
      later(async () => {
        try {
          await services.questions.claim(user, offer.question.id);
        } catch (error) {
          busy.delete(user.id);
          log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert lost a claim');
          return;
        }
        later(async () => {
          busy.delete(user.id);
          await answer(user, offer.question);
        });
      });
    }
  }

  /** The shift lead approves simulated experts' replies the manager left waiting, and sends a few first ones back. */
  async function shiftLeadReviews() {
    const lead = await shiftLead();
    if (!lead) return;
    const before = clock.now() - reviewAfterMs;
    const waiting = [];
    // A simulated expert holds a few questions at most (their capacity), so a few of their replies wait at most.
    for (const sim of await simulated())
      for (const reply of await data.replies.list({ authorId: sim.id, statuses: ['in_review'], limit: 20 }))
        if (reply.updatedAt < before) waiting.push(reply);
    waiting.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const reply of waiting) {
      try {
        const revised = (await data.replies.ofQuestion(reply.questionId)).some((r) => r.status === 'rejected');
        if (!revised && random() < 0.2) await services.replies.reject(lead, reply.id, SHIFT_LEAD_FEEDBACK);
        else await services.replies.approve(lead, reply.id);
      } catch (error) {
        log.info({ replyId: reply.id, reason: (error as Error).message }, 'simulated shift lead could not review');
      }
    }
  }

  // The brand's replies already on X when the simulation starts were answered (or not) before: only new ones count.
  const seen = new Set(fakeX.brandReplies().map((t) => t.id));

  /** Customers read the brand's answers: some write back under them, once per question. */
  async function customersReact() {
    for (const reply of fakeX.brandReplies()) {
      if (seen.has(reply.id)) continue;
      seen.add(reply.id);
      const question = await data.questions.byExternalId(X_CHANNEL, reply.inReplyToTweetId ?? '');
      if (!question) continue; // an answer to a follow-up: the customer already had their say
      const roll = random();
      if (roll >= followUpShare + thanksShare) continue;
      const text = customerReply(question.text, pick, roll < followUpShare);
      const handle = question.authorHandle;
      later(() => {
        fakeX.addMention({ text, author: { username: handle }, inReplyToTweetId: reply.id });
      });
    }
  }

  async function runDue() {
    const now = clock.now();
    const ready = due.filter((d) => d.at <= now);
    if (ready.length === 0) return;
    due = due.filter((d) => d.at > now);
    for (const { work } of ready) {
      try {
        await work();
      } catch (error) {
        log.warn({ err: error }, 'demo step failed');
      }
    }
  }

  return {
    postQuestion,
    /** One step: due work first, then what the experts, the shift lead and the customers do now. */
    async step() {
      await runDue();
      await expertsAct();
      await shiftLeadReviews();
      await customersReact();
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
  // A failing step (say, SQLITE_BUSY) is retried on the next one; thrown from a timer it would end the server.
  const failed = (what: string) => (error: unknown) =>
    options.log.warn({ err: error }, `demo ${what} failed; retrying on the next tick`);
  const post = () => {
    try {
      simulation.postQuestion();
    } catch (error) {
      failed('customer post')(error);
    }
  };
  // One step at a time: a tick that comes while the last step still waits on the services is skipped, as two steps
  // at once would act twice on the same offers.
  let stepping: Promise<void> | undefined;
  const step = () => {
    if (stepping !== undefined) return;
    stepping = simulation
      .step()
      .catch(failed('step'))
      .finally(() => {
        stepping = undefined;
      });
  };
  const customers = setInterval(post, options.intervalMs);
  const steps = setInterval(step, Math.min(2000, options.intervalMs));
  customers.unref();
  steps.unref();

  return async () => {
    clearInterval(customers);
    clearInterval(steps);
    // The step under way finishes first: the app closes its database next.
    await stepping;
    simulation.clear();
  };
}
