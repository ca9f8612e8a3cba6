// Spam examples on PostgreSQL: the same reads as ../spam-examples.ts, over db/pg/schema.ts.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import { questions } from '../../../db/pg/schema.js';
import type { createSpamExampleRepository as sqliteSpamExamples } from '../spam-examples.js';

export function createSpamExampleRepository(db: PgDb): ReturnType<typeof sqliteSpamExamples> {
  return {
    read: {
      // ilike: SQLite's like ignores case, PostgreSQL's does not, and the prefix may come in any case.
      async dismissedWith(reasonPrefix: string, limit: number) {
        return db
          .select({ text: questions.text, reason: questions.dismissReason })
          .from(questions)
          .where(
            and(
              eq(questions.status, 'dismissed'),
              sql`lower(trim(${questions.dismissReason})) ilike ${`${reasonPrefix}%`}`,
            ),
          )
          .orderBy(desc(questions.id))
          .limit(limit);
      },
      async answered(limit: number) {
        const rows = await db
          .select({ text: questions.text })
          .from(questions)
          .where(eq(questions.status, 'answered'))
          .orderBy(desc(questions.id))
          .limit(limit);
        return rows.map((r) => r.text);
      },
    },
    write: {},
  };
}
