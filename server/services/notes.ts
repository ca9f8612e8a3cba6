// Internal notes on a question and hand-offs between experts. Notes never leave Helpforce (nothing here touches the
// outbox); a note that mentions "@Name" lets that person see the question and pings them live.
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { notes, users, type NoteRow } from '../../db/schema.js';
import type { Note, QuestionSummary, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { newId } from '../domain/ids.js';
import { resolveMentions } from '../domain/mentions.js';
import { forbidden, invalid } from '../errors.js';
import type { UnitOfWork } from '../events/unit-of-work.js';
import { recordEvent } from './audit-log.js';
import { isManager, type QuestionAccess } from './question-access.js';
import type { QuestionService } from './questions.js';
import { iso } from './presenters.js';

interface Deps {
  db: Db;
  clock: Clock;
  uow: UnitOfWork;
  access: QuestionAccess;
  questions: Pick<QuestionService, 'assign'>;
}

export function createNoteService({ db, clock, uow, access, questions }: Deps) {
  function names(ids: string[]): Map<string, string> {
    if (ids.length === 0) return new Map();
    return new Map(
      db
        .select({ id: users.id, name: users.name })
        .from(users)
        .where(inArray(users.id, [...new Set(ids)]))
        .all()
        .map((u) => [u.id, u.name]),
    );
  }

  function toNotes(rows: NoteRow[]): Note[] {
    const people = names(rows.flatMap((r) => [r.authorId, ...r.mentions]));
    return rows.map((r) => ({
      id: r.id,
      questionId: r.questionId,
      authorId: r.authorId,
      authorName: people.get(r.authorId) ?? 'someone',
      kind: r.kind,
      text: r.text,
      mentions: r.mentions.map((id) => ({ id, name: people.get(id) ?? 'someone' })),
      createdAt: iso(r.createdAt),
    }));
  }

  function mentionedIn(text: string): string[] {
    if (!text.includes('@')) return [];
    const people = db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(eq(users.active, true))
      .all();
    return resolveMentions(text, people).map((p) => p.id);
  }

  function write(author: User, questionId: string, kind: NoteRow['kind'], text: string, notify: string[]): Note {
    const now = clock.now();
    const mentions = [...new Set([...notify, ...mentionedIn(text)])];
    const recipients = mentions.filter((id) => id !== author.id);
    const row = uow.run((emit) => {
      const inserted = db
        .insert(notes)
        .values({ id: newId(now), questionId, authorId: author.id, kind, text, mentions, createdAt: now })
        .returning()
        .get();
      recordEvent(db, {
        questionId,
        actorId: author.id,
        type: kind === 'handoff' ? 'question.handed_off' : 'note.added',
        at: now,
        data: { noteId: inserted.id, mentions },
      });
      if (recipients.length > 0) emit('note.mention', { questionId, from: author.name, text, recipients });
      return inserted;
    });
    return toNotes([row])[0]!;
  }

  return {
    list(user: User, questionId: string): Note[] {
      access.visible(user, questionId);
      return toNotes(
        db
          .select()
          .from(notes)
          .where(eq(notes.questionId, questionId))
          .orderBy(asc(notes.createdAt), asc(notes.id))
          .all(),
      );
    },

    add(user: User, questionId: string, text: string): Note {
      access.visible(user, questionId);
      return write(user, questionId, 'note', text, []);
    },

    /** The holder (or a manager) passes the question to another expert, with a note saying why. */
    handoff(user: User, questionId: string, expertId: string, text: string): { question: QuestionSummary; note: Note } {
      const row = access.visible(user, questionId);
      if (!isManager(user) && row.assigneeId !== user.id)
        throw forbidden('Only the expert holding this question, or a manager, can hand it off');
      if (row.assigneeId === expertId) throw invalid('same_expert', 'That expert already holds this question');
      const question = questions.assign(user, questionId, expertId);
      return { question, note: write(user, questionId, 'handoff', text, [expertId]) };
    },
  };
}
export type NoteService = ReturnType<typeof createNoteService>;
