// Keeps what routing reads in step with what happened: an expert's load when they take, give back or finish a
// question; the routing model and the similar-answers index when an answer is approved; the tag model when a
// manager corrects tags. Approved answers also wake the outbox, which posts them.
import type { DomainEvent } from '../events/domain-events.js';
import type { Router } from '../domain/routing/index.js';
import type { Clock } from '../domain/clock.js';
import type { Presenters } from '../services/presenters.js';

interface Deps {
  clock: Clock;
  router: Router;
  presenters: Presenters;
  /** Re-reads an expert's load and availability into the router. */
  refreshExpert: (expertId: string) => void;
  indexAnswer: (reply: Extract<DomainEvent, { type: 'reply.approved' }>['data']['reply']) => void;
  wakeOutbox: () => void;
}

export function createRoutingListener({ clock, router, presenters, refreshExpert, indexAnswer, wakeOutbox }: Deps) {
  return (event: DomainEvent) => {
    switch (event.type) {
      case 'question.claimed': {
        const { expertId, previousExpertId } = event.data;
        refreshExpert(expertId);
        if (previousExpertId && previousExpertId !== expertId) refreshExpert(previousExpertId);
        return;
      }
      case 'question.released':
        if (event.data.expertId) refreshExpert(event.data.expertId);
        return;
      case 'question.dismissed':
        if (event.data.assigneeId) refreshExpert(event.data.assigneeId);
        return;
      case 'question.retagged':
        router.learnTags(event.data.text, event.data.tags);
        return;
      case 'reply.submitted':
      case 'reply.rejected':
      case 'reply.posted':
        refreshExpert(event.data.reply.authorId);
        return;
      case 'reply.approved': {
        const { reply } = event.data;
        refreshExpert(reply.authorId);
        const question = presenters.summaryById(reply.questionId);
        if (question)
          router.learnAnswer(
            reply.authorId,
            question.text,
            question.tags.map((t) => t.slug),
            clock.now(),
          );
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
