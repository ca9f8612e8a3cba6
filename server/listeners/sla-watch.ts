// Announces questions whose SLA enters its last fifth (at risk) or runs out (breached) while they still wait for a
// first public reply, once each. Driven by the dispatcher's tick. The watch keeps two marks — up to when each kind has
// been looked at — and stores them in the transaction that writes the notifications, so after a restart nothing is
// announced twice and nothing that crossed meanwhile is missed (an SLA is always set at least its length ahead).
import { and, eq, gt, inArray, isNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, serverKeys } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';
import type { AlertEvent } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import type { Views } from '../services/views.js';

/** An SLA is at risk in its last fifth (the last 6 minutes of 30). */
export const AT_RISK_SHARE = 0.2;
/** Questions announced per tick and kind; a backlog (after downtime) goes out over the next ticks. */
const BATCH = 100;
const MARKS = 'sla-watch';
/** Questions still waiting for their first public reply. */
const AWAITING_REPLY = ['new', 'offered', 'escalated', 'claimed', 'in_review', 'approved', 'posting', 'failed'];

interface Deps {
  db: Db; clock: Clock; views: Views; slaMs: number;
  announce: (alerts: { event: AlertEvent; question: QuestionSummary }[], now: number) => void;
}

export function createSlaWatch({ db, clock, views, slaMs, announce }: Deps) {
  const stored = db.select().from(serverKeys).where(eq(serverKeys.name, MARKS)).get()?.value;
  // From start, not from the first tick: a mark crossed in between is announced on that tick.
  const start = clock.now();
  let marks = stored ? { atRisk: Number(stored.atRisk), breached: Number(stored.breached) } : { atRisk: start, breached: start };
  const riskMs = slaMs * AT_RISK_SHARE;

  const crossing = (from: number, to: number) => db.select().from(questions).where(and(
    inArray(questions.status, AWAITING_REPLY), isNull(questions.firstReplyAt), gt(questions.slaDueAt, from), lte(questions.slaDueAt, to),
  )).orderBy(questions.slaDueAt).limit(BATCH).all();

  return {
    tick(now: number) {
      const atRisk = crossing(marks.atRisk + riskMs, Math.max(now, marks.atRisk) + riskMs).filter((q) => q.slaDueAt > now);
      const breached = crossing(marks.breached, Math.max(now, marks.breached));
      const next = {
        atRisk: atRisk.length === BATCH ? atRisk.at(-1)!.slaDueAt - riskMs : Math.max(marks.atRisk, now),
        breached: breached.length === BATCH ? breached.at(-1)!.slaDueAt : Math.max(marks.breached, now),
      };
      if (atRisk.length > 0 || breached.length > 0) {
        const value = { atRisk: String(next.atRisk), breached: String(next.breached) };
        db.transaction(() => {
          announce([
            ...views.summaries(atRisk).map((question) => ({ event: 'sla.at_risk' as const, question })),
            ...views.summaries(breached).map((question) => ({ event: 'sla.breached' as const, question })),
          ], now);
          db.insert(serverKeys).values({ name: MARKS, value, createdAt: now }).onConflictDoUpdate({ target: serverKeys.name, set: { value } }).run();
        });
      }
      marks = next;
    },
  };
}
export type SlaWatch = ReturnType<typeof createSlaWatch>;
