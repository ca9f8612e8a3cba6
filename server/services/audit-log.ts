import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { events } from '../../db/schema.js';

export interface AuditEntry {
  questionId?: string | null;
  actorId?: string | null;
  type: string;
  data?: Record<string, unknown>;
  at: number;
}

type EventWriter = Pick<Db, 'insert'>;

// Every state change writes an event, so the insert is built once per connection (a transaction handle gets its own).
const insertEvent = (db: EventWriter) =>
  db
    .insert(events)
    .values({
      questionId: sql.placeholder('questionId'),
      actorId: sql.placeholder('actorId'),
      type: sql.placeholder('type'),
      data: sql.placeholder('data'),
      at: sql.placeholder('at'),
    })
    .prepare();
const prepared = new WeakMap<EventWriter, ReturnType<typeof insertEvent>>();

/** Appends to the audit log; call inside the transaction that made the change, so the log never disagrees with it. */
export function recordEvent(db: EventWriter, entry: AuditEntry) {
  let statement = prepared.get(db);
  if (!statement) prepared.set(db, (statement = insertEvent(db)));
  statement.run({
    questionId: entry.questionId ?? null,
    actorId: entry.actorId ?? null,
    type: entry.type,
    data: entry.data ?? {},
    at: entry.at,
  });
}

/** Realtime messages are queued while a transaction runs and sent once it has committed. */
export type Notice = () => void;
export const flush = (notices: Notice[]) => {
  for (const notice of notices) notice();
};
