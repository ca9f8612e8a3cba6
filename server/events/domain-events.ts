// What happened to a question or a reply, published after the transaction that did it has committed. Use cases
// emit these and nothing else; listeners (server/listeners/) decide who hears of it and what follows: the realtime
// hub's recipients, the routing model, the similar-answers index, the outbox, push notifications.
import type { QuestionRow, ReplyRow } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';

/** A wave of offers as written: who was offered the question, with what score and why, until when. */
export interface OfferedWave {
  wave: number;
  offers: { expertId: string; score: number; reasons: Record<string, number> }[];
  expiresAt: number;
}

/**
 * A question as of the change. `summary`, when given, renders it for listeners: without reading it back (ingest
 * knows its tags), or as it stands once the unit has committed (after its next wave); otherwise they render `row`.
 */
export interface QuestionState {
  row: QuestionRow;
  summary?: () => QuestionSummary | Promise<QuestionSummary>;
}

export interface DomainEventMap {
  'question.created': { question: QuestionState };
  'question.offered': { question: QuestionState; wave: OfferedWave };
  /** Claimed by an expert or assigned by a manager; `ended` are the experts whose offers this ended. */
  'question.claimed': {
    question: QuestionState;
    expertId: string;
    expertName: string;
    previousExpertId: string | null;
    ended: string[];
  };
  /** Let go by its holder, or taken back after being held too long without a reply. */
  'question.released': { question: QuestionState; expertId: string | null };
  'question.escalated': { questions: QuestionRow[] };
  'question.reopened': { question: QuestionState; previousExpertId: string | null };
  /** Changed without a change of hands (a customer's thanks, say); `informed` hear of it besides managers. */
  'question.updated': { question: QuestionState; informed: string[] };
  'question.dismissed': { question: QuestionState; assigneeId: string | null };
  /** A question held as suspected spam was released by a manager. */
  'question.not_spam': { question: QuestionState };
  /** A manager set the question's tags: what the tag model learns from. */
  'question.retagged': { question: QuestionState; text: string; tags: string[] };
  'reply.submitted': { reply: ReplyRow };
  /** `editedBy`: the manager who changed the words before approving, so the expert is told. */
  'reply.approved': { reply: ReplyRow; editedBy: string | null };
  'reply.rejected': { reply: ReplyRow };
  'reply.posted': { reply: ReplyRow; question: QuestionRow };
  'reply.failed': { reply: ReplyRow; question: QuestionRow; reason: string };
  /** A failed post goes back to the outbox. */
  'reply.retried': { reply: ReplyRow };
  'note.mention': { questionId: string; from: string; text: string; recipients: string[] };
}

export type DomainEventType = keyof DomainEventMap;
export type DomainEvent = { [K in DomainEventType]: { type: K; data: DomainEventMap[K] } }[DomainEventType];
export type Emit = <K extends DomainEventType>(type: K, data: DomainEventMap[K]) => void;
