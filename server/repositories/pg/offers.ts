// Offers on PostgreSQL: the same reads and writes as ../offers.ts, over db/pg/schema.ts.
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { preparedRowsInsert } from './connection.js';
import { offers } from '../../../db/pg/schema.js';
import type { createOfferRepository as sqliteOffers, NewOffer } from '../offers.js';

export function createOfferRepository(db: PgDb): ReturnType<typeof sqliteOffers> {
  const expertIds = (rows: { expertId: string }[]) => rows.map((r) => r.expertId);
  const offerColumns = [
    'id',
    'questionId',
    'expertId',
    'wave',
    'score',
    'reasons',
    'state',
    'createdAt',
    'expiresAt',
  ] as const;
  const insertRows = preparedRowsInsert(db, offers, 'offers_insert', offerColumns);

  return {
    read: {
      async offeredTo(questionId: string) {
        const rows = await db.select({ id: offers.expertId }).from(offers).where(eq(offers.questionId, questionId));
        return rows.map((o) => o.id);
      },

      async ofQuestion(questionId: string) {
        return db.select().from(offers).where(eq(offers.questionId, questionId));
      },

      async wasOffered(questionId: string, expertId: string) {
        const [row] = await db
          .select({ id: offers.id })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.expertId, expertId)))
          .limit(1);
        return !!row;
      },

      async withOpenOffers(questionIds: string[]) {
        if (questionIds.length === 0) return new Set<string>();
        const rows = await db
          .selectDistinct({ id: offers.questionId })
          .from(offers)
          .where(and(inArray(offers.questionId, questionIds), eq(offers.state, 'open')));
        return new Set(rows.map((o) => o.id));
      },

      async dueToExpire(now: number, limit: number) {
        const rows = await db
          .select({ id: offers.id })
          .from(offers)
          .where(and(eq(offers.state, 'open'), lte(offers.expiresAt, now)))
          .orderBy(offers.expiresAt)
          .limit(limit);
        return rows.map((o) => o.id);
      },

      async claimHolder(questionId: string) {
        const [row] = await db
          .select({ expertId: offers.expertId })
          .from(offers)
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'claimed')))
          .limit(1);
        return row?.expertId ?? null;
      },

      async openFor(expertId: string) {
        return db
          .select()
          .from(offers)
          .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
          .orderBy(desc(offers.createdAt));
      },
    },
    write: {
      async insert(rows: NewOffer[]) {
        // One statement for the wave: on PostgreSQL each statement is a round trip.
        await insertRows(rows);
      },

      async settleClaim(questionId: string, winnerId: string) {
        const ended = await db
          .update(offers)
          .set({ state: sql`case when ${offers.expertId} = ${winnerId} then 'claimed' else 'lost' end` })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'open')))
          .returning({ expertId: offers.expertId });
        return expertIds(ended).filter((id) => id !== winnerId);
      },

      async releaseClaim(questionId: string) {
        await db
          .update(offers)
          .set({ state: 'released' })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'claimed')));
      },

      async loseAll(questionId: string) {
        return expertIds(
          await db
            .update(offers)
            .set({ state: 'lost' })
            .where(and(eq(offers.questionId, questionId), inArray(offers.state, ['open', 'claimed'])))
            .returning({ expertId: offers.expertId }),
        );
      },

      async expireOpen(questionId: string) {
        await db
          .update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.questionId, questionId), eq(offers.state, 'open')));
      },

      async expire(offerIds: string[]) {
        if (offerIds.length === 0) return [];
        const rows = await db
          .update(offers)
          .set({ state: 'expired' })
          .where(inArray(offers.id, offerIds))
          .returning({ questionId: offers.questionId });
        return rows.map((o) => o.questionId);
      },

      async withdrawAllOf(expertId: string) {
        const rows = await db
          .update(offers)
          .set({ state: 'expired' })
          .where(and(eq(offers.expertId, expertId), eq(offers.state, 'open')))
          .returning({ questionId: offers.questionId });
        return rows.map((o) => o.questionId);
      },
    },
  };
}
