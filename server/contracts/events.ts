// Realtime events pushed on /ws: one JSON object per message, `{ type, data, at }`. The hub decides who receives
// each type (server/services/realtime-hub.ts); the web client switches on `type` with these payload types.
import type { Expert, QuestionSummary, Reply } from './api.js';

export interface ClientEventMap {
  'question.created': { question: QuestionSummary };
  'question.updated': { question: QuestionSummary };
  'question.offered': {
    question: QuestionSummary;
    offer: { expertId: string; score: number; reasons: Record<string, number>; wave: number; expiresAt: string };
  };
  'question.claimed': { question: QuestionSummary; expertId: string; expertName: string };
  'question.released': { question: QuestionSummary; expertId: string | null };
  'question.escalated': { question: QuestionSummary };
  'question.reopened': { question: QuestionSummary };
  'reply.submitted': { reply: Reply; question: QuestionSummary };
  /** `editedBy`: a manager changed the words before approving (the expert's own are in the question's history). */
  'reply.approved': { reply: Reply; question: QuestionSummary; editedBy: string | null };
  'reply.rejected': { reply: Reply; question: QuestionSummary };
  'reply.posted': { reply: Reply; question: QuestionSummary };
  'reply.failed': { reply: Reply; question: QuestionSummary; reason: string };
  'expert.presence': { expertId: string; online: boolean; availability: Expert['availability'] };
  'metrics.tick': {
    open: number;
    inReview: number;
    escalated: number;
    answeredToday: number;
    /** Available experts with the app open, and those reachable now (app or push): see GET /api/live. */
    onlineExperts: number;
    reachableExperts: number;
  };
  'note.mention': { questionId: string; from: string; text: string };
}

export type ClientEventType = keyof ClientEventMap;
export interface ClientEvent<T extends ClientEventType = ClientEventType> {
  type: T;
  data: ClientEventMap[T];
  at: string;
}
