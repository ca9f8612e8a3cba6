// The living demo: customers post sample questions on the fake X every few seconds, and the simulated experts claim
// some of their offers and answer with canned replies after a human-like pause. Real users share the same network.
import type { FakeX } from '../fake-x/index.js';
import type { Services } from '../../server/plugins/services.js';
import type { Account, QuestionSummary } from '../../server/contracts/api.js';
import { CANNED_ANSWERS, CUSTOMER_HANDLES, SAMPLE_QUESTIONS } from './catalog.js';

interface Options {
  intervalMs: number;
  log: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  random?: () => number;
}

export function startDemoSimulation(
  services: Services,
  fakeX: FakeX,
  { intervalMs, log, random = Math.random }: Options,
) {
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  // Deactivated simulated experts are left alone, like anyone else whose account was closed.
  const simulated = () => services.auth.listAccounts().filter((u) => u.active && u.name.endsWith('(sim)'));
  const busy = new Set<string>();
  const thinkMs = () => 3000 + random() * 12_000;
  // Pending answers are cancelled at stop: what an expert still holds then is picked up again at the next start.
  const pending = new Set<NodeJS.Timeout>();
  const later = (work: () => void) => {
    const timer = setTimeout(() => {
      pending.delete(timer);
      work();
    }, thinkMs());
    timer.unref();
    pending.add(timer);
  };

  const customers = setInterval(() => {
    fakeX.addMention({
      text: pick(SAMPLE_QUESTIONS),
      author: { username: `${pick(CUSTOMER_HANDLES)}${Math.floor(10 + random() * 990)}` },
    });
  }, intervalMs);

  const answerLater = (user: Account, question: QuestionSummary) => {
    later(() => {
      try {
        const tag = question.tags[0]?.slug ?? 'general';
        // X refuses a brand post that repeats an earlier one word for word, so each answer greets its customer.
        const answer = `Hi @${question.author.handle}! ${pick(CANNED_ANSWERS[tag] ?? CANNED_ANSWERS.general!)}`;
        services.replies.submit(user, question.id, answer);
      } catch (error) {
        log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert could not answer');
      } finally {
        busy.delete(user.id);
      }
    });
  };

  const experts = setInterval(() => {
    for (const user of simulated()) {
      if (busy.has(user.id)) continue;
      // What they hold comes first: a claim whose answer was still being written when the server stopped, or a
      // question a manager assigned them. Otherwise it would hold their capacity for good.
      const held = services.questions.list(user, { status: 'claimed', assignee: 'me', limit: 1 }).items[0];
      if (held) {
        busy.add(user.id);
        answerLater(user, held);
        continue;
      }
      const offer = services.questions.myOffers(user)[0];
      // Leave a share of the offers to the real people trying the demo.
      if (!offer || random() < 0.5) continue;
      busy.add(user.id);
      later(() => {
        try {
          services.questions.claim(user, offer.question.id);
        } catch (error) {
          busy.delete(user.id);
          log.info({ expert: user.name, reason: (error as Error).message }, 'simulated expert lost a claim');
          return;
        }
        answerLater(user, offer.question);
      });
    }
  }, 2000);
  customers.unref();
  experts.unref();

  return async () => {
    clearInterval(customers);
    clearInterval(experts);
    for (const timer of pending) clearTimeout(timer);
    pending.clear();
  };
}
