// Keeps what routing reads in step with what happened: an expert's load when they take, give back or finish a
// question; the routing model and the similar-answers index when an answer is approved; the tag model when a
// manager corrects tags. Approved answers also wake the outbox, which posts them.
import type { DomainEvent } from '../events/domain-events.js';
import { createLine } from '../in-turn.js';
import type { Router } from '../domain/routing/index.js';
import type { Clock } from '../domain/clock.js';
import type { Presenters } from '../services/presenters.js';

interface Deps {
  clock: Clock;
  router: Router;
  presenters: Pick<Presenters, 'summaryById'>;
  /** Re-reads an expert's load and availability into the router. */
  refreshExpert: (expertId: string) => Promise<void>;
  indexAnswer: (reply: Extract<DomainEvent, { type: 'reply.approved' }>['data']['reply']) => void;
  wakeOutbox: () => void;
  /**
   * Count offers made by the event's node in this node's roster (its hourly cap and fairness): true for the events
   * of other nodes, whose dispatcher counted them there; the node that made an offer counts it as it writes it.
   */
  countOffers?: boolean;
  log: { error(obj: object, msg?: string): void };
}

export function createRoutingListener({
  clock,
  router,
  presenters,
  refreshExpert,
  indexAnswer,
  wakeOutbox,
  countOffers = false,
  log,
}: Deps) {
  // After commit, so a failed read is logged: the expert is refreshed again at their next claim, release or review.
  const refresh = (expertId: string) =>
    void refreshExpert(expertId).catch((err: unknown) => log.error({ err, expertId }, 'expert refresh failed'));

  // The model learns in the order things happened, as a replay of the history does: an answer's question is read
  // before it is learned, so what is learned waits in line behind what came before it.
  const learning = createLine();
  const learnInOrder = (work: () => Promise<void> | void) =>
    void learning.run(work).catch((err: unknown) => log.error({ err }, 'the routing model could not learn'));

  /** The router learns the answer at its approval, as a replay of the history learns it. */
  async function learnAnswer(authorId: string, questionId: string, at: number) {
    const question = await presenters.summaryById(questionId);
    if (question)
      router.learnAnswer(
        authorId,
        question.text,
        question.tags.map((t) => t.slug),
        at,
      );
  }

  return (event: DomainEvent) => {
    switch (event.type) {
      case 'question.offered':
        if (countOffers) for (const { expertId } of event.data.wave.offers) router.noteOffered(expertId, clock.now());
        return;
      case 'question.claimed': {
        const { expertId, previousExpertId } = event.data;
        refresh(expertId);
        if (previousExpertId && previousExpertId !== expertId) refresh(previousExpertId);
        return;
      }
      case 'question.released':
        if (event.data.expertId) refresh(event.data.expertId);
        return;
      case 'question.dismissed':
        if (event.data.assigneeId) refresh(event.data.assigneeId);
        return;
      case 'question.retagged': {
        const { text, tags } = event.data;
        learnInOrder(() => router.learnTags(text, tags));
        return;
      }
      case 'reply.submitted':
      case 'reply.rejected':
      case 'reply.posted':
        refresh(event.data.reply.authorId);
        return;
      case 'reply.approved': {
        const { reply } = event.data;
        refresh(reply.authorId);
        const at = clock.now();
        learnInOrder(() => learnAnswer(reply.authorId, reply.questionId, at));
        indexAnswer(reply);
        wakeOutbox();
        return;
      }
      case 'reply.retried':
        wakeOutbox();
        return;
    }
  };
}
