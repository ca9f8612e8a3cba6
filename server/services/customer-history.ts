// The same customer's other questions, for the side panel of a question: what they asked before and how it ended.
// Only their own public posts (text and status), never replies in review or internal notes, so whoever may open the
// question — the expert it is offered or assigned to included — may see them.
import type { CustomerQuestion, QuestionSummary } from '../contracts/api.js';
import type { ReadRepositories } from '../repositories/index.js';
import type { Customer } from '../repositories/questions.js';
import { iso } from './presenters.js';

/** Enough to see a pattern; a customer with hundreds of posts is a case for search. */
export const CUSTOMER_HISTORY_LIMIT = 20;
const WEEK_MS = 7 * 24 * 3600_000;

/** The customer is their id on the channel, or their handle where the channel gave none. */
const customerOf = (q: Pick<QuestionSummary, 'channel' | 'author'>): Customer => ({
  channel: q.channel,
  externalId: q.author.externalId,
  handle: q.author.handle,
});

export function createCustomerHistory(data: Pick<ReadRepositories, 'questions'>) {
  return {
    /**
     * Each question with how many its customer asked in the seven days up to it, itself included ("3rd question this
     * week" on a queue row).
     */
    async withWeekCounts<Q extends Pick<QuestionSummary, 'id' | 'channel' | 'author' | 'createdAt'>>(
      items: Q[],
    ): Promise<(Q & { askedThisWeek: number })[]> {
      const counts = await data.questions.countsOfCustomers(
        items.map((q) => {
          const at = Date.parse(q.createdAt);
          return { customer: customerOf(q), from: at - WEEK_MS, to: at, id: q.id };
        }),
      );
      return items.map((q, i) => ({ ...q, askedThisWeek: Math.max(counts[i] ?? 0, 1) }));
    },

    /** Newest first, without the question itself. */
    async of(question: Pick<QuestionSummary, 'id' | 'channel' | 'author'>): Promise<CustomerQuestion[]> {
      const rows = await data.questions.ofCustomer(customerOf(question), question.id, CUSTOMER_HISTORY_LIMIT);
      return rows.map((row) => ({ id: row.id, text: row.text, status: row.status, createdAt: iso(row.createdAt) }));
    },
  };
}
export type CustomerHistory = ReturnType<typeof createCustomerHistory>;
