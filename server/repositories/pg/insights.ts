// The insight digest's reads on PostgreSQL: the same reads as ../insights.ts, over db/pg/schema.ts.
import { sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type { PeriodVisitor, createInsightsRepository as sqliteInsights } from '../insights.js';
import { eachRow, SNAPSHOT } from './metrics.js';

export function createInsightsRepository(db: PgDb): ReturnType<typeof sqliteInsights> {
  const questionsOf = (from: number, to: number) =>
    sql`select id, text, status, received_at from questions
         where received_at >= ${from} and received_at < ${to} and status <> 'dismissed' order by received_at desc`;

  return {
    read: {
      async eachInPeriod(previousFrom: number, from: number, to: number, visit: PeriodVisitor) {
        await db.transaction(async (tx) => {
          await eachRow(tx, questionsOf(previousFrom, from), (r) => visit.previous(r.text as string));
          await eachRow(
            tx,
            sql`select t.question_id, t.slug from question_tags t join questions q on q.id = t.question_id
                 where q.received_at >= ${from} and q.received_at < ${to} and q.status <> 'dismissed'`,
            (r) => visit.tag(r.question_id as string, r.slug as string),
          );
          await eachRow(tx, questionsOf(from, to), (r) =>
            visit.question(r.id as string, r.text as string, r.status as string, Number(r.received_at)),
          );
        }, SNAPSHOT);
      },

      async texts(ids: string[]) {
        const { rows } = await db.execute(
          sql`select id, text, received_at from questions where id = any(${sql.param(ids)}::text[])`,
        );
        return rows.map((r) => ({ id: r.id as string, text: r.text as string, receivedAt: Number(r.received_at) }));
      },
    },
    write: {},
  };
}
