// Database growth: the manager's queue and the metrics queries on a database holding a large history, timed over
// HTTP against the real server (sequential requests, after one warm-up each).
import { constants, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppServerOptions, AppServerReady, GcStats } from './app-server.js';
import { startChild } from './child.js';
import type { BenchContext } from './context.js';
import { type HistoryDb, historyDb } from './history-db.js';
import type { TimedPath } from './http-timer.js';
import { createAgent, request } from './http.js';
import { distribution, type Distribution } from './stats.js';

export const QUEUE_PATH = '/api/questions?status=new,offered,claimed,escalated,in_review&limit=50';
/** The metrics page asks for the 25 experts who answered most; the whole list (every expert) is the CSV export's. */
export const DASHBOARD_EXPERTS = 25;
/** The metrics page also loads the insight digest and recognition (its top 15): seconds each here, timed a few times. */
const DIGEST_REQUESTS = 2;
/** Experts in the page's recognition table (web/src/views/insights.ts). */
const RECOGNIZED_EXPERTS = 15;

export interface DbGrowthResult {
  questions: number;
  replies: number;
  cachedDatabase: boolean;
  buildMs: number;
  startupMs: number;
  peakRssMb: number;
  queueMs: Distribution;
  metrics7dMs: Distribution;
  metrics30dMs: Distribution;
  /** The same windows as the metrics page loads them (top experts only); the two above are the full export. */
  dashboard7dMs: Distribution;
  dashboard30dMs: Distribution;
  [extra: string]: unknown;
}

export async function runDbGrowth(ctx: BenchContext): Promise<DbGrowthResult> {
  console.error(`  db: preparing ${ctx.flags.dbRows.toLocaleString('en-US')} stored questions…`);
  const history = await historyDb(ctx.flags.dbRows);
  console.error(
    `  db: ${history.cached ? 'cached' : `built in ${Math.round(history.buildMs / 1000)} s`}; starting the server on it…`,
  );
  // A copy per run: the server's own ticks (escalations, releases) would otherwise change the cached history.
  const databasePath = join(ctx.dir, 'history.db');
  copyFileSync(history.path, databasePath, constants.COPYFILE_FICLONE);
  return timeHistory(ctx, history, { databasePath }, 'app-history');
}

/**
 * Starts the real server on a copy of the history (`database`: a SQLite file, or PostgreSQL by `databaseUrl`) and
 * times the manager's reads on it.
 */
export async function timeHistory(
  ctx: BenchContext,
  history: HistoryDb,
  database: Pick<AppServerOptions, 'databasePath' | 'databaseUrl'>,
  logName: string,
): Promise<DbGrowthResult> {
  const options: AppServerOptions = {
    ...database,
    pollMs: 1000,
    experts: 0,
    online: 0,
    learnedAnswers: 0,
    maxOffersPerHour: 20,
    // The app's clock runs from the moment the data ends, so its default 7-day window is the data's last 7 days.
    clockOffsetMs: history.dataEndMs - Date.now(),
  };
  const app = await startChild<AppServerReady>('./app-server.ts', options, {
    logFile: ctx.logFile(logName),
    cpuProfileDir: ctx.cpuProfileDir,
  });
  const timer = await startChild<object>('./http-timer.ts', {}, { logFile: ctx.logFile('http-timer') }).catch(
    async (error: unknown) => {
      await app.stop();
      throw error;
    },
  );
  try {
    const headers = { authorization: `Bearer ${app.ready.token}` };
    const to = new Date(history.dataEndMs).toISOString();
    const from30 = new Date(history.dataEndMs - 30 * 24 * 3600_000).toISOString();
    // The first request of each kind is reported on its own (it fills the metrics' hour cache); p50/p99 are the rest.
    const time = async (path: string, requests = ctx.flags.dbRequests) => {
      const route = path.split('?')[0]!;
      await app.call('serverTimes', { route });
      const timed = await timer.call<TimedPath>('time', { url: `${app.ready.url}${path}`, headers, requests });
      if (timed.firstStatus !== 200)
        throw new Error(`GET ${path}: ${timed.firstStatus} ${timed.firstBody.slice(0, 200)}`);
      const server = (await app.call<number[]>('serverTimes', { route })).slice(1); // the first is reported on its own
      return {
        ms: distribution(timed.ms),
        raw: timed.ms,
        serverMs: distribution(server),
        body: timed.firstBody,
        firstMs: timed.firstMs,
      };
    };
    const queue = await time(QUEUE_PATH);
    const metrics7 = await time('/api/metrics');
    const metrics30 = await time(`/api/metrics?from=${encodeURIComponent(from30)}&to=${encodeURIComponent(to)}`);
    const dashboard7 = await time(`/api/metrics?experts=${DASHBOARD_EXPERTS}`);
    const dashboard30 = await time(
      `/api/metrics?from=${encodeURIComponent(from30)}&to=${encodeURIComponent(to)}&experts=${DASHBOARD_EXPERTS}`,
    );
    const week = `from=${encodeURIComponent(new Date(history.dataEndMs - 7 * 24 * 3600_000).toISOString())}&to=${encodeURIComponent(to)}`;
    const digest7 = await time(`/api/insights?${week}`, DIGEST_REQUESTS);
    const recognition7 = await time(`/api/recognition?${week}&experts=${RECOGNIZED_EXPERTS}`, DIGEST_REQUESTS);
    // The digest runs on the server's analytics thread: the queue, timed while a 30-day digest is being computed.
    const agent = createAgent(1);
    let digestDoneAt = Infinity;
    const digest30 = request(
      agent,
      `${app.ready.url}/api/insights?from=${encodeURIComponent(from30)}&to=${encodeURIComponent(to)}`,
      { method: 'GET', headers },
    ).then((done) => {
      digestDoneAt = performance.now();
      return done;
    });
    const queueDuringDigest = await time(QUEUE_PATH);
    const queueDoneAt = performance.now();
    const digest30Done = await digest30;
    agent.destroy();
    if (digest30Done.status !== 200) throw new Error(`GET /api/insights (30 d): ${digest30Done.status}`);
    const stats = await app.call<{ peakRssMb: number; gc: GcStats }>('stats');
    const total7 = (JSON.parse(metrics7.body) as { total: number }).total;
    const total30 = (JSON.parse(metrics30.body) as { total: number }).total;
    return {
      questions: history.rows,
      replies: history.replies,
      cachedDatabase: history.cached,
      buildMs: history.buildMs,
      startupMs: Math.round(app.ready.startupMs),
      routingReadyMs: Math.round(app.ready.routingReadyMs),
      answersIndexedMs: Math.round(app.ready.answersIndexedMs),
      metricsWarmMs: Math.round(app.ready.metricsWarmMs),
      peakRssMb: stats.peakRssMb,
      serverGc: stats.gc,
      requests: ctx.flags.dbRequests,
      queueMs: queue.ms,
      serverMs: {
        queue: queue.serverMs,
        metrics7d: metrics7.serverMs,
        metrics30d: metrics30.serverMs,
        dashboard7d: dashboard7.serverMs,
        dashboard30d: dashboard30.serverMs,
      },
      queueItems: (JSON.parse(queue.body) as { items: unknown[] }).items.length,
      metrics7dMs: metrics7.ms,
      questionsIn7d: total7,
      metrics30dMs: metrics30.ms,
      questionsIn30d: total30,
      dashboard7dMs: dashboard7.ms,
      dashboard30dMs: dashboard30.ms,
      digest7dMs: [digest7.firstMs, ...digest7.raw].map(Math.round),
      recognition7dMs: [recognition7.firstMs, ...recognition7.raw].map(Math.round),
      digest30dMs: Math.round(digest30Done.ms),
      queueDuringDigestMs: queueDuringDigest.ms,
      // Whether the queue was really timed during the digest: at toy sizes the digest can end first.
      digestOutlastedQueue: digestDoneAt > queueDoneAt,
      metricsBytes: {
        full7d: metrics7.body.length,
        full30d: metrics30.body.length,
        dashboard7d: dashboard7.body.length,
        dashboard30d: dashboard30.body.length,
      },
      firstQueueMs: queue.firstMs,
      firstMetrics7dMs: metrics7.firstMs,
      firstMetrics30dMs: metrics30.firstMs,
    };
  } finally {
    await timer.stop();
    await app.stop();
  }
}
