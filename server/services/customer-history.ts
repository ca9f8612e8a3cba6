// The same customer's other questions, for the side panel of a question: what they asked before and how it ended.
// Only their own public posts (text and status), never replies in review or internal notes, so whoever may open the
// question — the expert it is offered or assigned to included — may see them.
import type { Db } from '../../db/client.js';
import type { CustomerQuestion, QuestionSummary } from '../contracts/api.js';
import { iso } from './presenters.js';

/** Enough to see a pattern; a customer with hundreds of posts is a case for search. */
export const CUSTOMER_HISTORY_LIMIT = 20;

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

  return {
    /** Newest first, without the question itself. */
    of(question: Pick<QuestionSummary, 'id' | 'channel' | 'author'>): CustomerQuestion[] {
      return others
        .all(question.channel, question.author.externalId, question.author.handle, question.id, CUSTOMER_HISTORY_LIMIT)
        .map((row) => ({ id: row.id, text: row.text, status: row.status, createdAt: iso(row.createdAt) }));
    },
  };
}
export type CustomerHistory = ReturnType<typeof createCustomerHistory>;
