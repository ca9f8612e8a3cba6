// The reads of the insight digest (services/insights.ts): the texts of the questions of a period and of the period
// before it, with their tags. A period may hold most of the history, so rows are handed over one by one, never held.
import type { Db } from '../../db/client.js';

/** What a period read hands over, row by row. Dismissed questions (spam, not questions) are left out. */
export interface PeriodVisitor {
  /** Every question of the previous period. */
  previous(text: string): void;
  /** Every tag of a question of the period; all of them come before the period's questions. */
  tag(questionId: string, slug: string): void;
  /** Every question of the period, newest first. */
  question(id: string, text: string, status: string, receivedAt: number): void;
}

export function createInsightsRepository(db: Db) {
  const sqlite = db.$client;
  const statements = {
    questions: sqlite
      .prepare<[number, number, string], [string, string, string, number]>(
        'select id, text, status, received_at from questions where received_at >= ? and received_at < ? and status <> ? order by received_at desc',
      )
      .raw(),
    // One read for the whole range: reading in chunks of ids would run a statement per chunk.
    tags: sqlite
      .prepare<[number, number, string], [string, string]>(
        'select t.question_id, t.slug from question_tags t join questions q on q.id = t.question_id where q.received_at >= ? and q.received_at < ? and q.status <> ?',
      )
      .raw(),
    texts: sqlite
      .prepare<[string], [string, string, number]>(
        'select id, text, received_at from questions where id in (select value from json_each(?))',
      )
      .raw(),
  };

  // One read transaction: on the analytics thread's own connection, questions written between the reads would
  // otherwise be counted by one and not the other (as untagged, say).
  const period = sqlite.transaction((previousFrom: number, from: number, to: number, visit: PeriodVisitor) => {
    for (const [, text] of statements.questions.iterate(previousFrom, from, 'dismissed')) visit.previous(text);
    for (const [questionId, slug] of statements.tags.iterate(from, to, 'dismissed')) visit.tag(questionId, slug);
    for (const [id, text, status, receivedAt] of statements.questions.iterate(from, to, 'dismissed'))
      visit.question(id, text, status, receivedAt);
  });

  return {
    read: {
      /** The questions received in [previousFrom, from) and in [from, to) with their tags, as of one moment. */
      async eachInPeriod(previousFrom: number, from: number, to: number, visit: PeriodVisitor): Promise<void> {
        period(previousFrom, from, to, visit);
      },

      /** Questions' texts by id. A question's text never changes, so this needs no snapshot shared with a period. */
      async texts(ids: string[]): Promise<{ id: string; text: string; receivedAt: number }[]> {
        return statements.texts.all(JSON.stringify(ids)).map(([id, text, receivedAt]) => ({ id, text, receivedAt }));
      },
    },
    write: {},
  };
}
export type InsightsReads = ReturnType<typeof createInsightsRepository>['read'];
