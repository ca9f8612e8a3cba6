// A store for @fastify/rate-limit that counts in PostgreSQL, so a limit holds across nodes: ten login tries a minute
// means ten whichever nodes the load balancer sends them to. Each count is one atomic upsert (a window that has ended
// starts again at one), so concurrent requests on several nodes never lose an increment.
import { lt, sql } from 'drizzle-orm';
import type { PgDb } from '../../db/pg/client.js';
import { rateLimits } from '../../db/pg/schema.js';
import { prepared } from '../repositories/pg/connection.js';

import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

/** Rows of windows that ended this long ago are deleted (no limit here is longer than an hour). */
const KEEP_MS = 60 * 60_000;

export function postgresRateLimitStore(db: PgDb): FastifyRateLimitStoreCtor {
  // Run on every limited request: prepared once.
  const ended = sql`${rateLimits.windowStart} + ${sql.placeholder('window')} <= ${sql.placeholder('now')}`;
  const increment = prepared(db, 'rate_limits_incr', (b) =>
    b
      .insert(rateLimits)
      .values({ key: sql.placeholder('key'), count: 1, windowStart: sql.placeholder('now') })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${ended} then 1 else ${rateLimits.count} + 1 end`,
          windowStart: sql`case when ${ended} then ${sql.placeholder('now')}::bigint else ${rateLimits.windowStart} end`,
        },
      })
      .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart }),
  );

  return class PostgresRateLimitStore implements FastifyRateLimitStore {
    constructor(
      _options: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      increment.execute({ key: this.prefix + key, now, window: timeWindow }).then(
        ([row]) => callback(null, { current: row?.count ?? 1, ttl: (row?.windowStart ?? now) + timeWindow - now }),
        (error: Error) => callback(error),
      );
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      db.select()
        .from(rateLimits)
        .where(sql`${rateLimits.key} = ${this.prefix + key}`)
        .then(
          ([row]) =>
            callback(
              null,
              !row || row.windowStart + timeWindow <= now
                ? { current: 0, ttl: 0 }
                : { current: row.count, ttl: row.windowStart + timeWindow - now },
            ),
          (error: Error) => callback(error),
        );
    }

    child(routeOptions: Parameters<FastifyRateLimitStore['child']>[0]) {
      const route = (routeOptions as { routeInfo?: { method?: string; url?: string } }).routeInfo;
      return new PostgresRateLimitStore(routeOptions, `${route?.method ?? ''} ${route?.url ?? routeOptions.path}|`);
    }
  };
}

/** Forgets counts of windows long over. */
export async function sweepRateLimits(db: PgDb, now: number): Promise<void> {
  await db.delete(rateLimits).where(lt(rateLimits.windowStart, now - KEEP_MS));
}
