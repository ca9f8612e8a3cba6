// Two Helpforce nodes on one PostgreSQL server, as several nodes run behind a load balancer: the same steady ingest
// as the `ingest` section, sent to node A, with the connected experts spread over both nodes, so half the offers
// cross from A to B over LISTEN/NOTIFY. PostgreSQL is a throwaway server started here, with fsync on, as in use.
import pg from 'pg';
import { startCluster, stopCluster } from '../postgres-cluster.js';
import type { AppEnv, ServerStats, WindowUse } from './app-env.js';
import { BENCH_MAX_OFFERS_PER_HOUR } from './app-env.js';
import type { AppServerOptions, AppServerReady, ServerWindow } from './app-server.js';
import { startChild } from './child.js';
import type { BenchContext } from './context.js';
import { httpAtRate, httpClosedLoop, type IngestRun, warmUp } from './ingest.js';
import type { Reference } from './reference.js';
import { connectExperts, createOfferTracker } from './live-experts.js';
import { waitFor } from './stats.js';

export interface PgNodesResult {
  nodes: number;
  experts: number;
  online: { a: number; b: number };
  steady: IngestRun;
  /** As many questions as 10 connections get answered into node A, with the bare reference measured around it. */
  closedLoop: IngestRun;
  /** Offers delivered to sockets on node B (ingested on A). */
  crossNodeOffers: number;
  peakRssMb: { a: number; b: number };
}

export async function runPgNodes(ctx: BenchContext, reference?: Reference): Promise<PgNodesResult> {
  const cluster = await startCluster({ durable: true });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database bench');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/bench';
  const base: AppServerOptions = {
    databasePath: `${ctx.dir}/unused.db`,
    databaseUrl: url.toString(),
    pollMs: ctx.flags.pollMs,
    experts: ctx.flags.experts,
    online: ctx.flags.online,
    learnedAnswers: ctx.flags.experts,
    maxOffersPerHour: BENCH_MAX_OFFERS_PER_HOUR,
    quietWaves: true,
  };
  try {
    // A seeds the roster; B starts once it is there and reads it at start, as a node joining a running cluster does.
    const a = await startChild<AppServerReady>(
      './app-server.ts',
      { ...base, nodeId: 'bench-a' },
      {
        logFile: ctx.logFile('pg-node-a'),
        cpuProfileDir: ctx.cpuProfileDir,
      },
    );
    const b = await startChild<AppServerReady>(
      './app-server.ts',
      { ...base, nodeId: 'bench-b', experts: 0, online: 0, learnedAnswers: 0 },
      { logFile: ctx.logFile('pg-node-b'), cpuProfileDir: ctx.cpuProfileDir },
    );
    try {
      const tracker = createOfferTracker();
      const sessions = a.ready.sessions;
      const half = Math.ceil(sessions.length / 2);
      const onA = await connectExperts(a.ready.url, sessions.slice(0, half), tracker);
      const onB = await connectExperts(b.ready.url, sessions.slice(half), tracker);
      const statsOf = (node: typeof a) => node.call<ServerStats>('stats');
      await waitFor(async () => (await statsOf(a)).hub.users >= half, 10_000, 100);
      await waitFor(async () => (await statsOf(b)).hub.users >= sessions.length - half, 10_000, 100);
      const deliveredOnB = (await statsOf(b)).hub.delivered;
      const env: AppEnv = {
        fakeX: undefined as never,
        app: a,
        ready: a.ready,
        tracker,
        experts: onA,
        stats: () => statsOf(a),
        // Both nodes' CPU, as one desk's cost; the windows (GC, event-loop delay) are node A's, where ingest runs.
        async meter() {
          const before = await Promise.all([statsOf(a), statsOf(b)]);
          await a.call<ServerWindow>('window');
          const own = process.cpuUsage();
          const started = performance.now();
          const pct = (micros: number, ms: number) => Math.round((micros / 1000 / ms) * 100);
          return async (): Promise<WindowUse> => {
            const benchCpu = process.cpuUsage(own);
            const ms = performance.now() - started;
            const after = await Promise.all([statsOf(a), statsOf(b)]);
            const used = after.reduce(
              (sum, s, i) => sum + s.cpu.user + s.cpu.system - (before[i]!.cpu.user + before[i]!.cpu.system),
              0,
            );
            return {
              serverCpuPct: pct(used, ms),
              benchCpuPct: pct(benchCpu.user + benchCpu.system, ms),
              server: await a.call<ServerWindow>('window'),
            };
          };
        },
        async close() {},
      };
      console.error(
        `  postgres: 2 nodes, ${sessions.length} experts connected (${half} to A, ${sessions.length - half} to B), ${ctx.flags.rate} q/s into A for ${ctx.flags.durationS} s…`,
      );
      // As the SQLite section: a warm-up first (JIT, caches, the presence the sockets' arrival set off), not measured.
      await warmUp(ctx, env);
      const steady = await httpAtRate(ctx, env);
      console.error(`  postgres: closed loop into A, ${ctx.flags.connections} connections, ${ctx.flags.durationS} s…`);
      const closedLoop = await httpClosedLoop(ctx, env, reference);
      const [statsA, statsB] = await Promise.all([statsOf(a), statsOf(b)]);
      await Promise.all([onA.close(), onB.close()]);
      return {
        nodes: 2,
        experts: ctx.flags.experts,
        online: { a: half, b: sessions.length - half },
        steady,
        closedLoop,
        crossNodeOffers: statsB.hub.delivered - deliveredOnB,
        peakRssMb: { a: statsA.peakRssMb, b: statsB.peakRssMb },
      };
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  } finally {
    stopCluster(cluster);
  }
}
