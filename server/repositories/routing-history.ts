// What the routing model is replayed from at start (services/routing-model.ts): questions people tagged, and every
// answer that was approved or posted, oldest first; and the desk's keyword rules.
import Database from 'better-sqlite3';
import type { Db } from '../../db/client.js';

/** One step of the history: a question people tagged, or an answer. */
export type HistoryItem =
  | { answer: false; text: string; tags: readonly string[] }
  | { answer: true; expertId: string; text: string; tags: readonly string[]; at: number };

/** The history as it was when the snapshot began, whatever is written meanwhile. */
export interface HistorySnapshot {
  /** The next items, up to `max`; fewer once the history is read to its end. */
  read(max: number): Promise<HistoryItem[]>;
  /** Lets go of the snapshot (which holds back WAL checkpoints while it lasts). */
  close(): Promise<void>;
}

/**
 * The history, oldest first: manual tags, then answers in the order they were approved/posted. Both queries stream
 * (question_tags grouped in its key order; answers read from their own index): a background replay's first slice
 * does not wait for a sort of the whole history. Expert ids and tag lists repeat: one copy of each is kept.
 */
function* history(sqlite: Database.Database): Generator<HistoryItem> {
  const shared = new Map<string, string[]>();
  const tagList = (tags: string | null) => {
    if (!tags) return [];
    let list = shared.get(tags);
    if (!list) shared.set(tags, (list = tags.split(',')));
    return list;
  };
  const experts = new Map<string, string>();
  const tagged = sqlite.prepare<[], { text: string; tags: string }>(
    `select q.text text, group_concat(t.slug) tags from question_tags t join questions q on q.id = t.question_id
     where t.source = 'manual' group by t.question_id`,
  );
  for (const row of tagged.iterate()) yield { answer: false, text: row.text, tags: tagList(row.tags) };
  const answers = sqlite.prepare<[], { expertId: string; text: string; tags: string | null; at: number }>(
    `select r.author_id expertId, q.text text, (select group_concat(slug) from question_tags where question_id = q.id) tags, r.updated_at at
     from replies r indexed by replies_learned join questions q on q.id = r.question_id
     where r.status in ('approved', 'posted') order by r.updated_at`,
  );
  for (const row of answers.iterate()) {
    let expertId = experts.get(row.expertId);
    if (expertId === undefined) experts.set(row.expertId, (expertId = row.expertId));
    yield { answer: true, expertId, text: row.text, tags: tagList(row.tags), at: row.at };
  }
}

export function createRoutingHistoryRepository(db: Db) {
  const sqlite = db.$client;
  return {
    read: {
      /** An in-memory database has no second connection to take a snapshot on. */
      canSnapshot: !sqlite.memory,

      async answerCount(): Promise<number> {
        return (
          sqlite
            .prepare<[], { n: number }>("select count(*) n from replies where status in ('approved', 'posted')")
            .get()?.n ?? 0
        );
      },

      async tagRules(): Promise<{ slug: string; keywords: string[] }[]> {
        return sqlite
          .prepare<[], { slug: string; keywords: string }>('select slug, keywords from tags')
          .all()
          .map((row) => ({ slug: row.slug, keywords: JSON.parse(row.keywords) as string[] }));
      },

      /**
       * Visits the whole history in order, streamed on this connection: nothing else may use it in between, so the
       * visit is synchronous.
       */
      async visit(each: (item: HistoryItem) => void): Promise<void> {
        for (const item of history(sqlite)) each(item);
      },

      /**
       * A read transaction on a connection of its own: the history as it is now, whatever the server writes
       * meanwhile (WAL lets one writer and readers work side by side). Only where `canSnapshot`.
       */
      async snapshot(): Promise<HistorySnapshot> {
        if (sqlite.memory) throw new Error('an in-memory database has no snapshot to read from');
        const reader = new Database(sqlite.name, { readonly: true, fileMustExist: true });
        const items = history(reader);
        reader.exec('begin');
        // The snapshot is taken at the transaction's first read, so it is taken now, not at the first slice.
        reader.prepare('select 1 from replies limit 1').get();
        const close = () => {
          if (!reader.open) return;
          items.return(undefined);
          reader.close();
        };
        return {
          async read(max) {
            const batch: HistoryItem[] = [];
            if (!reader.open) return batch;
            while (batch.length < max) {
              const row = items.next();
              if (row.done) break;
              batch.push(row.value);
            }
            return batch;
          },
          async close() {
            close();
          },
        };
      },
    },
    write: {},
  };
}
