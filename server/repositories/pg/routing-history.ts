// The routing history on PostgreSQL: the same reads as ../routing-history.ts, over db/pg/schema.ts. SQLite streams
// each part of the history from one statement; here each part is read a page at a time, keyset-paged in the same
// order, inside one REPEATABLE READ transaction, so every page sees the database as the first one did.
import { sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type {
  HistoryItem,
  HistorySnapshot,
  createRoutingHistoryRepository as sqliteHistory,
} from '../routing-history.js';

/** The rows a page holds: enough that the round trips do not count, few enough that a page's texts stay small. */
const PAGE = 1000;

type Reader = Pick<PgDb, 'execute'>;

const SNAPSHOT = { isolationLevel: 'repeatable read', accessMode: 'read only' } as const;

/**
 * The history, oldest first: manual tags in question id order, then answers in the order they were approved/posted
 * (ties by id, which follows creation as SQLite's rowid does). Tags within a list in code-point order, as SQLite's
 * primary key keeps them. Expert ids and tag lists repeat: one copy of each is kept.
 */
async function* history(reader: Reader): AsyncGenerator<HistoryItem> {
  const shared = new Map<string, string[]>();
  const tagList = (tags: string | null) => {
    if (!tags) return [];
    let list = shared.get(tags);
    if (!list) shared.set(tags, (list = tags.split(',')));
    return list;
  };
  const experts = new Map<string, string>();

  let question = '';
  for (;;) {
    // Grouped first, so each page reads question_tags in its key order from `question` on and stops; each text is then
    // looked up by id (a join here may be planned as a hash join, which reads every question for every page).
    const { rows } = await reader.execute<{ questionId: string; text: string; tags: string }>(
      sql`select g.question_id "questionId", (select q.text from questions q where q.id = g.question_id) text, g.tags
          from (select question_id, string_agg(slug, ',' order by slug collate "C") tags from question_tags
                where source = 'manual' and question_id > ${question}
                group by question_id order by question_id limit ${PAGE}) g
          order by g.question_id`,
    );
    for (const row of rows) yield { answer: false, text: row.text, tags: tagList(row.tags) };
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) break;
    question = last.questionId;
  }

  let after: { at: number; id: string } | undefined;
  for (;;) {
    const { rows } = await reader.execute<{
      id: string;
      expertId: string;
      text: string;
      tags: string | null;
      at: number;
    }>(
      sql`select r.id, r.author_id "expertId", q.text,
                 (select string_agg(slug, ',' order by slug collate "C") from question_tags where question_id = q.id) tags,
                 r.updated_at at
          from replies r join questions q on q.id = r.question_id
          where r.status in ('approved', 'posted')
            ${after ? sql`and (r.updated_at, r.id) > (${after.at}, ${after.id})` : sql``}
          order by r.updated_at, r.id limit ${PAGE}`,
    );
    for (const row of rows) {
      let expertId = experts.get(row.expertId);
      if (expertId === undefined) experts.set(row.expertId, (expertId = row.expertId));
      yield { answer: true, expertId, text: row.text, tags: tagList(row.tags), at: Number(row.at) };
    }
    const last = rows.at(-1);
    if (!last || rows.length < PAGE) break;
    after = { at: Number(last.at), id: last.id };
  }
}

export function createRoutingHistoryRepository(db: PgDb): ReturnType<typeof sqliteHistory> {
  return {
    read: {
      // A snapshot is a transaction on a connection of the pool's own, which every PostgreSQL database has.
      canSnapshot: true,

      async answerCount() {
        const { rows } = await db.execute<{ n: number }>(
          sql`select count(*) n from replies where status in ('approved', 'posted')`,
        );
        return Number(rows[0]?.n ?? 0);
      },

      async tagRules() {
        const { rows } = await db.execute<{ slug: string; keywords: string[] }>(sql`select slug, keywords from tags`);
        return rows.map((row) => ({ slug: row.slug, keywords: row.keywords }));
      },

      async visit(each: (item: HistoryItem) => void) {
        await db.transaction(async (tx) => {
          for await (const item of history(tx)) each(item);
        }, SNAPSHOT);
      },

      async snapshot(): Promise<HistorySnapshot> {
        let release!: () => void;
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        let transaction: Promise<void> = Promise.resolve();
        const items = await new Promise<AsyncGenerator<HistoryItem>>((resolve, reject) => {
          transaction = db.transaction(async (tx) => {
            // The snapshot is taken at the transaction's first query, so it is taken now, not at the first slice.
            await tx.execute(sql`select 1 from replies limit 1`);
            resolve(history(tx));
            await released;
          }, SNAPSHOT);
          transaction.catch(reject);
        });
        let open = true;
        return {
          async read(max) {
            const batch: HistoryItem[] = [];
            while (open && batch.length < max) {
              const row = await items.next();
              if (row.done) break;
              batch.push(row.value);
            }
            return batch;
          },
          async close() {
            if (!open) return;
            open = false;
            await items.return(undefined);
            release();
            await transaction.catch(() => undefined);
          },
        };
      },
    },
    write: {},
  };
}
