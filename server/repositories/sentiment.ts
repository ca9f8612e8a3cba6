// The reads of the sentiment report (services/sentiment-metrics.ts): how the questions of a range were scored, and
// each answered thread with the customer's posts and the question's tags.
import type { Db } from '../../db/client.js';
import type { SentimentLabel } from '../domain/sentiment.js';

/** A question received in the range with its first posted answer: who answered, and when. */
export interface AnsweredThread {
  id: string;
  receivedAt: number;
  /** When the customer posted the question, and how it was scored. */
  at: number;
  label: SentimentLabel | null;
  expertId: string;
  postedAt: number;
}

export interface SentimentPeriod {
  threads: AnsweredThread[];
  /** The customer's later posts in those threads, oldest first. */
  followUps: { questionId: string; at: number; label: SentimentLabel | null }[];
  tags: { questionId: string; slug: string }[];
}

export function createSentimentRepository(db: Db) {
  const sqlite = db.$client;
  const statements = {
    received: sqlite.prepare<[number, number], { receivedAt: number; label: SentimentLabel | null }>(
      'select received_at receivedAt, sentiment_label label from questions where received_at >= ? and received_at < ?',
    ),
    // Each question received in the window with its first posted answer (who, when) and its own post. The `+` keeps
    // SQLite on the window's questions and each one's few replies (questions_received, replies_question): through
    // replies_status it would walk every posted reply, for every posted reply.
    answered: sqlite.prepare<[number, number], AnsweredThread>(
      `select q.id, q.received_at receivedAt, q.created_at at, q.sentiment_label label, r.author_id expertId,
              r.posted_at postedAt
         from questions q
         join replies r on r.question_id = q.id and +r.status = 'posted'
        where q.received_at >= ? and q.received_at < ?
          and r.id = (select id from replies where question_id = q.id and +status = 'posted'
                      order by posted_at, id limit 1)`,
    ),
    followUps: sqlite.prepare<[string], { questionId: string; at: number; label: SentimentLabel | null }>(
      `select question_id questionId, at, sentiment_label label from messages
        where direction = 'in' and question_id in (select value from json_each(?)) order by at`,
    ),
    tags: sqlite.prepare<[string], { questionId: string; slug: string }>(
      'select question_id questionId, slug from question_tags where question_id in (select value from json_each(?))',
    ),
  };

  // One read transaction, so the threads, their posts and their tags agree with each other (the analytics thread's
  // connection would otherwise see what the server commits between the reads).
  const answered = sqlite.transaction((from: number, to: number): SentimentPeriod => {
    const threads = statements.answered.all(from, to);
    const ids = JSON.stringify(threads.map((q) => q.id));
    return { threads, followUps: statements.followUps.all(ids), tags: statements.tags.all(ids) };
  });

  return {
    read: {
      /** How each question received in [from, to) was scored, handed to `visit` row by row (a range may be long). */
      async eachReceived(
        from: number,
        to: number,
        visit: (receivedAt: number, label: SentimentLabel | null) => void,
      ): Promise<void> {
        for (const q of statements.received.iterate(from, to)) visit(q.receivedAt, q.label);
      },

      /** The questions received in [from, to) that have a posted answer, with the customer's posts and the tags. */
      async answeredBetween(from: number, to: number): Promise<SentimentPeriod> {
        return answered(from, to);
      },
    },
    write: {},
  };
}
export type SentimentReads = ReturnType<typeof createSentimentRepository>['read'];
