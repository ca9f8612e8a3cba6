// Offers in waves: the router picks the next K experts, each gets a live offer that expires after the wave time;
// when a wave expires unclaimed the next K are offered; after the escalation time managers are alerted; claims held
// too long without a reply go back to the pool. `tick()` advances all of this from an injectable clock.
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { conflict } from '../errors.js';
import type { Db } from '../../db/client.js';
import { offers, questions, questionTags, type QuestionRow } from '../../db/schema.js';
import type { RoutingConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { statusesFor } from '../domain/lifecycle.js';
import type { RankedExpert, Router, TagScore } from '../domain/routing/index.js';
import type { QuestionState } from '../events/domain-events.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { QuestionRepository } from '../repositories/questions.js';
import { recordEvent } from './audit-log.js';
import { SPAM_FLAG } from './spam.js';

interface Deps {
  db: Db;
  clock: Clock;
  router: Router;
  uow: UnitOfWork;
  questionRepo: QuestionRepository;
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

/** A question held as suspected spam waits for a manager: no wave, no escalation. */
export const notHeldAsSpam = sql`coalesce(${questions.flag}, '') <> ${SPAM_FLAG}`;

export function createDispatcher({ db, clock, router, uow, questionRepo, config }: Deps) {
  let rosterChanged = false;
  let lastIdleSweep = -Infinity;
  let expiryBacklog = false;
  let running = false;
  /** Work that runs on the same clock once a tick's steps are done (the notifier's SLA watch). */
  const tickListeners: ((now: number) => void)[] = [];

  // A wave runs for every ingested question, so its statements are built once (drizzle's prepared queries) rather than
  // rebuilt from the query builder each time.
  const placeholder = sql.placeholder;
  const statements = {
    tagsOf: db
      .select({ slug: questionTags.slug, confidence: questionTags.confidence, source: questionTags.source })
      .from(questionTags)
      .where(eq(questionTags.questionId, placeholder('questionId')))
      .prepare(),
    offeredTo: db
      .select({ id: offers.expertId })
      .from(offers)
      .where(eq(offers.questionId, placeholder('questionId')))
      .prepare(),
    insertOffer: db
      .insert(offers)
      .values({
        id: placeholder('id'),
        questionId: placeholder('questionId'),
        expertId: placeholder('expertId'),
        wave: placeholder('wave'),
        score: placeholder('score'),
        reasons: placeholder('reasons'),
        state: 'open',
        createdAt: placeholder('createdAt'),
        expiresAt: placeholder('expiresAt'),
      })
      .prepare(),
  };

  function tagsOf(questionId: string): TagScore[] {
    return statements.tagsOf.all({ questionId });
  }

  function everOffered(question: WaveSubject): Set<string> {
    // Every wave advances the counter, so a question still at wave 0 has never been offered to anyone.
    if (question.wave === 0) return new Set();
    return new Set(statements.offeredTo.all({ questionId: question.id }).map((o) => o.id));
  }

  function flagFor(pool: 'skilled' | 'generalists' | 'none', tags: TagScore[], previous: string | null): string | null {
    if (pool === 'skilled') return previous === 'no-expert' ? null : previous;
    if (pool === 'generalists') return tags.length === 0 ? 'no-tag' : 'no-match';
    return 'no-expert';
  }

  /** Offer the question to its next wave of experts, as a step of the unit of work under way. */
  function offerNextWave(question: QuestionRow, options: OfferOptions = {}): void {
    const plan = planWave(question, options);
    if (!plan) return;
    writeWave(question.id, plan);
    const updated = questionRepo.recordWave(question.id, {
      wave: plan.wave,
      flag: plan.flag,
      updatedAt: plan.at,
      offered: plan.status === 'offered',
    });
    if (!updated) throw conflict('invalid_state', 'The question changed while it was being offered; try again');
    announceWave({ row: updated }, plan);
  }

  /**
   * Routes the question's next wave without writing anything, so a new question can be inserted already offered
   * (one insert instead of an insert and an update of its indexed columns). Null when `onlyIfAny` and nobody fits.
   */
  function planWave(question: WaveSubject, options: OfferOptions = {}): WavePlan | null {
    const now = clock.now();
    const tags = options.tags ?? tagsOf(question.id);
    let ranked: RankedExpert[];
    let pool: WavePlan['pool'];
    if (options.preferred?.length) {
      ranked = options.preferred.map((expertId) => ({ expertId, score: 1, reasons: { 'previous-expert': 1 } }));
      pool = 'skilled';
    } else {
      const offered = everOffered(question);
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
   * Writes a planned wave's offers and its audit event and announces it; the question row itself is the caller's to
   * write (ingest inserts it already offered).
   */
  function recordWave(question: QuestionState, plan: WavePlan) {
    writeWave(question.row.id, plan);
    announceWave(question, plan);
  }

  function announceWave(question: QuestionState, plan: WavePlan) {
    uow.emit('question.offered', {
      question,
      wave: {
        wave: plan.wave,
        expiresAt: plan.expiresAt,
        offers: plan.offers.map(({ expertId, score, reasons }) => ({ expertId, score, reasons })),
      },
    });
  }

  function writeWave(questionId: string, plan: WavePlan) {
    for (const offer of plan.offers) {
      statements.insertOffer.run({
        ...offer,
        questionId,
        wave: plan.wave,
        createdAt: plan.at,
        expiresAt: plan.expiresAt,
      });
      router.noteOffered(offer.expertId, plan.at);
    }
    recordEvent(db, {
      questionId,
      type: 'question.offered',
      at: plan.at,
      data: { wave: plan.wave, pool: plan.pool, experts: plan.offers.map((o) => o.expertId) },
    });
  }

  // Each tick does a bounded amount of work, so a backlog (say, after an outage) never blocks the event loop for long.
  function expireWaves(now: number): void {
    const due = db
      .select({ id: offers.id })
      .from(offers)
      .where(and(eq(offers.state, 'open'), lte(offers.expiresAt, now)))
      .orderBy(offers.expiresAt)
      .limit(EXPIRE_BATCH)
      .all();
    expiryBacklog = due.length === EXPIRE_BATCH;
    if (due.length === 0) return;
    const expired = db
      .update(offers)
      .set({ state: 'expired' })
      .where(
        inArray(
          offers.id,
          due.map((o) => o.id),
        ),
      )
      .returning({ questionId: offers.questionId })
      .all();
    nextWaveIfNoneOpen(expired.map((o) => o.questionId));
  }

  /** Of these questions (some of whose offers just ended), those still waiting with no open offer get their next wave. */
  function nextWaveIfNoneOpen(questionIdList: string[], options: OfferOptions = {}): void {
    const questionIds = [...new Set(questionIdList)];
    if (questionIds.length === 0) return;
    const stillOpen = new Set(
      db
        .select({ id: offers.questionId })
        .from(offers)
        .where(and(inArray(offers.questionId, questionIds), eq(offers.state, 'open')))
        .all()
        .map((o) => o.id),
    );
    const waiting = db
      .select()
      .from(questions)
      .where(and(inArray(questions.id, questionIds), inArray(questions.status, statusesFor('offer'))))
      .all();
    for (const question of waiting) if (!stillOpen.has(question.id)) offerNextWave(question, options);
  }

  /** Questions waiting with no open offer (nobody was routable, e.g. right after a restart) get one once someone is. */
  function offerIdle(now: number): void {
    if (!rosterChanged && now - lastIdleSweep < IDLE_SWEEP_MS) return;
    rosterChanged = false;
    lastIdleSweep = now;
    const idle = db
      .select()
      .from(questions)
      .where(
        and(
          inArray(questions.status, ['new', 'offered', 'escalated']),
          notHeldAsSpam,
          sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`,
        ),
      )
      .limit(50)
      .all();
    for (const question of idle) offerNextWave(question, { onlyIfAny: true });
  }

  function escalate(now: number): void {
    const due = questionRepo.transition(
      'escalate',
      and(isNull(questions.escalatedAt), lte(questions.receivedAt, now - config.escalateMs), notHeldAsSpam),
      { escalatedAt: now, updatedAt: now },
    );
    for (const q of due)
      recordEvent(db, { questionId: q.id, type: 'question.escalated', at: now, data: { afterMs: now - q.receivedAt } });
    if (due.length > 0) uow.emit('question.escalated', { questions: due });
  }

  function releaseStaleClaims(now: number): void {
    const stale = questionRepo.transition('release', lte(questions.claimedAt, now - config.holdMs), {
      assigneeId: null,
      claimedAt: null,
      updatedAt: now,
    });
    const released: { question: QuestionRow; holder: string | null }[] = [];
    for (const q of stale) {
      const holder =
        db
          .select({ expertId: offers.expertId })
          .from(offers)
          .where(and(eq(offers.questionId, q.id), eq(offers.state, 'claimed')))
          .get()?.expertId ?? null;
      released.push({ question: q, holder });
      db.update(offers)
        .set({ state: 'released' })
        .where(and(eq(offers.questionId, q.id), eq(offers.state, 'claimed')))
        .run();
      recordEvent(db, {
        questionId: q.id,
        type: 'question.released',
        at: now,
        data: { reason: 'held too long without a reply', expertId: holder },
      });
      offerNextWave(q, { exclude: holder ? [holder] : [] });
    }
    for (const { question, holder } of released)
      uow.emit('question.released', { question: { row: question }, expertId: holder });
  }

  /**
   * Expire waves, escalate and release stale claims: one bounded slice, each step one short transaction. Returns
   * true when expired waves are left over for another slice. Safe to call often.
   */
  function tick(): boolean {
    const now = clock.now();
    for (const step of [expireWaves, offerIdle, escalate, releaseStaleClaims]) {
      uow.run(() => step(now));
    }
    for (const listener of tickListeners) listener(now);
    return expiryBacklog;
  }

  /** What the timer runs: slices until caught up, yielding to the event loop between them. */
  async function run(): Promise<void> {
    if (running) return;
    running = true;
    try {
      for (let slice = 0; tick() && slice < MAX_SLICES_PER_RUN; slice++)
        await new Promise((resolve) => setImmediate(resolve));
    } finally {
      running = false;
    }
  }

  /**
   * An expert can take no more offers (their account was closed): their open offers end, and a question left with no
   * open offer goes to its next wave now rather than when the wave would have expired.
   */
  function withdrawOffers(expertId: string) {
    uow.run(() => {
      const withdrawn = db
        .update(offers)
        .set({ state: 'expired' })
        .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
        .returning({ questionId: offers.questionId })
        .all();
      nextWaveIfNoneOpen(
        withdrawn.map((o) => o.questionId),
        { exclude: [expertId] },
      );
    });
  }

  return {
    offerNextWave,
    planWave,
    recordWave,
    withdrawOffers,
    tagsOf,
    /** Someone came online: questions nobody could take may be routable now, so look on the next tick. */
    rosterChanged() {
      rosterChanged = true;
    },
    onTick(listener: (now: number) => void) {
      tickListeners.push(listener);
    },
    tick,
    run,
  };
}
export type Dispatcher = ReturnType<typeof createDispatcher>;
