// What managers decide teaches the spam model: a question dismissed as spam is spam; one released as not spam, or
// answered in public, is not. Each stored question also counts towards "the same text came N times".
import type { DomainEvent } from '../events/domain-events.js';
import { isSpamReason, type SpamService } from '../services/spam.js';

export function createSpamListener(spam: Pick<SpamService, 'learn' | 'seen'>) {
  return (event: DomainEvent) => {
    switch (event.type) {
      case 'question.created': {
        const { row } = event.data.question;
        spam.seen(row.text, row.receivedAt);
        return;
      }
      case 'question.dismissed': {
        const { row } = event.data.question;
        if (isSpamReason(row.dismissReason)) spam.learn(row.text, 'spam');
        return;
      }
      case 'question.not_spam':
        spam.learn(event.data.question.row.text, 'ham');
        return;
      case 'reply.posted':
        spam.learn(event.data.question.text, 'ham');
        return;
    }
  };
}
