// Who hears of each change, live: offers go to the offered experts only, a question's change of hands to the experts
// it concerns, replies to their author; managers see every question event. The hub then also feeds the push
// notifier (server/listeners/notifier.ts), which uses the same addressees.
import type { QuestionSummary } from '../contracts/api.js';
import type { DomainEvent, QuestionState } from '../events/domain-events.js';
import type { Presenters } from '../services/presenters.js';
import type { RealtimeHub } from '../services/realtime-hub.js';

export function createRealtimeListener(hub: RealtimeHub, presenters: Presenters) {
  // A question rendered once per event however many recipients hear of it; ingest passes a renderer that needs no
  // read, others are rendered from the row as of the change.
  const render = (state: QuestionState): (() => QuestionSummary) => {
    let summary: QuestionSummary | undefined;
    return () => (summary ??= state.summary ? state.summary() : presenters.summary(state.row));
  };
  const replyWithQuestion = (row: Parameters<Presenters['reply']>[0]) => ({
    reply: presenters.reply(row),
    // biome-ignore lint/style/noNonNullAssertion: a reply's question is never deleted
    question: presenters.summaryById(row.questionId)!,
  });

  return (event: DomainEvent) => {
    switch (event.type) {
      case 'question.created':
        hub.publish('question.created', { question: render(event.data.question)() });
        return;
      case 'question.offered': {
        const { wave } = event.data;
        const question = render(event.data.question);
        const expiresAt = new Date(wave.expiresAt).toISOString();
        for (const offer of wave.offers) {
          hub.publish(
            'question.offered',
            { question: question(), offer: { ...offer, wave: wave.wave, expiresAt } },
            { users: [offer.expertId], managers: false },
          );
        }
        hub.publish('question.updated', { question: question() });
        return;
      }
      case 'question.claimed': {
        const { expertId, expertName, previousExpertId, ended } = event.data;
        const users = new Set([expertId, ...(previousExpertId ? [previousExpertId] : []), ...ended]);
        hub.publish('question.claimed', { question: render(event.data.question)(), expertId, expertName }, { users });
        return;
      }
      case 'question.released': {
        const { expertId } = event.data;
        hub.publish(
          'question.released',
          { question: render(event.data.question)(), expertId },
          { users: expertId ? [expertId] : [] },
        );
        return;
      }
      case 'question.escalated':
        for (const question of presenters.summaries(event.data.questions))
          hub.publish('question.escalated', { question });
        return;
      case 'question.reopened': {
        const { previousExpertId } = event.data;
        hub.publish(
          'question.reopened',
          { question: render(event.data.question)() },
          { users: previousExpertId ? [previousExpertId] : [] },
        );
        return;
      }
      case 'question.updated':
        hub.publish('question.updated', { question: render(event.data.question)() }, { users: event.data.informed });
        return;
      case 'question.dismissed': {
        const { assigneeId } = event.data;
        hub.publish(
          'question.updated',
          { question: render(event.data.question)() },
          { users: assigneeId ? [assigneeId] : [] },
        );
        return;
      }
      case 'question.not_spam':
      case 'question.retagged':
        hub.publish('question.updated', { question: render(event.data.question)() });
        return;
      case 'reply.approved':
        hub.publish(
          'reply.approved',
          { ...replyWithQuestion(event.data.reply), editedBy: event.data.editedBy },
          { users: [event.data.reply.authorId] },
        );
        return;
      case 'reply.submitted':
      case 'reply.rejected':
        hub.publish(event.type, replyWithQuestion(event.data.reply), { users: [event.data.reply.authorId] });
        return;
      case 'reply.posted': {
        const { reply, question } = event.data;
        hub.publish(
          'reply.posted',
          { reply: presenters.reply(reply), question: presenters.summary(question) },
          { users: [reply.authorId] },
        );
        return;
      }
      case 'reply.failed': {
        const { reply, question, reason } = event.data;
        hub.publish(
          'reply.failed',
          { reply: presenters.reply(reply), question: presenters.summary(question), reason },
          { users: [reply.authorId] },
        );
        return;
      }
      case 'note.mention': {
        const { questionId, from, text, recipients } = event.data;
        if (recipients.length > 0)
          hub.publish('note.mention', { questionId, from, text }, { users: recipients, managers: false });
        return;
      }
      case 'reply.retried':
        return;
    }
  };
}
