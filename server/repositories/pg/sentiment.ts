// The sentiment report's reads on PostgreSQL: the same reads as ../sentiment.ts, over db/pg/schema.ts.
import { sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type { SentimentLabel } from '../../domain/sentiment.js';
import type { AnsweredThread, createSentimentRepository as sqliteSentiment } from '../sentiment.js';
import { eachRow, SNAPSHOT } from './metrics.js';

type Label = SentimentLabel | null;

export function createSentimentRepository(db: PgDb): ReturnType<typeof sqliteSentiment> {
  return {
    read: {
      async eachReceived(from: number, to: number, visit: (receivedAt: number, label: Label) => void) {
        await db.transaction(
          (tx) =>
            eachRow(
              tx,
              sql`select received_at, sentiment_label from questions where received_at >= ${from} and received_at < ${to}`,
              (r) => visit(Number(r.received_at), r.sentiment_label as Label),
            ),
          SNAPSHOT,
        );
      },

      async answeredBetween(from: number, to: number) {
        return db.transaction(async (tx) => {
          // Each question of the window with its first posted answer: the window's questions (questions_received), and
          // for each its few replies (replies_question).
          const answered = await tx.execute(
            sql`select q.id, q.received_at, q.created_at, q.sentiment_label, r.author_id, r.posted_at
                  from questions q
                 cross join lateral (select author_id, posted_at from replies
                                      where question_id = q.id and status = 'posted'
                                      order by posted_at nulls first, id limit 1) r
                 where q.received_at >= ${from} and q.received_at < ${to}`,
          );
          const threads: AnsweredThread[] = answered.rows.map((r) => ({
            id: r.id as string,
            receivedAt: Number(r.received_at),
            at: Number(r.created_at),
            label: r.sentiment_label as Label,
            expertId: r.author_id as string,
            postedAt: Number(r.posted_at),
          }));
          const ids = sql`${sql.param(threads.map((q) => q.id))}::text[]`;
          const followUps = await tx.execute(
            sql`select question_id, at, sentiment_label from messages
                 where direction = 'in' and question_id = any(${ids}) order by at`,
          );
          const tags = await tx.execute(
            sql`select question_id, slug from question_tags where question_id = any(${ids})`,
          );
          return {
            threads,
            followUps: followUps.rows.map((r) => ({
              questionId: r.question_id as string,
              at: Number(r.at),
              label: r.sentiment_label as Label,
            })),
            tags: tags.rows.map((r) => ({ questionId: r.question_id as string, slug: r.slug as string })),
          };
        }, SNAPSHOT);
      },
    },
    write: {},
  };
}
