// Opens PostgreSQL (DATABASE_URL) through a connection pool, and applies the committed drizzle-kit migrations under an
// advisory lock, so that nodes starting together migrate once and the others wait for it to finish.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from './schema.js';

export type PgDb = NodePgDatabase<typeof schema> & { $client: pg.Pool };

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** Advisory lock keys: one 64-bit number per purpose, the same on every node. */
export const LOCKS = { migrate: 0x4846_0001, leader: 0x4846_0002 } as const;

// node-postgres returns bigint and numeric as strings, as they may not fit a double. Ours are milliseconds, counts and
// sums of them, far below 2^53, and the repositories (written for SQLite, which returns numbers) compare them as numbers.
// The parsers are set on pg's global registry because drizzle passes its own per query, which fall back to that one.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

export interface PostgresOptions {
  /** Connections in this node's pool. */
  poolSize?: number;
  /** Shown in pg_stat_activity, so an operator can tell the nodes' connections apart. */
  applicationName?: string;
}

export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<PgDb> {
  const db = connectPostgres(url, options);
  try {
    await migrateOnce(db.$client);
  } catch (error) {
    await db.$client.end();
    throw error;
  }
  return db;
}

/** A pool on a database already migrated (by openPostgres, in the server that started this connection's user). */
export function connectPostgres(url: string, options: PostgresOptions = {}): PgDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'helpforce',
  });
  // An idle connection the server drops (a restart, a failover) is an error event on the pool: without a listener
  // it would crash the process; the pool replaces the connection on the next query.
  pool.on('error', () => undefined);
  // So is one dropped while a unit of work holds it (the pool listens only to idle ones): the unit's next query
  // fails instead, the unit with it, and the pool closes the connection when the unit hands it back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return drizzle(pool, { schema }) as PgDb;
}

async function migrateOnce(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [LOCKS.migrate]);
    try {
      await migrate(drizzle(client, { schema }), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCKS.migrate]);
    }
  } finally {
    client.release();
  }
}

export async function postgresIsHealthy(db: PgDb): Promise<boolean> {
  try {
    const result = await db.$client.query('select 1 as ok');
    return result.rows.length === 1;
  } catch {
    return false;
  }
}
