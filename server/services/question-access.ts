// Who may see a question: managers; its assignee; experts it was offered to or who replied to it; and anyone an
// internal note on it mentions (so a colleague called in with "@Jane" can open it).
import type { QuestionRow } from '../../db/schema.js';
import type { User } from '../contracts/api.js';
import { notFound } from '../errors.js';
import type { ReadRepositories } from '../repositories/index.js';

export const isManager = (user: User) => user.role === 'manager' || user.role === 'admin';

export function createQuestionAccess(data: Pick<ReadRepositories, 'questions' | 'offers' | 'replies'>) {
  async function canSee(user: User, row: QuestionRow): Promise<boolean> {
    if (isManager(user) || row.assigneeId === user.id) return true;
    return (
      (await data.offers.wasOffered(row.id, user.id)) ||
      (await data.replies.hasReplied(row.id, user.id)) ||
      (await data.questions.mentions(row.id, user.id))
    );
  }

  return {
    canSee,
    /** The question if the user may see it; a 404 otherwise, so its existence is not revealed either. */
    async visible(user: User, questionId: string): Promise<QuestionRow> {
      const row = await data.questions.byId(questionId);
      if (!row || !(await canSee(user, row))) throw notFound('Question');
      return row;
    },
  };
}
export type QuestionAccess = ReturnType<typeof createQuestionAccess>;
