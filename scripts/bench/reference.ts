import autocannon from 'autocannon';
import { startChild } from './child.js';
import type { BenchContext } from './context.js';

export interface ReferenceResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  connections: number;
  durationS: number;
}

/**
 * The bare Fastify reference, in a child process that stays up for the run: measured once at the start, and again
 * right before and right after the closed-loop ingest, because this machine's speed drifts by up to 2× within
 * minutes and a ratio of two figures taken minutes apart carries that drift.
 */
export interface Reference {
  measure(seconds: number): Promise<ReferenceResult>;
  stop(): Promise<void>;
}

export async function openReference(ctx: BenchContext): Promise<Reference> {
  const bare = await startChild<{ url: string }>('./bare-server.ts', {}, { logFile: ctx.logFile('bare') });
  await autocannon({ url: bare.ready.url, connections: ctx.flags.connections, duration: 1 }); // warm up the JIT
  return {
    async measure(seconds) {
      const result = await autocannon({ url: bare.ready.url, connections: ctx.flags.connections, duration: seconds });
      return {
        requestsPerSecond: Math.round(result.requests.average),
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        connections: ctx.flags.connections,
        durationS: seconds,
      };
    },
    stop: () => bare.stop(),
  };
}
