// Offers in waves: the router picks the next K experts, each gets a live offer that expires after the wave time;
// when a wave expires unclaimed the next K are offered; after the escalation time managers are alerted; claims held
// too long without a reply go back to the pool. `tick()` advances all of this from an injectable clock.
import { conflict } from '../errors.js';
import type { QuestionRow } from '../../db/schema.js';
import type { RoutingConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { statusesFor } from '../domain/lifecycle.js';
import type { RankedExpert, Router, TagScore } from '../domain/routing/index.js';
import type { QuestionState } from '../events/domain-events.js';
import type { Unit, UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { AuditEntry } from '../repositories/audit-log.js';
import type { NewOffer } from '../repositories/offers.js';
import { SPAM_FLAG } from './spam.js';

interface Deps {
  data: ReadRepositories;
  clock: Clock;
  router: Router;
  uow: UnitOfWork;
  config: RoutingConfig;
}

/** Expired offers taken per slice. Each can route a question anew, so a slice is kept small enough that requests
 * run between slices while a backlog (after an outage, say) is worked off (docs/architecture.md, "Why some rules"). */
export const EXPIRE_BATCH = 50;
/** Slices one timer tick may run before leaving the rest to the next tick. */
const MAX_SLICES_PER_RUN = 200;

const IDLE_SWEEP_MS = 10_000;

export interface OfferOptions {
  exclude?: Iterable<string>;
  /** Offer to these experts alone (a follow-up goes back to who answered). */
  preferred?: string[];
  waveMs?: number;
  /** Leave the question untouched when nobody is routable. */
  onlyIfAny?: boolean;
  /** The question's tags when the caller has them at hand (ingest just wrote them), saving a read. */
  tags?: TagScore[];
}

/** Who the next wave goes to and what it makes of the question, decided before anything is written. */
export interface WavePlan {
  wave: number;
  status: QuestionRow['status'];
  flag: string | null;
  pool: 'skilled' | 'generalists' | 'none';
  offers: { id: string; expertId: string; score: number; reasons: Record<string, number> }[];
  at: number;
  expiresAt: number;
}

type WaveSubject = Pick<QuestionRow, 'id' | 'text' | 'wave' | 'status' | 'flag'>;

export function createDispatcher({ data, clock, router, uow, config }: Deps) {
  let rosterChanged = false;
  let lastIdleSweep = -Infinity;
  let expiryBacklog = false;
  let running = false;
  /** Work that runs on the same clock once a tick's steps are done (the notifier's SLA watch). */
  const tickListeners: ((now: number) => void | Promise<void>)[] = [];

  async function tagsOf(questionId: string, from: Pick<ReadRepositories, 'questionTags'> = data): Promise<TagScore[]> {
    return from.questionTags.of(questionId);
  }

  async function everOffered(unit: Pick<ReadRepositories, 'offers'>, question: WaveSubject): Promise<Set<string>> {
    // Every wave advances the counter, so a question still at wave 0 has never been offered to anyone.
    if (question.wave === 0) return new Set();
    return new Set(await unit.offers.offeredTo(question.id));
  }

  function flagFor(pool: 'skilled' | 'generalists' | 'none', tags: TagScore[], previous: string | null): string | null {
    if (pool === 'skilled') return previous === 'no-expert' ? null : previous;
    if (pool === 'generalists') return tags.length === 0 ? 'no-tag' : 'no-match';
    return 'no-expert';
  }

  /** Offer the question to its next wave of experts, as a step of the unit of work under way. */
  async function offerNextWave(unit: Unit, question: QuestionRow, options: OfferOptions = {}): Promise<void> {
    const plan = await planWave(unit, question, options);
    if (!plan) return;
    await writeWave(unit, question.id, plan);
    const updated = await unit.questions.recordWave(question.id, {
      wave: plan.wave,
      flag: plan.flag,
      updatedAt: plan.at,
      offered: plan.status === 'offered',
    });
    if (!updated) throw conflict('invalid_state', 'The question changed while it was being offered; try again');
    noteWave(unit, { row: updated }, plan);
  }

  /**
   * Routes the question's next wave without writing anything, so a new question can be inserted already offered
   * (one insert instead of an insert and an update of its indexed columns). Null when `onlyIfAny` and nobody fits.
   */
  async function planWave(unit: Unit, question: WaveSubject, options: OfferOptions = {}): Promise<WavePlan | null> {
    const now = clock.now();
    const tags = options.tags ?? (await tagsOf(question.id, unit));
    let ranked: RankedExpert[];
    let pool: WavePlan['pool'];
    if (options.preferred?.length) {
      ranked = options.preferred.map((expertId) => ({ expertId, score: 1, reasons: { 'previous-expert': 1 } }));
      pool = 'skilled';
    } else {
      const offered = await everOffered(unit, question);
      const exclude = new Set([...offered, ...(options.exclude ?? [])]);
      ({ ranked, pool } = router.route({ text: question.text, tags, exclude, now }));
      // Everyone suitable has had a turn: start another round rather than leave the question with nobody.
      if (ranked.length === 0 && offered.size > 0)
        ({ ranked, pool } = router.route({ text: question.text, tags, exclude: new Set(options.exclude ?? []), now }));
    }
    if (ranked.length === 0 && options.onlyIfAny) return null;
    return {
      wave: question.wave + 1,
      status: ranked.length > 0 && question.status !== 'escalated' ? 'offered' : question.status,
      flag: flagFor(pool, tags, question.flag),
      pool,
      offers: ranked.map((r) => ({ id: newId(now), expertId: r.expertId, score: r.score, reasons: r.reasons })),
      at: now,
      expiresAt: now + (options.waveMs ?? config.waveMs),
    };
  }

  /**
   * A planned wave's offers and its log entry, as rows for the caller to write with the question (ingest inserts a new
   * question with its first wave, in one statement on PostgreSQL); then `noteWave`.
   */
  function waveRows(plan: WavePlan): { offers: Omit<NewOffer, 'questionId'>[]; log: Omit<AuditEntry, 'questionId'>[] } {
    return {
      offers: plan.offers.map((offer) => ({
        ...offer,
        wave: plan.wave,
        state: 'open' as const,
        createdAt: plan.at,
        expiresAt: plan.expiresAt,
      })),
      log: [
        {
          type: 'question.offered',
          at: plan.at,
          data: { wave: plan.wave, pool: plan.pool, experts: plan.offers.map((o) => o.expertId) },
        },
      ],
    };
  }

  /** A wave written: the router counts the offers towards each expert's load, and the unit announces it. */
  function noteWave(unit: Unit, question: QuestionState, plan: WavePlan) {
    for (const offer of plan.offers) router.noteOffered(offer.expertId, plan.at);
    announceWave(unit, question, plan);
  }

  function announceWave(unit: Unit, question: QuestionState, plan: WavePlan) {
    unit.emit('question.offered', {
      question,
      wave: {
        wave: plan.wave,
        expiresAt: plan.expiresAt,
        offers: plan.offers.map(({ expertId, score, reasons }) => ({ expertId, score, reasons })),
      },
    });
  }

  /** Writes a planned wave's offers and its log entry; the question row is the caller's to update. */
  async function writeWave(unit: Unit, questionId: string, plan: WavePlan) {
    const rows = waveRows(plan);
    await unit.offers.insert(rows.offers.map((offer) => ({ ...offer, questionId })));
    await unit.auditLog.recordAll(rows.log.map((entry) => ({ ...entry, questionId })));
  }

  // Each tick does a bounded amount of work, so a backlog (say, after an outage) never blocks the event loop for long.
  async function expireWaves(unit: Unit, now: number): Promise<void> {
    const due = await unit.offers.dueToExpire(now, EXPIRE_BATCH);
    expiryBacklog = due.length === EXPIRE_BATCH;
    if (due.length === 0) return;
    await nextWaveIfNoneOpen(unit, await unit.offers.expire(due));
  }

  /** Of these questions (some of whose offers just ended), those still waiting with no open offer get their next wave. */
  async function nextWaveIfNoneOpen(unit: Unit, questionIdList: string[], options: OfferOptions = {}): Promise<void> {
    const questionIds = [...new Set(questionIdList)];
    if (questionIds.length === 0) return;
    const stillOpen = await unit.offers.withOpenOffers(questionIds);
    const waiting = await unit.questions.amongInStatus(questionIds, statusesFor('offer'));
    for (const question of waiting) if (!stillOpen.has(question.id)) await offerNextWave(unit, question, options);
  }

  /** Questions waiting with no open offer (nobody was routable, e.g. right after a restart) get one once someone is. */
  async function offerIdle(unit: Unit, now: number): Promise<void> {
    if (!rosterChanged && now - lastIdleSweep < IDLE_SWEEP_MS) return;
    rosterChanged = false;
    lastIdleSweep = now;
    // A question held as suspected spam waits for a manager: no wave.
    const idle = await unit.questions.withoutOpenOffer(['new', 'offered', 'escalated'], SPAM_FLAG, 50);
    for (const question of idle) await offerNextWave(unit, question, { onlyIfAny: true });
  }

  async function escalate(unit: Unit, now: number): Promise<void> {
    // A question held as suspected spam waits for a manager: no escalation.
    const due = await unit.questions.transition(
      'escalate',
      { notEscalated: true, receivedBy: now - config.escalateMs, notFlagged: SPAM_FLAG },
      { escalatedAt: now, updatedAt: now },
    );
    for (const q of due)
      await unit.auditLog.record({
        questionId: q.id,
        type: 'question.escalated',
        at: now,
        data: { afterMs: now - q.receivedAt },
      });
    if (due.length > 0) unit.emit('question.escalated', { questions: due });
  }

  async function releaseStaleClaims(unit: Unit, now: number): Promise<void> {
    const stale = await unit.questions.transition(
      'release',
      { claimedBy: now - config.holdMs },
      { assigneeId: null, claimedAt: null, updatedAt: now },
    );
    const released: { question: QuestionRow; holder: string | null }[] = [];
    for (const q of stale) {
      const holder = await unit.offers.claimHolder(q.id);
      released.push({ question: q, holder });
      await unit.offers.releaseClaim(q.id);
      await unit.auditLog.record({
        questionId: q.id,
        type: 'question.released',
        at: now,
        data: { reason: 'held too long without a reply', expertId: holder },
      });
      await offerNextWave(unit, q, { exclude: holder ? [holder] : [] });
    }
    for (const { question, holder } of released)
      unit.emit('question.released', { question: { row: question }, expertId: holder });
  }

  /**
   * Expire waves, escalate and release stale claims: one bounded slice, each step one short transaction. Returns
   * true when expired waves are left over for another slice. Safe to call often.
   */
  async function tick(): Promise<boolean> {
    const now = clock.now();
    for (const step of [expireWaves, offerIdle, escalate, releaseStaleClaims]) {
      await uow.run((unit) => step(unit, now));
    }
    for (const listener of tickListeners) await listener(now);
    return expiryBacklog;
  }

  /** What the timer runs: slices until caught up, yielding to the event loop between them. */
  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (let slice = 0; (await tick()) && slice < MAX_SLICES_PER_RUN; slice++)
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
      running = false;
    }
  }

  /**
   * An expert can take no more offers (their account was closed): their open offers end, and a question left with no
   * open offer goes to its next wave now rather than when the wave would have expired.
   */
  async function withdrawOffers(expertId: string): Promise<void> {
    await uow.run(async (unit) => {
      const withdrawn = await unit.offers.withdrawAllOf(expertId);
      await nextWaveIfNoneOpen(unit, withdrawn, { exclude: [expertId] });
    });
  }

  return {
    offerNextWave,
    planWave,
    waveRows,
    noteWave,
    withdrawOffers,
    tagsOf,
    /** Someone came online: questions nobody could take may be routable now, so look on the next tick. */
    rosterChanged() {
      rosterChanged = true;
    },
    onTick(listener: (now: number) => void | Promise<void>) {
      tickListeners.push(listener);
    },
    tick,
    run,
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
