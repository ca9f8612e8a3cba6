// The question table's writes that move a question through its lifecycle. `transition` is the only code that sets a
// question's status: it takes the target from the lifecycle table and guards the write with the statuses the action
// may start from, so a question changed by someone else in the meantime is left alone and the caller hears so.
import { and, eq, inArray, isNull, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { offers, questions, type QuestionRow } from '../../db/schema.js';
import { type QuestionAction, statusesFor, targetOf } from '../domain/lifecycle.js';

type QuestionColumns = Omit<typeof questions.$inferInsert, 'id' | 'status'>;
/** What a transition may change besides the status. */
export type QuestionChanges = { [K in keyof QuestionColumns]?: QuestionColumns[K] } & {
  updatedAt: number;
  /** Someone holds the question now: "no expert available" is no longer so, while a tagging flag still holds. */
  clearNoExpertFlag?: boolean;
  /** The time of the first answer, kept if the question already had one. */
  firstReplyAtUnlessSet?: number;
};

/** What else must hold of the row for the write to happen, besides the action's start statuses. */
export interface QuestionGuard {
  /** `null`: nobody holds it. */
  assigneeId?: string | null;
  flag?: string;
  status?: string;
  /** Asked before this time (ms). */
  receivedBy?: number;
  /** Claimed before this time (ms). */
  claimedBy?: number;
  notEscalated?: boolean;
  /** Not held as suspected spam (flag `spam`). */
  notFlagged?: string;
}

function guardSql(guard: QuestionGuard | undefined): SQL | undefined {
  if (!guard) return undefined;
  const conditions: (SQL | undefined)[] = [];
  if (guard.assigneeId === null) conditions.push(isNull(questions.assigneeId));
  else if (guard.assigneeId !== undefined) conditions.push(eq(questions.assigneeId, guard.assigneeId));
  if (guard.flag !== undefined) conditions.push(eq(questions.flag, guard.flag));
  if (guard.status !== undefined) conditions.push(eq(questions.status, guard.status));
  if (guard.receivedBy !== undefined) conditions.push(lte(questions.receivedAt, guard.receivedBy));
  if (guard.claimedBy !== undefined) conditions.push(lte(questions.claimedAt, guard.claimedBy));
  if (guard.notEscalated) conditions.push(isNull(questions.escalatedAt));
  if (guard.notFlagged !== undefined) conditions.push(sql`coalesce(${questions.flag}, '') <> ${guard.notFlagged}`);
  return and(...conditions);
}

function changesSql({ clearNoExpertFlag, firstReplyAtUnlessSet, ...values }: QuestionChanges) {
  const set: Record<string, unknown> = { ...values };
  if (clearNoExpertFlag) set.flag = sql`nullif(${questions.flag}, 'no-expert')`;
  if (firstReplyAtUnlessSet !== undefined)
    set.firstReplyAt = sql`coalesce(${questions.firstReplyAt}, ${firstReplyAtUnlessSet})`;
  return set as Partial<typeof questions.$inferInsert>;
}

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

  function transition(action: QuestionAction, where: SQL | undefined, changes: QuestionChanges): QuestionRow[] {
    return db
      .update(questions)
      .set({ ...changesSql(changes), status: targetOf(action) })
      .where(and(inArray(questions.status, statusesFor(action)), where))
      .returning()
      .all();
  }

  return {
    read: {
      async byId(id: string): Promise<QuestionRow | undefined> {
        return statements.byId.get({ id });
      },
    },
    write: {
      /**
       * Moves every question that `action` may start from and that matches `guard` to the action's target status.
       * Returns the rows changed: none when the guard held them back.
       */
      async transition(action: QuestionAction, guard: QuestionGuard, changes: QuestionChanges): Promise<QuestionRow[]> {
        return transition(action, guardSql(guard), changes);
      },

      /**
       * Moves the questions `action` may start from that have no open offer left (every offer of their wave was
       * declined or has expired) to the action's target.
       */
      async transitionWithoutOpenOffers(action: QuestionAction, changes: QuestionChanges): Promise<QuestionRow[]> {
        return transition(
          action,
          sql`not exists (select 1 from ${offers} where ${offers.questionId} = ${questions.id} and ${offers.state} = 'open')`,
          changes,
        );
      },

      /** `transition` for one question; undefined when it is not in a status the action may start from. */
      async transitionOne(
        action: QuestionAction,
        id: string,
        changes: QuestionChanges,
        guard?: QuestionGuard,
      ): Promise<QuestionRow | undefined> {
        return transition(action, and(eq(questions.id, id), guardSql(guard)), changes)[0];
      },

      /**
       * A wave went out. A question waiting for its first or next wave becomes `offered`; one that nobody could be
       * offered, or that is escalated, keeps its status and only counts the wave.
       */
      async recordWave(
        id: string,
        wave: { wave: number; flag: string | null; updatedAt: number; offered: boolean },
      ): Promise<QuestionRow | undefined> {
        const values = { id, wave: wave.wave, flag: wave.flag, updatedAt: wave.updatedAt };
        return wave.offered ? statements.offer.get(values) : statements.nextWave.get(values);
      },

      /** Changes that are not a status change (tags' flag, the time of a follow-up); `guard` narrows the row further. */
      async touch(id: string, changes: QuestionChanges, guard?: QuestionGuard): Promise<QuestionRow | undefined> {
        return db
          .update(questions)
          .set(changesSql(changes))
          .where(and(eq(questions.id, id), guardSql(guard)))
          .returning()
          .get();
      },
    },
  };
}
export type QuestionRepository = ReturnType<typeof createQuestionRepository>;
