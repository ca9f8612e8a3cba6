// The growth history on PostgreSQL: every row of the SQLite history (history-db.ts) copied into a migrated database,
// so both engines are timed on the same questions, tags, replies and thank-yous. The copy is loaded with triggers and
// foreign-key checks off (session_replication_role = replica), then each question's search document is written in
// one statement, as search_refresh() would have, and the tables are vacuumed and analyzed, as autovacuum would have
// done by the time a database holds a million questions. That takes minutes, so the stopped cluster's data
// directory is kept beside the SQLite file (named after it, so a rebuilt history rebuilds it) and each run starts on
// a copy of it.
import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgres } from '../../db/pg/client.js';
import { saveCluster, startCluster, stopCluster } from '../postgres-cluster.js';
import { cacheDir, GENERATOR_VERSION, type HistoryDb, historyDb } from './history-db.js';

/** The database on the kept cluster that holds the history. */
export const HISTORY_DATABASE = 'history';
/** Each engine's own tables, and those the history leaves empty: nothing to copy. */
const NOT_COPIED = /^(search_|sqlite_|__drizzle|cluster_messages|rate_limits)/;
const BATCH = 5000;

export interface PgHistory {
  history: HistoryDb;
  /** A stopped cluster's data directory: start on a copy of it (startCluster's `from`). */
  dataDir: string;
  buildMs: number;
  cached: boolean;
}

export async function pgHistory(rows: number): Promise<PgHistory> {
  const history = await historyDb(rows);
  const dataDir = join(cacheDir(), `pg-history-v${GENERATOR_VERSION}-${rows}-${history.dataEndMs}`);
  if (existsSync(join(dataDir, 'PG_VERSION'))) return { history, dataDir, buildMs: 0, cached: true };
  const building = `${dataDir}.building`;
  rmSync(building, { recursive: true, force: true });
  const started = performance.now();
  // Loaded without fsync: the cluster is stopped cleanly before it is kept, and measured runs start durable.
  const cluster = await startCluster();
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    await admin.query(`create database ${HISTORY_DATABASE}`);
    await admin.end();
    const url = new URL(cluster.url);
    url.pathname = `/${HISTORY_DATABASE}`;
    await (await openPostgres(url.toString())).$client.end(); // the schema, by the committed migrations
    await copyHistory(history.path, url.toString());
    saveCluster(cluster, building);
  } catch (error) {
    stopCluster(cluster);
    throw error;
  }
  renameSync(building, dataDir);
  return { history, dataDir, buildMs: Math.round(performance.now() - started), cached: false };
}

const ARRAY_TYPES: Record<string, string> = {
  text: 'text[]',
  bigint: 'int8[]',
  integer: 'int4[]',
  'double precision': 'float8[]',
  boolean: 'bool[]',
  jsonb: 'jsonb[]',
};

async function copyHistory(sqlitePath: string, url: string): Promise<void> {
  const sqlite = new Database(sqlitePath, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set session_replication_role = replica');
    const { rows: columns } = await client.query<{ table_name: string; column_name: string; data_type: string }>(
      "select table_name, column_name, data_type from information_schema.columns where table_schema = 'public'",
    );
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table'").pluck().all() as string[];
    for (const table of tables) {
      if (NOT_COPIED.test(table)) continue;
      const pgColumns = columns.filter((c) => c.table_name === table);
      if (pgColumns.length === 0) throw new Error(`${table} is not in the PostgreSQL schema`);
      const names = pgColumns.map((c) => c.column_name);
      const types = pgColumns.map((c) => {
        const type = ARRAY_TYPES[c.data_type];
        if (!type) throw new Error(`${table}.${c.column_name}: no copy for ${c.data_type}`);
        return type;
      });
      const insert = `insert into ${table} (${names.join(', ')}) select * from unnest(${types
        .map((type, i) => `$${i + 1}::${type}`)
        .join(', ')})`;
      const read = sqlite.prepare(`select ${names.join(', ')} from ${table}`).raw();
      let batch: unknown[][] = names.map(() => []);
      let size = 0;
      const flush = async () => {
        if (size > 0) await client.query(insert, batch);
        batch = names.map(() => []);
        size = 0;
      };
      for (const row of read.iterate() as Iterable<unknown[]>) {
        row.forEach((value, i) => batch[i]!.push(types[i] === 'bool[]' && value !== null ? value === 1 : value));
        if (++size === BATCH) await flush();
      }
      await flush();
    }
    await client.query(
      "select setval(pg_get_serial_sequence('events', 'id'), coalesce(max(id), 0) + 1, false) from events",
    );
    // search_document() per question, set-based: the history has no follow-ups or notes, only texts and replies.
    await client.query(`insert into search_docs (question_id, doc)
      select q.id, to_tsvector('simple', search_words(q.text))
                || to_tsvector('simple', search_words(coalesce(r.texts, '')))
                || to_tsvector('simple', search_words(q.author_handle || ' ' || coalesce(q.author_name, '')))
        from questions q
        left join (select question_id, string_agg(text, ' ') texts from replies group by question_id) r
          on r.question_id = q.id`);
    await client.query('vacuum analyze');
  } finally {
    await client.end();
    sqlite.close();
  }
}
