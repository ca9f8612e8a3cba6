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
  const render = (state: QuestionState): Promise<QuestionSummary> =>
    Promise.resolve(state.summary ? state.summary() : presenters.summary(state.row));
  const replyWithQuestion = async (row: Parameters<Presenters['reply']>[0]) => {
    const question = await presenters.summaryById(row.questionId);
    if (!question) throw new Error(`reply ${row.id}: its question is gone`);
    return { reply: await presenters.reply(row), question };
  };

  // Rendering reads the database, so events are told one after another: each recipient hears of a question's
  // changes in the order they were made.
  let told: Promise<void> = Promise.resolve();
  return (event: DomainEvent): Promise<void> => {
    const telling = told.then(() => tell(event));
    told = telling.catch(() => undefined);
    return telling;
  };

  async function tell(event: DomainEvent): Promise<void> {
    switch (event.type) {
      case 'question.created':
        hub.publish('question.created', { question: await render(event.data.question) });
        return;
      case 'question.offered': {
        const { wave } = event.data;
        const summary = await render(event.data.question);
        const question = () => summary;
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
        hub.publish(
          'question.claimed',
          { question: await render(event.data.question), expertId, expertName },
          { users },
        );
        return;
      }
      case 'question.released': {
        const { expertId } = event.data;
        hub.publish(
          'question.released',
          { question: await render(event.data.question), expertId },
          { users: expertId ? [expertId] : [] },
        );
        return;
      }
      case 'question.escalated':
        for (const question of await presenters.summaries(event.data.questions))
          hub.publish('question.escalated', { question });
        return;
      case 'question.reopened': {
        const { previousExpertId } = event.data;
        hub.publish(
          'question.reopened',
          { question: await render(event.data.question) },
          { users: previousExpertId ? [previousExpertId] : [] },
        );
        return;
      }
      case 'question.updated':
        hub.publish(
          'question.updated',
          { question: await render(event.data.question) },
          { users: event.data.informed },
        );
        return;
      case 'question.dismissed': {
        const { assigneeId } = event.data;
        hub.publish(
          'question.updated',
          { question: await render(event.data.question) },
          { users: assigneeId ? [assigneeId] : [] },
        );
        return;
      }
      case 'question.not_spam':
      case 'question.retagged':
        hub.publish('question.updated', { question: await render(event.data.question) });
        return;
      case 'reply.approved':
        hub.publish(
          'reply.approved',
          { ...(await replyWithQuestion(event.data.reply)), editedBy: event.data.editedBy },
          { users: [event.data.reply.authorId] },
        );
        return;
      case 'reply.submitted':
      case 'reply.rejected':
        hub.publish(event.type, await replyWithQuestion(event.data.reply), { users: [event.data.reply.authorId] });
        return;
      case 'reply.posted': {
        const { reply, question } = event.data;
        hub.publish(
          'reply.posted',
          { reply: await presenters.reply(reply), question: await presenters.summary(question) },
          { users: [reply.authorId] },
        );
        return;
      }
      case 'reply.failed': {
        const { reply, question, reason } = event.data;
        hub.publish(
          'reply.failed',
          { reply: await presenters.reply(reply), question: await presenters.summary(question), reason },
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
  }
}
