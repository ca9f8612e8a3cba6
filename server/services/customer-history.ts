// The same customer's other questions, for the side panel of a question: what they asked before and how it ended.
// Only their own public posts (text and status), never replies in review or internal notes, so whoever may open the
// question — the expert it is offered or assigned to included — may see them.
import type { Db } from '../../db/client.js';
import type { CustomerQuestion, QuestionSummary } from '../contracts/api.js';
import { iso } from './presenters.js';

/** Enough to see a pattern; a customer with hundreds of posts is a case for search. */
export const CUSTOMER_HISTORY_LIMIT = 20;
const WEEK_MS = 7 * 24 * 3600_000;

// The customer is their id on the channel, or their handle in any case where the channel gave none. The left side is
// the expression of the questions_customer index, word for word, so SQLite reads the index in date order.
export const CUSTOMER_HISTORY_SQL = `select id, text, status, created_at createdAt from questions
  where channel = ? and coalesce(author_external_id, '@' || lower(author_handle)) = coalesce(?, '@' || lower(?))
    and id <> ?
  order by created_at desc limit ?`;

export function createCustomerHistory(db: Db) {
  const others = db.$client.prepare<
    [string, string | null, string, string, number],
    { id: string; text: string; status: CustomerQuestion['status']; createdAt: number }
  >(CUSTOMER_HISTORY_SQL);

  // Posts carry their time to the second on X, so questions asked in the same second are ordered by id (ingest order).
  const inWeek = db.$client.prepare<[string, string | null, string, number, number, number, string], { n: number }>(
    `select count(*) n from questions
     where channel = ? and coalesce(author_external_id, '@' || lower(author_handle)) = coalesce(?, '@' || lower(?))
       and created_at > ? and created_at <= ? and (created_at < ? or id <= ?)`,
  );

  return {
    /**
     * Each question with how many its customer asked in the seven days up to it, itself included ("3rd question this
     * week" on a queue row): one range read of the questions_customer index a row.
     */
    withWeekCounts<Q extends Pick<QuestionSummary, 'id' | 'channel' | 'author' | 'createdAt'>>(
      items: Q[],
    ): (Q & { askedThisWeek: number })[] {
      return items.map((q) => {
        const at = Date.parse(q.createdAt);
        const row = inWeek.get(q.channel, q.author.externalId, q.author.handle, at - WEEK_MS, at, at, q.id);
        return { ...q, askedThisWeek: row?.n ?? 1 };
      });
    },

    /** Newest first, without the question itself. */
    of(question: Pick<QuestionSummary, 'id' | 'channel' | 'author'>): CustomerQuestion[] {
      return others
        .all(question.channel, question.author.externalId, question.author.handle, question.id, CUSTOMER_HISTORY_LIMIT)
        .map((row) => ({ id: row.id, text: row.text, status: row.status, createdAt: iso(row.createdAt) }));
    },
  };
}
export type CustomerHistory = ReturnType<typeof createCustomerHistory>;
