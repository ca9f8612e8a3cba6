// What managers taught the spam model, read back at start (services/spam.ts): questions dismissed as spam, and
// questions answered in public, which were not.
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions } from '../../db/schema.js';

export function createSpamExampleRepository(db: Db) {
  return {
    read: {
      /**
       * The newest questions dismissed with a reason that starts with `reasonPrefix` (any case, leading spaces
       * ignored), with their reasons: the caller decides which reasons mean spam.
       */
      async dismissedWith(reasonPrefix: string, limit: number): Promise<{ text: string; reason: string | null }[]> {
        return db
          .select({ text: questions.text, reason: questions.dismissReason })
          .from(questions)
          .where(
            and(
              eq(questions.status, 'dismissed'),
              sql`lower(trim(${questions.dismissReason})) like ${`${reasonPrefix}%`}`,
            ),
          )
          .orderBy(desc(questions.id))
          .limit(limit)
          .all();
      },
      /** The texts of the newest answered questions. */
      async answered(limit: number): Promise<string[]> {
        return db
          .select({ text: questions.text })
          .from(questions)
          .where(eq(questions.status, 'answered'))
          .orderBy(desc(questions.id))
          .limit(limit)
          .all()
          .map((r) => r.text);
      },
    },
    write: {},
  };
}
