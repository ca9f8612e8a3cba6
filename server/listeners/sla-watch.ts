// Announces questions whose SLA enters its last fifth (at risk) or runs out (breached) while they still wait for a
// first public reply, once each. Driven by the dispatcher's tick. The watch keeps two marks — up to when each kind has
// been looked at — and stores them in the transaction that writes the notifications, so after a restart nothing is
// announced twice and nothing that crossed meanwhile is missed (an SLA is always set at least its length ahead).
import { and, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, serverKeys } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';
import type { AlertEvent } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import { OPEN_STATUSES } from '../domain/lifecycle.js';
import { notHeldAsSpam } from '../services/dispatcher.js';
import type { Presenters } from '../services/presenters.js';

/** An SLA is at risk in its last fifth (the last 6 minutes of 30). */
export const AT_RISK_SHARE = 0.2;
/** Questions announced per tick and kind; a backlog (after downtime) goes out over the next ticks. */
const BATCH = 100;
const MARKS = 'sla-watch';

interface Deps {
  db: Db;
  clock: Clock;
  presenters: Presenters;
  slaMs: number;
  announce: (alerts: { event: AlertEvent; question: QuestionSummary }[], now: number) => void;
}

/** Up to where a kind has been looked at: a due time (for at-risk, less the risk window) and, at that time, an id. */
interface Mark {
  at: number;
  id: string;
}
/** Every id sorts below it: a mark at this id has seen every question due at its time. */
const PAST_EVERY_ID = '\uffff';

export function createSlaWatch({ db, clock, presenters, slaMs, announce }: Deps) {
  const stored = db.select().from(serverKeys).where(eq(serverKeys.name, MARKS)).get()?.value;
  // From start, not from the first tick: a mark crossed in between is announced on that tick.
  const start = clock.now();
  const read = (at: string | undefined, id: string | undefined): Mark => ({
    at: at === undefined ? start : Number(at),
    id: id ?? PAST_EVERY_ID,
  });
  let marks = { atRisk: read(stored?.atRisk, stored?.atRiskId), breached: read(stored?.breached, stored?.breachedId) };
  const riskMs = slaMs * AT_RISK_SHARE;

  /** Questions due after `from` (shifted by `shift`) up to `to`, in (due, id) order, so equal due times page too. */
  const crossing = (from: Mark, to: number, shift: number) =>
    db
      .select()
      .from(questions)
      .where(
        and(
          inArray(questions.status, [...OPEN_STATUSES]),
          isNull(questions.firstReplyAt),
          notHeldAsSpam,
          or(
            gt(questions.slaDueAt, from.at + shift),
            and(eq(questions.slaDueAt, from.at + shift), gt(questions.id, from.id)),
          ),
          lte(questions.slaDueAt, to + shift),
        ),
      )
      .orderBy(questions.slaDueAt, questions.id)
      .limit(BATCH)
      .all();

  /** A full batch leaves the mark at its last row; a shorter one has seen everything up to `to`. */
  const advance = (rows: { slaDueAt: number; id: string }[], mark: Mark, to: number, shift: number): Mark =>
    rows.length === BATCH
      ? { at: rows.at(-1)!.slaDueAt - shift, id: rows.at(-1)!.id }
      : { at: Math.max(mark.at, to), id: PAST_EVERY_ID };

  return {
    tick(now: number) {
      const atRiskTo = Math.max(now, marks.atRisk.at);
      const breachedTo = Math.max(now, marks.breached.at);
      const atRiskRows = crossing(marks.atRisk, atRiskTo, riskMs);
      const breached = crossing(marks.breached, breachedTo, 0);
      // Read and paged over whole; announced only while still ahead of their deadline (those past it are breaches).
      const atRisk = atRiskRows.filter((q) => q.slaDueAt > now);
      const next = {
        atRisk: advance(atRiskRows, marks.atRisk, atRiskTo, riskMs),
        breached: advance(breached, marks.breached, breachedTo, 0),
      };
      if (atRiskRows.length > 0 || breached.length > 0) {
        const value = {
          atRisk: String(next.atRisk.at),
          atRiskId: next.atRisk.id,
          breached: String(next.breached.at),
          breachedId: next.breached.id,
        };
        db.transaction(() => {
          announce(
            [
              ...presenters.summaries(atRisk).map((question) => ({ event: 'sla.at_risk' as const, question })),
              ...presenters.summaries(breached).map((question) => ({ event: 'sla.breached' as const, question })),
            ],
            now,
          );
          db.insert(serverKeys)
            .values({ name: MARKS, value, createdAt: now })
            .onConflictDoUpdate({ target: serverKeys.name, set: { value } })
            .run();
        });
      }
      marks = next;
    },
  };
}
export type SlaWatch = ReturnType<typeof createSlaWatch>;
