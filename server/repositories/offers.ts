// Offers: who a question was offered to in which wave, and how each offer ended (claimed, lost to a colleague,
// expired, released). Only the question's own transitions decide its status; these rows follow them.
import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offers, type OfferRow } from '../../db/schema.js';

export type NewOffer = {
  id: string;
  questionId: string;
  expertId: string;
  wave: number;
  score: number;
  reasons: Record<string, number>;
  state: 'open' | 'claimed';
  createdAt: number;
  expiresAt: number;
};

export function createOfferRepository(db: Db) {
  const placeholder = sql.placeholder;
  // Every wave reads who was offered the question before and writes its offers, so these are prepared once.
  const statements = {
    offeredTo: db
      .select({ id: offers.expertId })
      .from(offers)
      .where(eq(offers.questionId, placeholder('questionId')))
      .prepare(),
    insert: db
      .insert(offers)
      .values({
        id: placeholder('id'),
        questionId: placeholder('questionId'),
        expertId: placeholder('expertId'),
        wave: placeholder('wave'),
        score: placeholder('score'),
        reasons: placeholder('reasons'),
        state: placeholder('state'),
        createdAt: placeholder('createdAt'),
        expiresAt: placeholder('expiresAt'),
      })
      .prepare(),
  };

  const expertIds = (rows: { expertId: string }[]) => rows.map((r) => r.expertId);

  return {
    read: {
      /** Everyone the question was ever offered to. */
      async offeredTo(questionId: string): Promise<string[]> {
        return statements.offeredTo.all({ questionId }).map((o) => o.id);
      },

      async ofQuestion(questionId: string): Promise<OfferRow[]> {
        return db.select().from(offers).where(eq(offers.questionId, questionId)).all();
      },

      /** Whether the question was ever offered to the expert. */
      async wasOffered(questionId: string, expertId: string): Promise<boolean> {
        // A question has a few offers, an expert hundreds: the unary + keeps SQLite on the question's offers.
        return !!db
          .select({ id: offers.id })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), sql`+${offers.expertId} = ${expertId}`))
          .get();
      },

      /** Of these questions, those with an offer still open. */
      async withOpenOffers(questionIds: string[]): Promise<Set<string>> {
        if (questionIds.length === 0) return new Set();
        return new Set(
          db
            .select({ id: offers.questionId })
            .from(offers)
            .where(and(inArray(offers.questionId, questionIds), eq(offers.state, 'open')))
            .all()
            .map((o) => o.id),
        );
      },

      /** Open offers past their expiry, soonest first. */
      async dueToExpire(now: number, limit: number): Promise<string[]> {
        return db
          .select({ id: offers.id })
          .from(offers)
          .where(and(eq(offers.state, 'open'), lte(offers.expiresAt, now)))
          .orderBy(offers.expiresAt)
          .limit(limit)
          .all()
          .map((o) => o.id);
      },

      /** The expert whose claim on the question stands. */
      async claimHolder(questionId: string): Promise<string | null> {
        return (
          db
            .select({ expertId: offers.expertId })
            .from(offers)
            .where(and(eq(offers.questionId, questionId), eq(offers.state, 'claimed')))
            .get()?.expertId ?? null
        );
      },

      /** An expert's open offers with the newest first. */
      async openFor(expertId: string): Promise<OfferRow[]> {
        return db
          .select()
          .from(offers)
          .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
          .orderBy(sql`${offers.createdAt} desc`)
          .all();
      },
    },
    write: {
      /** A wave's offers, written together. */
      async insert(rows: NewOffer[]): Promise<void> {
        for (const offer of rows) statements.insert.run(offer);
      },

      /** The question was claimed: the winner's open offer is claimed, everyone else's lost. Returns who lost. */
      async settleClaim(questionId: string, winnerId: string): Promise<string[]> {
        const ended = db
          .update(offers)
          .set({ state: sql`case when ${offers.expertId} = ${winnerId} then 'claimed' else 'lost' end` })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'open')))
          .returning({ expertId: offers.expertId })
          .all();
        return expertIds(ended).filter((id) => id !== winnerId);
      },

      /** The holder let the question go (or held it too long). */
      async releaseClaim(questionId: string): Promise<void> {
        db.update(offers)
          .set({ state: 'released' })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'claimed')))
          .run();
      },

      /** A manager gave the question to someone: every open offer and standing claim is lost. Returns whose. */
      async loseAll(questionId: string): Promise<string[]> {
        return expertIds(
          db
            .update(offers)
            .set({ state: 'lost' })
            .where(and(eq(offers.questionId, questionId), inArray(offers.state, ['open', 'claimed'])))
            .returning({ expertId: offers.expertId })
            .all(),
        );
      },

      /** The question's open offers end (it was dismissed). */
      async expireOpen(questionId: string): Promise<void> {
        db.update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'open')))
          .run();
      },

      /** These offers expired; returns their questions. */
      async expire(offerIds: string[]): Promise<string[]> {
        if (offerIds.length === 0) return [];
        return db
          .update(offers)
          .set({ state: 'expired' })
          .where(inArray(offers.id, offerIds))
          .returning({ questionId: offers.questionId })
          .all()
          .map((o) => o.questionId);
      },

      /** The expert can take no more offers: their open ones end. Returns the questions they were for. */
      async withdrawAllOf(expertId: string): Promise<string[]> {
        return db
          .update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
          .returning({ questionId: offers.questionId })
          .all()
          .map((o) => o.questionId);
      },
    },
  };
}
