// Ingest → classify → route → offer on the experts' WebSockets, through both doors: the HTTP ingest API and the X
// mention poller. Fixed-rate runs give latency at the target load; a closed-loop run and a burst give the ceiling.
import autocannon from 'autocannon';
import { SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import type { AppEnv, WindowUse } from './app-env.js';
import type { ServerWindow } from './app-server.js';
import type { BenchContext } from './context.js';
import type { Reference } from './reference.js';
import { createAgent, openLoop, request } from './http.js';
import { distribution, round, sleep, waitFor, type Distribution } from './stats.js';

export interface IngestRun {
  sent: number;
  offered: number;
  questionsPerSecond: number | null;
  ingestToOfferMs: Distribution;
  serverCpuPct: number | null;
  /** This process (load generator, fake X, the experts' sockets) during the run, % of one core. */
  benchCpuPct: number | null;
  server: ServerWindow | null;
  /** The closed loop only: bare Fastify req/s measured right before and right after it. */
  bareAround?: { before: number; after: number; seconds: number } | null;
  [extra: string]: unknown;
}

const textFor = (i: number) => SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length]!;
export const questionBody = (externalId: string, i: number) =>
  JSON.stringify({ channel: 'api', externalId, text: textFor(i), author: { handle: `customer${i % 997}` } });

function summarize(
  env: AppEnv,
  selection: string | ReadonlySet<string>,
  seconds: number,
  use: WindowUse,
  extra: Record<string, unknown> = {},
): IngestRun {
  const s = env.tracker.summary(selection);
  return {
    sent: s.sent,
    offered: s.offered,
    questionsPerSecond: round(s.offered / seconds, 1),
    ingestToOfferMs: s.latencyMs,
    serverCpuPct: use.serverCpuPct,
    benchCpuPct: use.benchCpuPct,
    server: use.server,
    ...extra,
  };
}

/**
 * The server has not run an ingest yet when the section starts: its first questions pay for JIT compilation of the
 * whole path and for opening the client's connections. A few seconds at the measured rate go first, unmeasured.
 */
export async function warmUp(ctx: BenchContext, env: AppEnv): Promise<void> {
  if (ctx.flags.warmupS <= 0) return;
  const agent = createAgent(64);
  const headers = { authorization: `Bearer ${env.ready.token}` };
  const inFlight: Promise<unknown>[] = [];
  await openLoop(ctx.flags.rate, ctx.flags.warmupS, (i) => {
    inFlight.push(
      request(agent, `${env.ready.url}/api/questions`, {
        method: 'POST',
        headers,
        body: questionBody(`http-warm-${i}`, i),
      }).catch(() => undefined),
    );
  });
  await Promise.all(inFlight);
  agent.destroy();
}

/** Questions at the fixed rate through the HTTP ingest API, with ingest → offer timed on the experts' sockets. */
export async function httpAtRate(ctx: BenchContext, env: AppEnv): Promise<IngestRun> {
  const agent = createAgent(64);
  const headers = { authorization: `Bearer ${env.ready.token}` };
  const statuses: Record<string, number> = {};
  const httpMs: number[] = [];
  const inFlight: Promise<void>[] = [];
  const used = await env.meter();
  const wallMs = await openLoop(ctx.flags.rate, ctx.flags.durationS, (i) => {
    const id = `http-rate-${i}`;
    env.tracker.markSent(id);
    inFlight.push(
      request(agent, `${env.ready.url}/api/questions`, { method: 'POST', headers, body: questionBody(id, i) }).then(
        (r) => {
          statuses[r.status] = (statuses[r.status] ?? 0) + 1;
          httpMs.push(r.ms);
        },
        () => {
          statuses.error = (statuses.error ?? 0) + 1;
        },
      ),
    );
  });
  await Promise.all(inFlight);
  await waitFor(() => env.tracker.offeredCount('http-rate-') >= inFlight.length, 5000);
  const use = await used();
  agent.destroy();
  return summarize(env, 'http-rate-', wallMs / 1000, use, {
    rate: ctx.flags.rate,
    durationS: ctx.flags.durationS,
    statuses,
    httpMs: distribution(httpMs),
  });
}

/**
 * The closed loop, with the bare reference measured right before and right after it (see reference.ts): the ratio
 * is read against their mean, which the machine's drift during the run moves far less than a figure from minutes ago.
 */
export async function httpClosedLoop(ctx: BenchContext, env: AppEnv, reference?: Reference): Promise<IngestRun> {
  if (!reference) return { ...(await closedLoop(ctx, env)), bareAround: null };
  const seconds = Math.max(1, Math.round(ctx.flags.referenceS / 2));
  const before = (await reference.measure(seconds)).requestsPerSecond;
  const run = await closedLoop(ctx, env);
  const after = (await reference.measure(seconds)).requestsPerSecond;
  return { ...run, bareAround: { before, after, seconds } };
}

async function closedLoop(ctx: BenchContext, env: AppEnv): Promise<IngestRun> {
  let n = 0;
  const used = await env.meter();
  const result = await autocannon({
    url: `${env.ready.url}/api/questions`,
    connections: ctx.flags.connections,
    duration: ctx.flags.durationS,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${env.ready.token}`, 'content-type': 'application/json' },
        setupRequest: (req) => {
          const id = `http-max-${n}`;
          env.tracker.markSent(id);
          return { ...req, body: questionBody(id, n++) };
        },
      },
    ],
  });
  await waitFor(() => env.tracker.offeredCount('http-max-') >= result['2xx'], 5000);
  const use = await used();
  return summarize(env, 'http-max-', ctx.flags.durationS, use, {
    // autocannon stops at the deadline with up to one request per connection set up but unanswered: those count as
    // sent and may be ingested after the count, so every answered question must be offered, not every one sent.
    connections: ctx.flags.connections,
    durationS: ctx.flags.durationS,
    answered: result['2xx'],
    responsesPerSecond: Math.round(result.requests.average),
    non2xx: result.non2xx,
    errors: result.errors,
    httpMs: { p50: result.latency.p50, p99: result.latency.p99 },
  });
}

async function xAtRate(ctx: BenchContext, env: AppEnv): Promise<IngestRun> {
  const ids = new Set<string>();
  const used = await env.meter();
  const wallMs = await openLoop(ctx.flags.rate, ctx.flags.durationS, (i) => {
    const tweet = env.fakeX.addMention({ text: textFor(i + 7), author: { username: `xcustomer${i % 991}` } });
    env.tracker.markSent(tweet.id);
    ids.add(tweet.id);
  });
  await waitFor(() => env.tracker.offeredCount(ids) >= ids.size, 10_000);
  const use = await used();
  return summarize(env, ids, wallMs / 1000, use, {
    rate: ctx.flags.rate,
    durationS: ctx.flags.durationS,
    pollMs: ctx.flags.pollMs,
  });
}

/** A burst the size of one poll (8 pages of 100): how fast the poller turns a backlog into offers. */
async function xBurst(ctx: BenchContext, env: AppEnv): Promise<IngestRun> {
  const ids = new Set<string>();
  const used = await env.meter();
  const at = performance.now();
  for (let i = 0; i < ctx.flags.burst; i++) {
    const tweet = env.fakeX.addMention({ text: textFor(i + 3), author: { username: `burst${i % 499}` } });
    env.tracker.markSent(tweet.id, at);
    ids.add(tweet.id);
  }
  await waitFor(() => env.tracker.offeredCount(ids) >= ids.size, 30_000);
  const s = env.tracker.summary(ids);
  const use = await used();
  return summarize(env, ids, Math.max(1, s.lastOfferAt - at) / 1000, use, {
    burst: ctx.flags.burst,
    pollMs: ctx.flags.pollMs,
    lost: ids.size - s.offered,
  });
}

export async function runIngest(ctx: BenchContext, env: AppEnv, reference?: Reference) {
  const step = async <T>(name: string, run: () => Promise<T>) => {
    console.error(`  ingest: ${name}…`);
    const result = await run();
    await sleep(1000);
    return result;
  };
  await step(`warm-up, HTTP at ${ctx.flags.rate}/s for ${ctx.flags.warmupS} s (not measured)`, () => warmUp(ctx, env));
  const http = await step(`HTTP at ${ctx.flags.rate}/s for ${ctx.flags.durationS} s`, () => httpAtRate(ctx, env));
  const httpMax = await step(`HTTP closed loop, ${ctx.flags.connections} connections, ${ctx.flags.durationS} s`, () =>
    httpClosedLoop(ctx, env, reference),
  );
  const x = await step(`X poller at ${ctx.flags.rate}/s for ${ctx.flags.durationS} s`, () => xAtRate(ctx, env));
  const xBurstRun = await step(`X burst of ${ctx.flags.burst}`, () => xBurst(ctx, env));
  return { http, httpMax, x, xBurst: xBurstRun };
}
