// Whether PostgreSQL answers, for /health: the same read as ../health.ts.
import { sql } from 'drizzle-orm';
import type { PgDb } from '../../../db/pg/client.js';
import type { createHealthRepository as sqliteHealth } from '../health.js';

export function createHealthRepository(db: PgDb): ReturnType<typeof sqliteHealth> {
  return {
    read: {
      // Not postgresIsHealthy: it asks the pool (db.$client), which the repositories' handle does not expose.
      async databaseAnswers() {
        try {
          const { rows } = await db.execute(sql`select 1 as ok`);
          return rows.length === 1;
        } catch {
          return false;
        }
      },
    },
    write: {},
  };
}
