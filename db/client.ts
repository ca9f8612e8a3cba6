// Opens the SQLite file, tunes it for a single-writer server, and applies the committed drizzle-kit migrations.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.js';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // A savepoint (one per question in a group commit) journals the pages it changes so it can roll back alone; with the
  // default temp_store that journal is a temporary file written for every ingested question
  // (docs/architecture.md#why-some-rules-are-so).
  sqlite.pragma('temp_store = MEMORY');
  reusePreparedStatements(sqlite);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder });
  // Transactions start with BEGIN IMMEDIATE, taking the write lock up front. A deferred one reads first and then
  // upgrades to a writer; if another connection holds the write lock at that moment SQLite returns SQLITE_BUSY at
  // once, without waiting for busy_timeout (an upgrade that waited could deadlock). Our transactions all write.
  const deferred = db.transaction.bind(db);
  db.transaction = ((work, config) => deferred(work, { behavior: 'immediate', ...config })) as Db['transaction'];
  return db;
}

/**
 * drizzle asks better-sqlite3 to prepare every query it runs, and SQLite parses and plans each one anew: a large share
 * of an ingest's CPU (docs/architecture.md#why-some-rules-are-so). The query builders produce the same SQL text each
 * time, so one prepared statement per text is kept and reset to its default modes before reuse. A statement that is
 * mid-iteration is never handed out twice.
 */
function reusePreparedStatements(sqlite: Database.Database, limit = 2000) {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const cached = cache.get(source);
    if (cached && !cached.busy) return cached.reader ? cached.raw(false).pluck(false).expand(false) : cached;
    const statement = prepare(source);
    if (!cached && cache.size < limit) cache.set(source, statement);
    return statement;
  }) as Database.Database['prepare'];
}

export function databaseIsHealthy(db: Db): boolean {
  try {
    return db.$client.prepare('select 1 as ok').get() !== undefined;
  } catch {
    return false;
  }
}
