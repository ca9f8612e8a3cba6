import autocannon from 'autocannon';
import { startChild } from './child.js';
import type { BenchContext } from './context.js';

export interface ReferenceResult { requestsPerSecond: number; p50Ms: number; p99Ms: number; connections: number; durationS: number }

export async function runReference(ctx: BenchContext): Promise<ReferenceResult> {
  const bare = await startChild<{ url: string }>('./bare-server.ts', {}, { logFile: ctx.logFile('bare') });
  try {
    await autocannon({ url: bare.ready.url, connections: ctx.flags.connections, duration: 1 }); // warm up the JIT
    const result = await autocannon({ url: bare.ready.url, connections: ctx.flags.connections, duration: ctx.flags.referenceS });
    return {
      requestsPerSecond: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99,
      connections: ctx.flags.connections, durationS: ctx.flags.referenceS,
    };
  } finally {
    await bare.stop();
  }
}
