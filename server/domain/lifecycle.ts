// The question lifecycle (DESIGN.md): which statuses each action may start from. Services use these lists in their
// guarded `UPDATE … WHERE status IN (…)`, so a transition that lost a race changes nothing and reports a conflict.
import type { QuestionStatus } from '../contracts/api.js';

export const QUESTION_ACTIONS = {
  offer: ['new', 'offered'],
  claim: ['new', 'offered', 'escalated'],
  assign: ['new', 'offered', 'escalated', 'claimed'],
  release: ['claimed'],
  submit: ['claimed', 'in_review'],
  review: ['in_review'],
  post: ['approved'],
  answered: ['posting'],
  fail: ['posting'],
  retry: ['failed'],
  dismiss: ['new', 'offered', 'escalated', 'claimed', 'in_review', 'failed'],
  escalate: ['new', 'offered'],
  reopen: ['answered', 'closed'],
  retag: [
    'new',
    'offered',
    'escalated',
    'claimed',
    'in_review',
    'approved',
    'posting',
    'answered',
    'closed',
    'failed',
    'dismissed',
  ],
} as const satisfies Record<string, readonly QuestionStatus[]>;

export type QuestionAction = keyof typeof QUESTION_ACTIONS;

export const OPEN_STATUSES: readonly QuestionStatus[] = [
  'new',
  'offered',
  'escalated',
  'claimed',
  'in_review',
  'approved',
  'posting',
  'failed',
];

export function canApply(action: QuestionAction, status: string): boolean {
  return (QUESTION_ACTIONS[action] as readonly string[]).includes(status);
}

export function statusesFor(action: QuestionAction): QuestionStatus[] {
  return [...QUESTION_ACTIONS[action]];
}
