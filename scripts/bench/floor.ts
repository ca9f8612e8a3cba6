// The floor section: the closed loop of the ingest section, run against floor-server.ts (the required rows and frames
// without Helpforce's code) with the same client, connections, duration and 1,000 sockets, bracketed by the bare
// reference the same way. Its ratio bounds what the closed-loop ingest could reach on this machine.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startChild } from './child.js';
import type { BenchContext } from './context.js';
import type { FloorServerOptions } from './floor-server.js';
import { questionBody } from './ingest.js';
import { connectExperts, createOfferTracker } from './live-experts.js';
import type { Reference } from './reference.js';
import { round, waitFor } from './stats.js';

export interface FloorRun {
  questionsPerSecond: number;
  answered: number;
  offered: number;
  serverCpuPct: number;
  /** This process (autocannon and the 1,000 expert sockets) during the loop, % of one core. */
  benchCpuPct: number;
  cpuUsPerQuestion: number | null;
  httpMs: { p50: number; p99: number };
  /** Non-2xx answers and socket errors of the loop: a floor server that fails shows here, not as a lower rate alone. */
  non2xx: number;
  errors: number;
  bareAround: { before: number; after: number; seconds: number } | null;
}

interface FloorStats {
  peakRssMb: number;
  cpu: NodeJS.CpuUsage;
  connections: number;
}

export async function runFloor(ctx: BenchContext, reference?: Reference): Promise<FloorRun> {
  const options: FloorServerOptions = { databasePath: join(ctx.dir, 'floor.db'), experts: ctx.flags.online };
  const server = await startChild<{ url: string }>('./floor-server.ts', options, {
    logFile: ctx.logFile('floor'),
    cpuProfileDir: ctx.cpuProfileDir,
  });
  const tracker = createOfferTracker();
  const experts = await connectExperts(
    server.ready.url,
    Array.from({ length: ctx.flags.online }, () => ({ cookie: '' })),
    tracker,
  );
  try {
    const stats = () => server.call<FloorStats>('stats');
    await waitFor(async () => (await stats()).connections >= ctx.flags.online, 10_000, 100);
    const url = `${server.ready.url}/api/questions`;
    let n = 0;
    const loop = () =>
      autocannon({
        url,
        connections: ctx.flags.connections,
        duration: ctx.flags.durationS,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              const id = `floor-loop-${n}`;
              tracker.markSent(id);
              return { ...req, body: questionBody(id, n++) };
            },
          },
        ],
      });
    await autocannon({
      url,
      connections: ctx.flags.connections,
      duration: Math.min(3, ctx.flags.durationS),
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: questionBody('warm-up', 0),
    }); // JIT; one question, then duplicates
    const seconds = Math.max(1, Math.round(ctx.flags.referenceS / 2));
    const before = reference ? (await reference.measure(seconds)).requestsPerSecond : null;
    const cpuBefore = (await stats()).cpu;
    const own = process.cpuUsage();
    const result = await loop();
    const benchCpu = process.cpuUsage(own);
    const cpuAfter = (await stats()).cpu;
    const after = reference ? (await reference.measure(seconds)).requestsPerSecond : null;
    await waitFor(() => tracker.offeredCount('floor-loop-') >= result['2xx'], 5000);
    const serverCpuPct = Math.round(
      ((cpuAfter.user - cpuBefore.user + cpuAfter.system - cpuBefore.system) / 1e6 / ctx.flags.durationS) * 100,
    );
    const benchCpuPct = Math.round(((benchCpu.user + benchCpu.system) / 1e6 / ctx.flags.durationS) * 100);
    const questionsPerSecond = round(tracker.offeredCount('floor-loop-') / ctx.flags.durationS, 1)!;
    return {
      questionsPerSecond,
      answered: result['2xx'],
      offered: tracker.offeredCount('floor-loop-'),
      serverCpuPct,
      benchCpuPct,
      cpuUsPerQuestion: questionsPerSecond ? round(((serverCpuPct / 100) * 1e6) / questionsPerSecond, 0) : null,
      httpMs: { p50: result.latency.p50, p99: result.latency.p99 },
      non2xx: result.non2xx,
      errors: result.errors,
      bareAround: before !== null && after !== null ? { before, after, seconds } : null,
    };
  } finally {
    await experts.close();
    await server.stop();
    // The loop writes gigabytes through the WAL; deleting the files drops what the kernel has not written back yet,
    // which would otherwise go to disk while the next section is timed.
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${options.databasePath}${suffix}`, { force: true });
  }
}
