// Question tags on PostgreSQL: the same reads and writes as ../question-tags.ts, over db/pg/schema.ts.
import { asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { prepared } from './connection.js';
import { questionTags } from '../../../db/pg/schema.js';
import type { QuestionTag, createQuestionTagRepository as sqliteQuestionTags } from '../question-tags.js';

export function createQuestionTagRepository(db: PgDb): ReturnType<typeof sqliteQuestionTags> {
  // One statement for all of a question's tags, where SQLite ran one prepared insert per tag.
  // Most questions get one tag: that insert, run on every one, is prepared once.
  const insertOne = prepared(db, 'question_tags_insert_1', (b) =>
    b.insert(questionTags).values({
      questionId: sql.placeholder('questionId'),
      slug: sql.placeholder('slug'),
      confidence: sql.placeholder('confidence'),
      source: sql.placeholder('source'),
    }),
  );
  async function insert(questionId: string, tags: QuestionTag[]) {
    const [only] = tags;
    if (tags.length === 1 && only) await insertOne.execute({ questionId, ...only });
    else if (tags.length > 0) await db.insert(questionTags).values(tags.map((tag) => ({ questionId, ...tag })));
  }

  return {
    read: {
      // Equal confidences in primary-key order, as SQLite's sort of the rows it read off that key leaves them.
      async of(questionId: string) {
        return db
          .select({ slug: questionTags.slug, confidence: questionTags.confidence, source: questionTags.source })
          .from(questionTags)
          .where(eq(questionTags.questionId, questionId))
          .orderBy(desc(questionTags.confidence), asc(questionTags.slug));
      },

      async ofMany(questionIds: string[]) {
        if (questionIds.length === 0) return [];
        return db
          .select()
          .from(questionTags)
          .where(inArray(questionTags.questionId, questionIds))
          .orderBy(desc(questionTags.confidence), asc(questionTags.questionId), asc(questionTags.slug));
      },
    },
    write: {
      async add(questionId: string, tags: QuestionTag[]) {
        await insert(questionId, tags);
      },

      async replace(questionId: string, tags: QuestionTag[]) {
        await db.delete(questionTags).where(eq(questionTags.questionId, questionId));
        await insert(questionId, tags);
      },
    },
  };
}
