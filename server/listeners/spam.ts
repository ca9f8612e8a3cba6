// What managers decide teaches the spam model: a question dismissed as spam is spam; one released as not spam, or
// answered in public, is not.
import type { DomainEvent } from '../events/domain-events.js';
import { isSpamReason, type SpamService } from '../services/spam.js';

export function createSpamListener(spam: Pick<SpamService, 'learn'>) {
  return (event: DomainEvent) => {
    switch (event.type) {
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
