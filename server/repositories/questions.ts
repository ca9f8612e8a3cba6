// The question table's writes that move a question through its lifecycle. `transition` is the only code that sets a
// question's status: it takes the target from the lifecycle table and guards the write with the statuses the action
// may start from, so a question changed by someone else in the meantime is left alone and the caller hears so.
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { questions, type QuestionRow } from '../../db/schema.js';
import { type QuestionAction, statusesFor, targetOf } from '../domain/lifecycle.js';

type QuestionColumns = Omit<typeof questions.$inferInsert, 'id' | 'status'>;
/** What a transition may change besides the status: values, or SQL computed from the row (`coalesce(…)`). */
export type QuestionChanges = { [K in keyof QuestionColumns]?: QuestionColumns[K] | SQL } & { updatedAt: number };

export function createQuestionRepository(db: Db) {
  const placeholder = sql.placeholder;
  // Every wave writes these, so they are prepared once.
  const statements = {
    byId: db
      .select()
      .from(questions)
      .where(eq(questions.id, placeholder('id')))
      .prepare(),
    offer: db
      .update(questions)
      .set({
        status: targetOf('offer'),
        wave: sql`${placeholder('wave')}`,
        flag: sql`${placeholder('flag')}`,
        updatedAt: sql`${placeholder('updatedAt')}`,
      })
      .where(and(eq(questions.id, placeholder('id')), inArray(questions.status, statusesFor('offer'))))
      .returning()
      .prepare(),
    nextWave: db
      .update(questions)
      .set({
        wave: sql`${placeholder('wave')}`,
        flag: sql`${placeholder('flag')}`,
        updatedAt: sql`${placeholder('updatedAt')}`,
      })
      .where(eq(questions.id, placeholder('id')))
      .returning()
      .prepare(),
  };

  return {
    byId(id: string): QuestionRow | undefined {
      return statements.byId.get({ id });
    },

    /**
     * Moves every question matching `where` that `action` may start from to the action's target status. Returns the
     * rows changed: none when the guard held them back.
     */
    transition(action: QuestionAction, where: SQL | undefined, changes: QuestionChanges): QuestionRow[] {
      return db
        .update(questions)
        .set({ ...changes, status: targetOf(action) })
        .where(and(inArray(questions.status, statusesFor(action)), where))
        .returning()
        .all();
    },

    /** `transition` for one question; undefined when it is not in a status the action may start from. */
    transitionOne(action: QuestionAction, id: string, changes: QuestionChanges, guard?: SQL): QuestionRow | undefined {
      return this.transition(action, and(eq(questions.id, id), guard), changes)[0];
    },

    /**
     * A wave went out. A question waiting for its first or next wave becomes `offered`; one that nobody could be
     * offered, or that is escalated, keeps its status and only counts the wave.
     */
    recordWave(id: string, wave: { wave: number; flag: string | null; updatedAt: number; offered: boolean }) {
      const values = { id, wave: wave.wave, flag: wave.flag, updatedAt: wave.updatedAt };
      return wave.offered ? statements.offer.get(values) : statements.nextWave.get(values);
    },

    /** Changes that are not a status change (tags' flag, the time of a follow-up); `guard` narrows the row further. */
    touch(id: string, changes: QuestionChanges, guard?: SQL): QuestionRow | undefined {
      return db
        .update(questions)
        .set(changes)
        .where(and(eq(questions.id, id), guard))
        .returning()
        .get();
    },
  };
}
export type QuestionRepository = ReturnType<typeof createQuestionRepository>;
