// The question lifecycle in one table: each action names the statuses it may start from and the one it leads to.
// Every status change goes through the question repository's guarded `transition`, which writes
// `status = to … WHERE status IN (from)`: a transition that lost a race changes nothing and the caller reports a
// conflict. A new transition is one row here.
import type { QuestionStatus } from '../contracts/api.js';

interface Transition {
  readonly from: readonly QuestionStatus[];
  readonly to: QuestionStatus;
}

export const LIFECYCLE = {
  /** A wave of offers goes out (the first, or the next after one expired unclaimed). */
  offer: { from: ['new', 'offered'], to: 'offered' },
  claim: { from: ['new', 'offered', 'escalated'], to: 'claimed' },
  /** A manager hands the question to an expert, over whoever held it. */
  assign: { from: ['new', 'offered', 'escalated', 'claimed'], to: 'claimed' },
  /** The holder lets go, or held it too long without a reply: it is offered again. */
  release: { from: ['claimed'], to: 'offered' },
  /** A reply is submitted for review (again, when the expert revises it). */
  submit: { from: ['claimed', 'in_review'], to: 'in_review' },
  /** Approved by a manager or by the review policy: the reply goes to the outbox. */
  approve: { from: ['in_review'], to: 'posting' },
  reject: { from: ['in_review'], to: 'claimed' },
  posted: { from: ['posting'], to: 'answered' },
  fail: { from: ['posting'], to: 'failed' },
  retry: { from: ['failed'], to: 'posting' },
  dismiss: { from: ['new', 'offered', 'escalated', 'claimed', 'in_review', 'failed'], to: 'dismissed' },
  /** Nobody claimed it within the escalation time. */
  escalate: { from: ['new', 'offered'], to: 'escalated' },
  /** The customer wrote again under an answered question. */
  reopen: { from: ['answered', 'closed'], to: 'offered' },
} as const satisfies Record<string, Transition>;

export type QuestionAction = keyof typeof LIFECYCLE;

/** Statuses in which a question still needs someone: counted against the SLA, shown on the open queue. */
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
  return (LIFECYCLE[action].from as readonly string[]).includes(status);
}

export function statusesFor(action: QuestionAction): QuestionStatus[] {
  return [...LIFECYCLE[action].from];
}

export function targetOf(action: QuestionAction): QuestionStatus {
  return LIFECYCLE[action].to;
}

/** Every `from → to` pair the table allows, for docs and tests. */
export function transitions(): { action: QuestionAction; from: QuestionStatus; to: QuestionStatus }[] {
  return Object.entries(LIFECYCLE).flatMap(([action, { from, to }]) =>
    from.map((status) => ({ action: action as QuestionAction, from: status, to })),
  );
}
