// Internal notes on a question and hand-offs between experts. Notes never leave Helpforce (nothing here touches the
// outbox); a note that mentions "@Name" lets that person see the question and pings them live.
import type { NoteRow } from '../../db/schema.js';
import type { Note, QuestionSummary, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { resolveMentions } from '../domain/mentions.js';
import { forbidden, invalid } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import type { ReadRepositories } from '../repositories/index.js';
import { isManager, type QuestionAccess } from './question-access.js';
import type { QuestionService } from './questions.js';
import { iso } from './presenters.js';

interface Deps {
  data: Pick<ReadRepositories, 'notes'>;
  clock: Clock;
  uow: UnitOfWork;
  access: QuestionAccess;
  questions: Pick<QuestionService, 'assign'>;
}

export function createNoteService({ data, clock, uow, access, questions }: Deps) {
  /** Everyone the notes name: their authors and whoever they mention. */
  const peopleIn = (rows: NoteRow[]) => data.notes.namesOf(rows.flatMap((r) => [r.authorId, ...r.mentions]));

  const toNote = (r: NoteRow, people: Map<string, string>): Note => ({
    id: r.id,
    questionId: r.questionId,
    authorId: r.authorId,
    authorName: people.get(r.authorId) ?? 'someone',
    kind: r.kind,
    text: r.text,
    mentions: r.mentions.map((id) => ({ id, name: people.get(id) ?? 'someone' })),
    createdAt: iso(r.createdAt),
  });

  async function write(
    author: User,
    questionId: string,
    kind: NoteRow['kind'],
    text: string,
    notify: string[],
  ): Promise<Note> {
    const now = clock.now();
    const row = await uow.run(async (unit) => {
      const mentioned = text.includes('@') ? resolveMentions(text, await unit.notes.mentionable()) : [];
      const mentions = [...new Set([...notify, ...mentioned.map((p) => p.id)])];
      const recipients = mentions.filter((id) => id !== author.id);
      const inserted = await unit.notes.insert({
        id: newId(now),
        questionId,
        authorId: author.id,
        kind,
        text,
        mentions,
        createdAt: now,
      });
      await unit.auditLog.record({
        questionId,
        actorId: author.id,
        type: kind === 'handoff' ? 'question.handed_off' : 'note.added',
        at: now,
        data: { noteId: inserted.id, mentions },
      });
      if (recipients.length > 0) unit.emit('note.mention', { questionId, from: author.name, text, recipients });
      return inserted;
    });
    return toNote(row, await peopleIn([row]));
  }

  return {
    async list(user: User, questionId: string): Promise<Note[]> {
      await access.visible(user, questionId);
      const rows = await data.notes.forQuestion(questionId);
      const people = await peopleIn(rows);
      return rows.map((row) => toNote(row, people));
    },

    async add(user: User, questionId: string, text: string): Promise<Note> {
      await access.visible(user, questionId);
      return write(user, questionId, 'note', text, []);
    },

    /** The holder (or a manager) passes the question to another expert, with a note saying why. */
    async handoff(
      user: User,
      questionId: string,
      expertId: string,
      text: string,
    ): Promise<{ question: QuestionSummary; note: Note }> {
      const row = await access.visible(user, questionId);
      if (!isManager(user) && row.assigneeId !== user.id)
        throw forbidden('Only the expert holding this question, or a manager, can hand it off');
      if (row.assigneeId === expertId) throw invalid('same_expert', 'That expert already holds this question');
      // Passed on only while its author still holds it: a manager may have reassigned it since it was read.
      const question = await questions.assign(user, questionId, expertId, {
        holder: isManager(user) ? undefined : user.id,
      });
      return { question, note: await write(user, questionId, 'handoff', text, [expertId]) };
    },
  };
}
export type NoteService = ReturnType<typeof createNoteService>;
