// Offers in waves: the router picks the next K experts, each gets a live offer that expires after the wave time;
// when a wave expires unclaimed the next K are offered; after the escalation time managers are alerted; claims held
// too long without a reply go back to the pool. `tick()` advances all of this from an injectable clock.
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offers, questions, questionTags, type QuestionRow } from '../../db/schema.js';
import type { QuestionSummary } from '../contracts/api.js';
import type { RoutingConfig } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { statusesFor } from '../domain/lifecycle.js';
import type { RankedExpert, Router, TagScore } from '../domain/routing/index.js';
import { flush, recordEvent, type Notice } from './audit-log.js';
import type { ExpertService } from './experts.js';
import type { RealtimeHub } from './realtime-hub.js';
import type { Presenters } from './presenters.js';

interface Deps {
  db: Db;
  clock: Clock;
  router: Router;
  hub: RealtimeHub;
  presenters: Presenters;
  experts: ExpertService;
  config: RoutingConfig;
}

/** Expired offers taken per slice. Each can route a question anew (~1 ms), so a slice holds the event loop for tens
 * of milliseconds at most; a backlog (after an outage, say) is worked off slice by slice with requests in between. */
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

export function createDispatcher({ db, clock, router, hub, presenters, experts, config }: Deps) {
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
    // update().set() takes no bare placeholders, so each is wrapped in sql``; the values are plain numbers and strings.
    advance: db
      .update(questions)
      .set({
        wave: sql`${placeholder('wave')}`,
        status: sql`${placeholder('status')}`,
        flag: sql`${placeholder('flag')}`,
        updatedAt: sql`${placeholder('updatedAt')}`,
      })
      .where(eq(questions.id, placeholder('id')))
      .returning()
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

  /**
   * Offer the question to its next wave of experts. Runs inside the caller's transaction and returns the realtime
   * notices to send after commit.
   */
  function offerNextWave(question: QuestionRow, options: OfferOptions = {}): Notice[] {
    const plan = planWave(question, options);
    if (!plan) return [];
    recordWave(question.id, plan);
    const updated = statements.advance.get({
      id: question.id,
      wave: plan.wave,
      status: plan.status,
      flag: plan.flag,
      updatedAt: plan.at,
    })!;
    let rendered: QuestionSummary | undefined;
    return waveNotices(plan, () => (rendered ??= presenters.summary(updated)));
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

  /** Writes a planned wave's offers and its audit event; the question row itself is the caller's to write. */
  function recordWave(questionId: string, plan: WavePlan) {
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

  /**
   * The live messages of a wave: each offered expert hears of their offer, managers see the question move. `summary`
   * renders the question after commit, once for all of them.
   */
  function waveNotices(plan: WavePlan, summary: () => QuestionSummary): Notice[] {
    const expiresAt = new Date(plan.expiresAt).toISOString();
    return [
      () => {
        for (const offer of plan.offers) {
          hub.publish(
            'question.offered',
            {
              question: summary(),
              offer: {
                expertId: offer.expertId,
                score: offer.score,
                reasons: offer.reasons,
                wave: plan.wave,
                expiresAt,
              },
            },
            { users: [offer.expertId], managers: false },
          );
        }
        hub.publish('question.updated', { question: summary() });
      },
    ];
  }

  // Each tick does a bounded amount of work, so a backlog (say, after an outage) never blocks the event loop for long.
  function expireWaves(now: number): Notice[] {
    const due = db
      .select({ id: offers.id })
      .from(offers)
      .where(and(eq(offers.state, 'open'), lte(offers.expiresAt, now)))
      .orderBy(offers.expiresAt)
      .limit(EXPIRE_BATCH)
      .all();
    expiryBacklog = due.length === EXPIRE_BATCH;
    if (due.length === 0) return [];
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
    return nextWaveIfNoneOpen(expired.map((o) => o.questionId));
  }

  /** Of these questions (some of whose offers just ended), those still waiting with no open offer get their next wave. */
  function nextWaveIfNoneOpen(questionIdList: string[], options: OfferOptions = {}): Notice[] {
    const questionIds = [...new Set(questionIdList)];
    if (questionIds.length === 0) return [];
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
    return waiting.filter((q) => !stillOpen.has(q.id)).flatMap((q) => offerNextWave(q, options));
  }

  /** Questions waiting with no open offer (nobody was routable, e.g. right after a restart) get one once someone is. */
  function offerIdle(now: number): Notice[] {
    if (!rosterChanged && now - lastIdleSweep < IDLE_SWEEP_MS) return [];
    rosterChanged = false;
    lastIdleSweep = now;
    const idle = db
      .select()
      .from(questions)
      .where(
        and(
          inArray(questions.status, ['new', 'offered', 'escalated']),
          sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`,
        ),
      )
      .limit(50)
      .all();
    return idle.flatMap((q) => offerNextWave(q, { onlyIfAny: true }));
  }

  function escalate(now: number): Notice[] {
    const due = db
      .update(questions)
      .set({ status: 'escalated', escalatedAt: now, updatedAt: now })
      .where(
        and(
          inArray(questions.status, statusesFor('escalate')),
          isNull(questions.escalatedAt),
          lte(questions.receivedAt, now - config.escalateMs),
        ),
      )
      .returning()
      .all();
    for (const q of due)
      recordEvent(db, { questionId: q.id, type: 'question.escalated', at: now, data: { afterMs: now - q.receivedAt } });
    return due.length === 0
      ? []
      : [
          () => {
            for (const summary of presenters.summaries(due)) hub.publish('question.escalated', { question: summary });
          },
        ];
  }

  function releaseStaleClaims(now: number): Notice[] {
    const stale = db
      .update(questions)
      .set({ status: 'offered', assigneeId: null, claimedAt: null, updatedAt: now })
      .where(and(eq(questions.status, 'claimed'), lte(questions.claimedAt, now - config.holdMs)))
      .returning()
      .all();
    const holders = new Map<string, string>();
    const notices: Notice[] = [];
    for (const q of stale) {
      const holder = db
        .select({ expertId: offers.expertId })
        .from(offers)
        .where(and(eq(offers.questionId, q.id), eq(offers.state, 'claimed')))
        .get()?.expertId;
      if (holder) holders.set(q.id, holder);
      db.update(offers)
        .set({ state: 'released' })
        .where(and(eq(offers.questionId, q.id), eq(offers.state, 'claimed')))
        .run();
      recordEvent(db, {
        questionId: q.id,
        type: 'question.released',
        at: now,
        data: { reason: 'held too long without a reply', expertId: holder ?? null },
      });
      notices.push(...offerNextWave({ ...q, status: 'offered' }, { exclude: holder ? [holder] : [] }));
    }
    if (stale.length > 0) {
      notices.push(() => {
        for (const summary of presenters.summaries(stale)) {
          const holder = holders.get(summary.id) ?? null;
          hub.publish('question.released', { question: summary, expertId: holder }, { users: holder ? [holder] : [] });
          if (holder) experts.refresh(holder);
        }
      });
    }
    return notices;
  }

  /**
   * Expire waves, escalate and release stale claims: one bounded slice, each step one short transaction. Returns
   * true when expired waves are left over for another slice. Safe to call often.
   */
  function tick(): boolean {
    const now = clock.now();
    for (const step of [expireWaves, offerIdle, escalate, releaseStaleClaims]) {
      flush(db.transaction(() => step(now)));
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
    flush(
      db.transaction(() => {
        const withdrawn = db
          .update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
          .returning({ questionId: offers.questionId })
          .all();
        return nextWaveIfNoneOpen(
          withdrawn.map((o) => o.questionId),
          { exclude: [expertId] },
        );
      }),
    );
  }

  return {
    offerNextWave,
    planWave,
    recordWave,
    waveNotices,
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
