// A store for @fastify/rate-limit that counts in PostgreSQL, so a limit holds across nodes: ten login tries a minute
// means ten whichever nodes the load balancer sends them to. Each write is one atomic upsert (a window that has ended
// starts again), so concurrent requests on several nodes never lose an increment.
//
// A small limit (logins: 10 a minute) is counted in the database at every request: it must be exact. A large one
// (ingest: 600 a minute by default) is a guard against a runaway client, and a round trip before every question was
// the largest avoidable cost of the two-node ingest (docs/benchmarks.md): each node counts it in memory and writes what
// it counted every SHARE_WRITE_MS or every 1/SHARE_BATCH_DIVISOR of the limit, whichever comes first, reading the
// others' count back with each write. A client spread over N nodes may so pass the limit by what the other nodes
// counted since their last write returned (a hundredth of the limit, or 100 ms, plus what arrives during one round
// trip); no count is lost.
import { lt, sql } from 'drizzle-orm';
import type { PgDb } from '../../db/pg/client.js';
import { rateLimits } from '../../db/pg/schema.js';
import { prepared } from '../repositories/pg/connection.js';

import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';

type Result = { current: number; ttl: number };
type Callback = (error: Error | null, result?: Result) => void;

/** Rows of windows that ended this long ago are deleted (no limit here is longer than an hour). */
const KEEP_MS = 60 * 60_000;

/** Limits below this are counted in the database at every request. */
export const EXACT_BELOW = 100;
const SHARE_WRITE_MS = 100;
const SHARE_BATCH_DIVISOR = 100;

interface Share {
  windowStart: number;
  /** The count in the database at this node's last write, its own writes included. */
  known: number;
  /** Counted here since then. */
  pending: number;
  writing: Promise<void> | null;
  /** The first write of this node's window, which the requests arriving meanwhile wait for. */
  opening: Promise<void> | null;
}

export function postgresRateLimitStore(db: PgDb): FastifyRateLimitStoreCtor {
  // Run on every limited request or batch: prepared once.
  const ended = sql`${rateLimits.windowStart} + ${sql.placeholder('window')} <= ${sql.placeholder('now')}`;
  const add = prepared(db, 'rate_limits_add', (b) =>
    b
      .insert(rateLimits)
      .values({ key: sql.placeholder('key'), count: sql.placeholder('delta'), windowStart: sql.placeholder('now') })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${ended} then ${sql.placeholder('delta')}::integer else ${rateLimits.count} + ${sql.placeholder('delta')}::integer end`,
          windowStart: sql`case when ${ended} then ${sql.placeholder('now')}::bigint else ${rateLimits.windowStart} end`,
        },
      })
      .returning({ count: rateLimits.count, windowStart: rateLimits.windowStart }),
  );
  const addNow = async (key: string, delta: number, window: number) => {
    const now = Date.now();
    const [row] = await add.execute({ key, delta, now, window });
    return { count: row?.count ?? delta, windowStart: row?.windowStart ?? now };
  };

  return class PostgresRateLimitStore implements FastifyRateLimitStore {
    private readonly shares = new Map<string, Share>();
    private timer: NodeJS.Timeout | null = null;

    constructor(
      _options: unknown,
      private readonly prefix = '',
    ) {}

    incr(key: string, callback: Callback, timeWindow: number, max: number): void {
      const full = this.prefix + key;
      if (!(max >= EXACT_BELOW)) {
        addNow(full, 1, timeWindow).then(
          ({ count, windowStart }) => callback(null, { current: count, ttl: windowStart + timeWindow - Date.now() }),
          (error: Error) => callback(error),
        );
        return;
      }
      this.share(full, timeWindow).then((share) => {
        share.pending++;
        const current = share.known + share.pending;
        if (share.pending >= Math.max(1, Math.floor(max / SHARE_BATCH_DIVISOR))) this.write(full, share, timeWindow);
        else this.writeSoon(timeWindow);
        callback(null, { current, ttl: share.windowStart + timeWindow - Date.now() });
      }, callback);
    }

    /** This node's count of the key's current window; the window's first request here reads the others' count. */
    private async share(key: string, timeWindow: number): Promise<Share> {
      let share = this.shares.get(key);
      if (share && share.windowStart + timeWindow <= Date.now() && !share.opening) {
        this.shares.delete(key); // what it still counted belongs to a window that has ended
        share = undefined;
      }
      if (!share) {
        const opened: Share = { windowStart: Date.now(), known: 0, pending: 0, writing: null, opening: null };
        opened.opening = addNow(key, 0, timeWindow).then(
          ({ count, windowStart }) => {
            opened.known = count;
            opened.windowStart = windowStart;
            opened.opening = null;
          },
          (error: Error) => {
            this.shares.delete(key);
            throw error;
          },
        );
        this.shares.set(key, (share = opened));
      }
      if (share.opening) await share.opening;
      return share;
    }

    /** Writes what this node counted and reads back the count of every node. */
    private write(key: string, share: Share, timeWindow: number): void {
      if (share.writing || share.pending === 0) return;
      const delta = share.pending;
      share.pending = 0;
      share.writing = addNow(key, delta, timeWindow).then(
        ({ count, windowStart }) => {
          share.writing = null;
          if (windowStart !== share.windowStart)
            this.shares.delete(key); // the window ended meanwhile
          else share.known = count;
        },
        () => {
          share.writing = null;
          share.pending += delta; // tried again with the next write
        },
      );
    }

    /** One timer for the route: every share with counts not yet written is written; ended windows are forgotten. */
    private writeSoon(timeWindow: number): void {
      if (this.timer) return;
      this.timer = setTimeout(() => {
        this.timer = null;
        const now = Date.now();
        for (const [key, share] of this.shares) {
          if (share.opening) continue;
          if (share.windowStart + timeWindow <= now) this.shares.delete(key);
          else this.write(key, share, timeWindow);
        }
        if ([...this.shares.values()].some((share) => share.pending > 0)) this.writeSoon(timeWindow);
      }, SHARE_WRITE_MS);
      this.timer.unref();
    }

    read(key: string, callback: Callback, timeWindow: number): void {
      const now = Date.now();
      const share = this.shares.get(this.prefix + key);
      db.select()
        .from(rateLimits)
        .where(sql`${rateLimits.key} = ${this.prefix + key}`)
        .then(
          ([row]) =>
            callback(
              null,
              !row || row.windowStart + timeWindow <= now
                ? { current: 0, ttl: 0 }
                : {
                    current: row.count + (share?.windowStart === row.windowStart ? share.pending : 0),
                    ttl: row.windowStart + timeWindow - now,
                  },
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
