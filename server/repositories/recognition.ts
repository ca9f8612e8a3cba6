// The reads of expert recognition (services/recognition.ts): the roster with each expert's store, and the replies,
// posted answers and customers' thank-yous of a range.
import type { Db } from '../../db/client.js';

export interface RecognitionRows {
  /** Replies written in the range, with the ms from the question's claim to the reply. */
  replies: { authorId: string; status: string; ms: number | null }[];
  /** Answers posted in the range, per author. */
  posted: { authorId: string; n: number }[];
  /** Thank-yous received in the range, each with the author of the last answer posted before it (if any). */
  thanks: { authorId: string | null }[];
}

export function createRecognitionRepository(db: Db) {
  const sqlite = db.$client;
  const statements = {
    experts: sqlite.prepare<[], { id: string; name: string; store: string | null }>(
      'select u.id id, u.name name, p.store store from expert_profiles p join users u on u.id = p.user_id where u.active = 1 order by u.name',
    ),
    replies: sqlite.prepare<[number, number], { authorId: string; status: string; ms: number | null }>(
      `select r.author_id authorId, r.status status, r.created_at - q.claimed_at ms from replies r join questions q on q.id = r.question_id
       where r.created_at >= ? and r.created_at < ?`,
    ),
    posted: sqlite.prepare<[number, number], { authorId: string; n: number }>(
      "select author_id authorId, count(*) n from replies where status = 'posted' and posted_at >= ? and posted_at < ? group by author_id",
    ),
    // `+r.status`: without it SQLite may look the author up through every posted reply (replies_status) instead of the
    // question's few (replies_question), once per thank-you.
    thanks: sqlite.prepare<[number, number], { authorId: string | null }>(
      `select (select r.author_id from replies r where r.question_id = e.question_id and +r.status = 'posted' and r.posted_at <= e.at
               order by r.posted_at desc limit 1) authorId
       from events e where e.type = 'question.thanked' and e.at >= ? and e.at < ?`,
    ),
  };

  // One read transaction, so the three reads see the same replies and thank-yous (the analytics thread's connection
  // would otherwise see what the server commits between them).
  const between = sqlite.transaction(
    (from: number, to: number): RecognitionRows => ({
      replies: statements.replies.all(from, to),
      posted: statements.posted.all(from, to),
      thanks: statements.thanks.all(from, to),
    }),
  );

  return {
    read: {
      /** Active experts with their store, by name. */
      async roster(): Promise<{ id: string; name: string; store: string | null }[]> {
        return statements.experts.all();
      },

      /** What experts did in [from, to): replies written, answers posted, thank-yous received. */
      async between(from: number, to: number): Promise<RecognitionRows> {
        return between(from, to);
      },
    },
    write: {},
  };
}
export type RecognitionReads = ReturnType<typeof createRecognitionRepository>['read'];
