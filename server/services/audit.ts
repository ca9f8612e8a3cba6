import type { Db } from '../../db/client.js';
import { events } from '../../db/schema.js';

export interface AuditEntry { questionId?: string | null; actorId?: string | null; type: string; data?: Record<string, unknown>; at: number }

/** Appends to the audit log; call inside the transaction that made the change, so the log never disagrees with it. */
export function recordEvent(db: Pick<Db, 'insert'>, entry: AuditEntry) {
  db.insert(events).values({ questionId: entry.questionId ?? null, actorId: entry.actorId ?? null, type: entry.type, data: entry.data ?? {}, at: entry.at }).run();
}

/** Realtime messages are queued while a transaction runs and sent once it has committed. */
export type Notice = () => void;
export const flush = (notices: Notice[]) => { for (const notice of notices) notice(); };
