// Expert recognition's reads on PostgreSQL: the same reads as ../recognition.ts, over db/pg/schema.ts.
import { sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type { createRecognitionRepository as sqliteRecognition } from '../recognition.js';
import { num, SNAPSHOT } from './metrics.js';

export function createRecognitionRepository(db: PgDb): ReturnType<typeof sqliteRecognition> {
  return {
    read: {
      async roster() {
        // collate "C": names in SQLite's byte order, whatever the database's locale.
        const { rows } = await db.execute(
          sql`select u.id, u.name, p.store from expert_profiles p join users u on u.id = p.user_id
               where u.active order by u.name collate "C"`,
        );
        return rows.map((r) => ({ id: r.id as string, name: r.name as string, store: r.store as string | null }));
      },

      async between(from: number, to: number) {
        return db.transaction(async (tx) => {
          const replies = await tx.execute(
            sql`select r.author_id, r.status, r.created_at - q.claimed_at ms from replies r join questions q on q.id = r.question_id
                 where r.created_at >= ${from} and r.created_at < ${to}`,
          );
          const posted = await tx.execute(
            sql`select author_id, count(*) n from replies
                 where status = 'posted' and posted_at >= ${from} and posted_at < ${to} group by author_id`,
          );
          const thanks = await tx.execute(
            sql`select (select r.author_id from replies r
                         where r.question_id = e.question_id and r.status = 'posted' and r.posted_at <= e.at
                         order by r.posted_at desc limit 1) author_id
                  from events e where e.type = 'question.thanked' and e.at >= ${from} and e.at < ${to}`,
          );
          return {
            replies: replies.rows.map((r) => ({
              authorId: r.author_id as string,
              status: r.status as string,
              ms: num(r.ms),
            })),
            posted: posted.rows.map((r) => ({ authorId: r.author_id as string, n: Number(r.n) })),
            thanks: thanks.rows.map((r) => ({ authorId: r.author_id as string | null })),
          };
        }, SNAPSHOT);
      },
    },
    write: {},
  };
}
