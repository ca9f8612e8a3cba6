// Database growth on PostgreSQL: the `db` section's history and requests, with the server on a throwaway PostgreSQL
// server (fsync on, as in use) started on a copy of the kept, loaded cluster (pg-history.ts).
import { startCluster, stopCluster } from '../postgres-cluster.js';
import type { BenchContext } from './context.js';
import { type DbGrowthResult, timeHistory } from './db-growth.js';
import { HISTORY_DATABASE, pgHistory } from './pg-history.js';

export interface PgDbGrowthResult extends DbGrowthResult {
  /** Copying the SQLite history into PostgreSQL (0 when the kept cluster was used). */
  pgBuildMs: number;
  pgCached: boolean;
}

export async function runPgDbGrowth(ctx: BenchContext): Promise<PgDbGrowthResult> {
  console.error(`  postgres-db: preparing ${ctx.flags.dbRows.toLocaleString('en-US')} stored questions…`);
  const loaded = await pgHistory(ctx.flags.dbRows);
  console.error(
    `  postgres-db: ${loaded.cached ? 'cached' : `copied in ${Math.round(loaded.buildMs / 1000)} s`}; starting PostgreSQL and the server on it…`,
  );
  const cluster = await startCluster({ durable: true, from: loaded.dataDir });
  try {
    const url = new URL(cluster.url);
    url.pathname = `/${HISTORY_DATABASE}`;
    const result = await timeHistory(
      ctx,
      loaded.history,
      { databasePath: `${ctx.dir}/unused.db`, databaseUrl: url.toString() },
      'app-history-pg',
    );
    return { ...result, pgBuildMs: loaded.buildMs, pgCached: loaded.cached };
  } finally {
    stopCluster(cluster);
  }
}
