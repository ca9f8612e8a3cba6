// The running system the ingest, claim and posting sections share: the fake X in this process, the Helpforce server
// in a child process pointed at it, and the connected experts' WebSockets.
import { join } from 'node:path';
import { startFakeX, type FakeX } from '../../dev/fake-x/index.js';
import type { AppServerOptions, AppServerReady, ServerWindow } from './app-server.js';
import { startChild, type ChildHandle } from './child.js';
import type { BenchContext } from './context.js';
import { connectExperts, createOfferTracker, type LiveExperts, type OfferTracker } from './live-experts.js';
import { waitFor } from './stats.js';

export interface ServerStats {
  peakRssMb: number;
  rssMb: number;
  cpu: NodeJS.CpuUsage;
  hub: { connections: number; users: number; delivered: number; droppedSlow: number };
}

/**
 * What one measured window cost: the server's CPU and this process's (the load generator and the connected experts'
 * sockets share the machine with it), each as % of one core, and the server's GC pauses and event-loop delay.
 */
export interface WindowUse {
  serverCpuPct: number;
  benchCpuPct: number;
  server: ServerWindow;
}

export interface AppEnv {
  fakeX: FakeX;
  app: ChildHandle<AppServerReady>;
  ready: AppServerReady;
  tracker: OfferTracker;
  experts: LiveExperts;
  stats(): Promise<ServerStats>;
  /** Starts measuring; the returned function gives what was used since. */
  meter(): Promise<() => Promise<WindowUse>>;
  close(): Promise<void>;
}

/** The per-hour offer cap (default 20) is raised to the largest value the config allows: the bench offers far more
 * questions per expert than a real hour would, and a capped expert is skipped, which is not what is measured here. */
export const BENCH_MAX_OFFERS_PER_HOUR = 1000;

export async function startAppEnv(ctx: BenchContext): Promise<AppEnv> {
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme Support' } });
  const options: AppServerOptions = {
    databasePath: join(ctx.dir, 'helpforce.db'),
    fakeX: { url: fakeX.url, credentials: fakeX.credentials },
    pollMs: ctx.flags.pollMs,
    experts: ctx.flags.experts,
    online: ctx.flags.online,
    learnedAnswers: ctx.flags.experts,
    maxOffersPerHour: BENCH_MAX_OFFERS_PER_HOUR,
    statementCache: ctx.flags.statementCache,
    quietWaves: true,
  };
  const app = await startChild<AppServerReady>('./app-server.ts', options, {
    logFile: ctx.logFile('app'),
    cpuProfileDir: ctx.cpuProfileDir,
  });
  const tracker = createOfferTracker();
  const experts = await connectExperts(app.ready.url, app.ready.sessions, tracker);
  const stats = () => app.call<ServerStats>('stats');
  await waitFor(async () => (await stats()).hub.users >= app.ready.sessions.length, 10_000, 100);
  return {
    fakeX,
    app,
    ready: app.ready,
    tracker,
    experts,
    stats,
    async meter() {
      const before = (await stats()).cpu;
      await app.call<ServerWindow>('window');
      const own = process.cpuUsage();
      const started = performance.now();
      const pct = (usage: NodeJS.CpuUsage, ms: number) => Math.round(((usage.user + usage.system) / 1000 / ms) * 100);
      return async () => {
        const benchCpu = process.cpuUsage(own);
        const ms = performance.now() - started;
        const after = (await stats()).cpu;
        const server = await app.call<ServerWindow>('window');
        return {
          serverCpuPct: pct({ user: after.user - before.user, system: after.system - before.system }, ms),
          benchCpuPct: pct(benchCpu, ms),
          server,
        };
      };
    },
    async close() {
      await experts.close();
      await app.stop();
      await fakeX.close();
    },
  };
}
