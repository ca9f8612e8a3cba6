// A new question's rows, written together: the question, its tags, its first wave's offers and the log entries of its
// arrival. Ingest writes these four for every question; on PostgreSQL they are one statement (./pg/intake.ts), where
// four inserts were four round trips to the server. SQLite runs in the process, so here they stay four inserts.
import type { AuditEntry, createAuditLogRepository } from './audit-log.js';
import type { createOfferRepository, NewOffer } from './offers.js';
import type { QuestionTag, createQuestionTagRepository } from './question-tags.js';
import type { QuestionRow } from '../../db/schema.js';
import type { createQuestionRepository, NewQuestion } from './questions.js';

/** What is written with a new question: none of it may name another question. */
export interface NewQuestionRows {
  tags: QuestionTag[];
  offers: Omit<NewOffer, 'questionId'>[];
  log: Omit<AuditEntry, 'questionId'>[];
}

type Writes<F extends (...args: never[]) => { write: object }> = ReturnType<F>['write'];

export function createIntakeRepository(parts: {
  questions: Writes<typeof createQuestionRepository>;
  questionTags: Writes<typeof createQuestionTagRepository>;
  offers: Writes<typeof createOfferRepository>;
  auditLog: Writes<typeof createAuditLogRepository>;
}) {
  return {
    read: {},
    write: {
      /** Stores a new question with its rows, in the caller's unit of work; returns the question as stored. */
      async insert(question: NewQuestion, rows: NewQuestionRows): Promise<QuestionRow> {
        const row = await parts.questions.insert(question);
        await parts.questionTags.add(row.id, rows.tags);
        if (rows.offers.length > 0) await parts.offers.insert(rows.offers.map((o) => ({ ...o, questionId: row.id })));
        if (rows.log.length > 0) await parts.auditLog.recordAll(rows.log.map((e) => ({ ...e, questionId: row.id })));
        return row;
      },
    },
  };
}
