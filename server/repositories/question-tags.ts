// The tags a question carries, with how sure the tagger was and who decided (rules, model, or a manager).
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questionTags } from '../../db/schema.js';

export type QuestionTagRow = typeof questionTags.$inferSelect;
export interface QuestionTag {
  slug: string;
  confidence: number;
  source: 'rules' | 'model' | 'manual';
}

export function createQuestionTagRepository(db: Db) {
  // Every ingest and every rendered summary reads or writes these, so they are prepared once: one id is the common
  // case, a JSON array of ids the batch one.
  const tagColumns = 'question_id questionId, slug, confidence, source';
  const statements = {
    of: db.$client.prepare<[string], QuestionTagRow>(
      `select ${tagColumns} from question_tags where question_id = ? order by confidence desc`,
    ),
    ofMany: db.$client.prepare<[string], QuestionTagRow>(
      `select ${tagColumns} from question_tags where question_id in (select value from json_each(?)) order by confidence desc`,
    ),
    insert: db.$client.prepare<[string, string, number, string]>(
      'insert into question_tags (question_id, slug, confidence, source) values (?, ?, ?, ?)',
    ),
  };

  return {
    read: {
      /** Most confident first. */
      async of(questionId: string): Promise<QuestionTag[]> {
        return statements.of.all(questionId).map(({ slug, confidence, source }) => ({ slug, confidence, source }));
      },

      /** Every tag of these questions, most confident first. */
      async ofMany(questionIds: string[]): Promise<QuestionTagRow[]> {
        if (questionIds.length === 0) return [];
        return questionIds.length === 1
          ? statements.of.all(questionIds[0] as string)
          : statements.ofMany.all(JSON.stringify(questionIds));
      },
    },
    write: {
      async add(questionId: string, tags: QuestionTag[]): Promise<void> {
        for (const tag of tags) statements.insert.run(questionId, tag.slug, tag.confidence, tag.source);
      },

      /** The question's tags become these (a manager's choice). */
      async replace(questionId: string, tags: QuestionTag[]): Promise<void> {
        db.delete(questionTags).where(eq(questionTags.questionId, questionId)).run();
        for (const tag of tags) statements.insert.run(questionId, tag.slug, tag.confidence, tag.source);
      },
    },
  };
}
