// Who may see a question: managers; its assignee; experts it was offered to or who replied to it; and anyone an
// internal note on it mentions (so a colleague called in with "@Jane" can open it). The question service's own
// `canSee` checks the first four and calls `isMentionedOn` for the last.
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notes, offers, questions, replies, type QuestionRow } from '../../db/schema.js';
import type { User } from '../contracts/api.js';
import { notFound } from '../errors.js';

export const isManager = (user: User) => user.role === 'manager' || user.role === 'admin';

/** A note's condition: it names the user. */
const namesUser = (userId: string) => sql`exists (select 1 from json_each(${notes.mentions}) where value = ${userId})`;

export function isMentionedOn(db: Pick<Db, 'select'>, questionId: string, userId: string): boolean {
  return !!db
    .select({ id: notes.id })
    .from(notes)
    .where(and(eq(notes.questionId, questionId), namesUser(userId)))
    .get();
}

/** The ids of the questions a note names the user on, as a subquery (an expert's list includes them). */
export function mentionedQuestionIds(db: Pick<Db, 'select'>, userId: string) {
  return db.select({ id: notes.questionId }).from(notes).where(namesUser(userId));
}

export function createQuestionAccess(db: Db) {
  function canSee(user: User, row: QuestionRow): boolean {
    if (isManager(user) || row.assigneeId === user.id) return true;
    // A question has a few offers, an expert hundreds: the unary + keeps SQLite on the question's offers.
    if (
      db
        .select({ id: offers.id })
        .from(offers)
        .where(and(eq(offers.questionId, row.id), sql`+${offers.expertId} = ${user.id}`))
        .get()
    )
      return true;
    if (
      db
        .select({ id: replies.id })
        .from(replies)
        .where(and(eq(replies.questionId, row.id), eq(replies.authorId, user.id)))
        .get()
    )
      return true;
    return isMentionedOn(db, row.id, user.id);
  }

  return {
    canSee,
    /** The question if the user may see it; a 404 otherwise, so its existence is not revealed either. */
    visible(user: User, questionId: string): QuestionRow {
      const row = db.select().from(questions).where(eq(questions.id, questionId)).get();
      if (!row || !canSee(user, row)) throw notFound('Question');
      return row;
    },
  };
}
export type QuestionAccess = ReturnType<typeof createQuestionAccess>;
