// Announces questions whose SLA enters its last fifth (at risk) or runs out (breached) while they still wait for a
// first public reply, once each. Driven by the dispatcher's tick. The watch keeps two marks — up to when each kind has
// been looked at — and stores them in the transaction that writes the notifications, so after a restart nothing is
// announced twice and nothing that crossed meanwhile is missed (an SLA is always set at least its length ahead).
// One tick runs at a time: a tick that comes while one is under way is skipped (the next one reads from the marks).
import type { QuestionRow } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';
import type { AlertEvent } from '../contracts/push.js';
import type { Clock } from '../domain/clock.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { Presenters } from '../services/presenters.js';

/** An SLA is at risk in its last fifth (the last 6 minutes of 30). */
export const AT_RISK_SHARE = 0.2;
/** Questions announced per tick and kind; a backlog (after downtime) goes out over the next ticks. */
const BATCH = 100;
const MARKS = 'sla-watch';

interface Deps {
  data: Pick<ReadRepositories, 'serverKeys' | 'slaWatch'>;
  uow: UnitOfWork;
  clock: Clock;
  presenters: Pick<Presenters, 'summaries'>;
  slaMs: number;
  /** Writes the alerts in the given unit (the one that stores the marks). */
  announce: (unit: Unit, alerts: { event: AlertEvent; question: QuestionSummary }[], now: number) => Promise<void>;
}

/** Up to where a kind has been looked at: a due time (for at-risk, less the risk window) and, at that time, an id. */
interface Mark {
  at: number;
  id: string;
}
/** Every id sorts below it: a mark at this id has seen every question due at its time. */
const PAST_EVERY_ID = '\uffff';

export function createSlaWatch({ data, uow, clock, presenters, slaMs, announce }: Deps) {
  // From start, not from the first tick: a mark crossed in between is announced on that tick.
  const start = clock.now();
  const read = (at: string | undefined, id: string | undefined): Mark => ({
    at: at === undefined ? start : Number(at),
    id: id ?? PAST_EVERY_ID,
  });
  /** Read from the database on the first tick. */
  let marks: { atRisk: Mark; breached: Mark } | undefined;
  let ticking = false;
  const riskMs = slaMs * AT_RISK_SHARE;

  /** Questions due after `from` (shifted by `shift`) up to `to`, in (due, id) order, so equal due times page too. */
  const crossing = (reader: Pick<ReadRepositories, 'slaWatch'>, from: Mark, to: number, shift: number) =>
    reader.slaWatch.awaitingFirstReply({ at: from.at + shift, id: from.id }, to + shift, BATCH);

  /** A full batch leaves the mark at its last row; a shorter one has seen everything up to `to`. */
  const advance = (rows: { slaDueAt: number; id: string }[], mark: Mark, to: number, shift: number): Mark => {
    const last = rows.at(-1);
    return rows.length === BATCH && last
      ? { at: last.slaDueAt - shift, id: last.id }
      : { at: Math.max(mark.at, to), id: PAST_EVERY_ID };
  };

  /** What a tick at `now` finds, from the marks `from`, and the marks it leaves. */
  async function scan(reader: Pick<ReadRepositories, 'slaWatch'>, from: typeof marks & {}, now: number) {
    const atRiskTo = Math.max(now, from.atRisk.at);
    const breachedTo = Math.max(now, from.breached.at);
    const atRiskRows = await crossing(reader, from.atRisk, atRiskTo, riskMs);
    const breached = await crossing(reader, from.breached, breachedTo, 0);
    return {
      // Read and paged over whole; announced only while still ahead of their deadline (those past it are breaches).
      atRisk: atRiskRows.filter((q) => q.slaDueAt > now),
      breached,
      found: atRiskRows.length > 0 || breached.length > 0,
      next: {
        atRisk: advance(atRiskRows, from.atRisk, atRiskTo, riskMs),
        breached: advance(breached, from.breached, breachedTo, 0),
      },
    };
  }

  async function alerts(atRisk: QuestionRow[], breached: QuestionRow[]) {
    return [
      ...(await presenters.summaries(atRisk)).map((question) => ({ event: 'sla.at_risk' as const, question })),
      ...(await presenters.summaries(breached)).map((question) => ({ event: 'sla.breached' as const, question })),
    ];
  }

  async function tick(now: number): Promise<void> {
    if (!marks) {
      const stored = await data.serverKeys.get(MARKS);
      marks ??= {
        atRisk: read(stored?.atRisk, stored?.atRiskId),
        breached: read(stored?.breached, stored?.breachedId),
      };
    }
    const from = marks;
    const seen = await scan(data, from, now);
    if (!seen.found) {
      marks = seen.next;
      return;
    }
    // Something crossed: read again in the unit that announces it and stores the marks, so what is announced is what
    // the marks say was seen.
    marks = await uow.run(async (unit) => {
      const found = await scan(unit, from, now);
      if (found.found) {
        await announce(unit, await alerts(found.atRisk, found.breached), now);
        await unit.serverKeys.put(
          MARKS,
          {
            atRisk: String(found.next.atRisk.at),
            atRiskId: found.next.atRisk.id,
            breached: String(found.next.breached.at),
            breachedId: found.next.breached.id,
          },
          now,
        );
      }
      return found.next;
    });
  }

  return {
    /** Announces what crossed since the last tick; resolves at once while another tick is under way. */
    async tick(now: number): Promise<void> {
      if (ticking) return;
      ticking = true;
      try {
        await tick(now);
      } finally {
        ticking = false;
      }
    },
  };
}
export type SlaWatch = ReturnType<typeof createSlaWatch>;
