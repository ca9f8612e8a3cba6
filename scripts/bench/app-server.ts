// The Helpforce server under test, in its own process: the real buildApp on a temp SQLite file, the X channel pointed
// at the parent's fake X over loopback, background timers on, listening on an ephemeral loopback port.
import type { AddressInfo } from 'node:net';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { buildApp } from '../../server/app.js';
import { defaultRoutingConfig } from '../../server/config.js';
import type { User } from '../../server/contracts/api.js';
import { limitHeapGrowth } from '../../server/heap.js';
import { answerParent, childOptions, failStart, peakRssMb } from './child.js';
import { cachePreparedStatements } from './statement-cache.js';
import { createBenchManager, ensureTags, learnAnswers, seedExperts, type SeededExpert } from './roster.js';

export interface AppServerOptions {
  databasePath: string;
  /** PostgreSQL instead of the SQLite file; `nodeId` names this node among others on the same database. */
  databaseUrl?: string;
  nodeId?: string;
  fakeX?: {
    url: string;
    credentials: { appKey: string; appSecret: string; accessToken: string; accessSecret: string };
  };
  pollMs: number;
  experts: number;
  online: number;
  learnedAnswers: number;
  /** Shifts the app's clock, so a cached database's "last 7 days" stay the last 7 days of its data. */
  clockOffsetMs?: number;
  maxOffersPerHour: number;
  statementCache?: boolean;
  /** Waves of an hour and escalation after two: the tens of thousands of questions the bench leaves unclaimed would
   * otherwise all expire together and be re-offered in one dispatcher tick, stalling whatever is measured then. */
  quietWaves?: boolean;
}

export interface AppServerReady {
  url: string;
  token: string;
  sessions: { userId: string; cookie: string; csrfToken: string }[];
  startupMs: number;
  /** Until the routing model, replayed after start on a large history, was complete. */
  routingReadyMs: number;
  /** Until the similar-answers index, built after start, was complete. */
  answersIndexedMs: number;
  /** Until the metrics' hour cache, warmed after start, held the last 30 days. */
  metricsWarmMs: number;
  seedMs: number;
}

/** The server's garbage-collection pauses since start: a pause longer than a request is an outlier's likely cause. */
export interface GcStats {
  count: number;
  totalMs: number;
  maxMs: number;
  majorCount: number;
  majorMaxMs: number;
}

const noGc = (): GcStats => ({ count: 0, totalMs: 0, maxMs: 0, majorCount: 0, majorMaxMs: 0 });
const rounded = (gc: GcStats): GcStats => ({
  ...gc,
  totalMs: Math.round(gc.totalMs),
  maxMs: Math.round(gc.maxMs),
  majorMaxMs: Math.round(gc.majorMaxMs),
});

/** Pauses since start, and since the last `window()` call (which starts a new window). */
function watchGc() {
  const total = noGc();
  let window = noGc();
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const major =
        (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind ===
        constants.NODE_PERFORMANCE_GC_MAJOR;
      for (const stats of [total, window]) {
        stats.count += 1;
        stats.totalMs += entry.duration;
        stats.maxMs = Math.max(stats.maxMs, entry.duration);
        if (major) {
          stats.majorCount += 1;
          stats.majorMaxMs = Math.max(stats.majorMaxMs, entry.duration);
        }
      }
    }
  }).observe({ entryTypes: ['gc'] });
  return {
    total: () => rounded(total),
    window() {
      const ended = rounded(window);
      window = noGc();
      return ended;
    },
  };
}

/** The server over one measured window: GC pauses, and how late the event loop ran (p99 and longest, in ms). */
export interface ServerWindow {
  gc: GcStats;
  loopDelay: { p99Ms: number; maxMs: number };
}

export interface DrainResult {
  ms: number;
  drained: boolean;
  sent: number;
  failed: number;
  retried: number;
  attempts: number;
}

async function main() {
  limitHeapGrowth(); // as server/index.ts does, so the bench measures the server as it runs
  const gc = watchGc();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const options = childOptions<AppServerOptions>();
  if (options.statementCache) cachePreparedStatements();
  const offset = options.clockOffsetMs ?? 0;
  const started = performance.now();
  const app = await buildApp(
    {
      databasePath: options.databasePath,
      databaseUrl: options.databaseUrl,
      nodeId: options.nodeId,
      logLevel: 'warn',
      secureCookies: false,
      // The bench drives ingest through one token far above a desk's per-token limit: it measures the server, not it.
      ingestRateLimitPerMinute: 1_000_000,
      x: options.fakeX
        ? { baseUrl: options.fakeX.url, credentials: options.fakeX.credentials, pollIntervalMs: options.pollMs }
        : undefined,
      routing: defaultRoutingConfig({
        maxOffersPerHour: options.maxOffersPerHour,
        ...(options.quietWaves ? { waveMs: 3_600_000, escalateMs: 7_200_000 } : {}),
      }),
    },
    { clock: { now: () => Date.now() + offset }, timers: true },
  );
  // How long the server itself took over each GET (first byte in to last byte out, as Fastify counts it), by route:
  // set beside the client's timings, it tells a slow server from a slow trip.
  const serverMs = new Map<string, number[]>();
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET') return;
    const route = request.routeOptions.url ?? request.url;
    let list = serverMs.get(route);
    if (!list) serverMs.set(route, (list = []));
    list.push(reply.elapsedTime);
  });
  await app.ready();
  const startupMs = performance.now() - started;
  const { services } = app;
  // On a large history the routing model replays, and the similar-answers index and the metrics' hour cache fill in,
  // after start; the bench measures the server once all three are whole.
  const finished = (work: Promise<unknown>) => work.then(() => performance.now() - started);
  const [routingReadyMs, answersIndexedMs, metricsWarmMs] = await Promise.all([
    finished(services.routingModel.ready()),
    finished(services.answers.built()),
    finished(services.metrics.warmed()),
  ]);

  const seedStart = performance.now();
  await ensureTags(services);
  const experts: SeededExpert[] =
    options.experts > 0 ? await seedExperts(services, options.experts, options.online) : [];
  learnAnswers(services, experts, options.learnedAnswers);
  const manager = await createBenchManager(services);
  const sessions = [];
  for (const e of experts.slice(0, options.online)) {
    const session = await services.auth.createSession(e.id);
    sessions.push({ userId: e.id, cookie: `hf_session=${session.token}`, csrfToken: session.csrfToken });
  }
  const seedMs = performance.now() - seedStart;
  await app.listen({ port: 0, host: '127.0.0.1' });

  // Posting takes experts who are not connected, each at most once, so nobody reaches their capacity.
  const posters = experts.slice(options.online).filter((e) => e.available);
  let nextPoster = 0;
  let preparedAt = 0;
  let batchStart = '';

  const commands = {
    /** The server-side times of the GETs to `route` since the last call. */
    serverTimes: ({ route }: { route: string }) => {
      const list = serverMs.get(route) ?? [];
      serverMs.delete(route);
      return list;
    },

    /** GC pauses and event-loop delay since the last call: what held every request up meanwhile. */
    window: (): ServerWindow => {
      const delay = {
        p99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
        maxMs: Math.round(loopDelay.max / 1e5) / 10,
      };
      loopDelay.reset();
      return { gc: gc.window(), loopDelay: delay };
    },

    stats: () => ({
      gc: gc.total(),
      peakRssMb: peakRssMb(),
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
      cpu: process.cpuUsage(),
      hub: services.hub.stats(),
    }),

    /**
     * Ingest each tweet as a question, claim it, reply and approve. Each step awaits the services, so the outbox's
     * timer may post the first replies while later ones are still being prepared; the drain is timed from the end.
     */
    async preparePosting({ tweets }: { tweets: { id: string; text: string; handle: string }[] }) {
      const t0 = performance.now();
      batchStart =
        services.db.$client.prepare<[], { id: string | null }>('select max(id) id from outbox').get()?.id ?? '';
      for (const [i, tweet] of tweets.entries()) {
        const { question } = await services.ingest.ingest({
          channel: 'x',
          externalId: tweet.id,
          text: tweet.text,
          author: { handle: tweet.handle },
        });
        const expert: User = posters[nextPoster++ % posters.length]!;
        await services.questions.claim(expert, question.id);
        const reply = await services.replies.submit(
          expert,
          question.id,
          `Thanks for asking! A reset usually fixes this; DM us if it does not (case ${tweet.id.slice(-6)}-${i}).`,
        );
        if (reply.status === 'in_review') await services.replies.approve(manager.user, reply.id);
      }
      preparedAt = performance.now();
      return { ms: preparedAt - t0 };
    },

    async drainOutbox({ timeoutMs }: { timeoutMs: number }): Promise<DrainResult> {
      const until = Date.now() + timeoutMs;
      while ((await services.outbox.counts()).pending > 0 && Date.now() < until)
        await new Promise((r) => setTimeout(r, 10));
      const ms = performance.now() - preparedAt;
      const rows = services.db.$client
        .prepare<[string], { state: string; n: number; attempts: number; retried: number }>(
          'select state, count(*) n, sum(attempts) attempts, sum(attempts > 1) retried from outbox where id > ? group by state',
        )
        .all(batchStart);
      const get = (state: string) => rows.find((r) => r.state === state);
      return {
        ms,
        drained: (await services.outbox.counts()).pending === 0,
        sent: get('sent')?.n ?? 0,
        failed: get('failed')?.n ?? 0,
        retried: rows.reduce((n, r) => n + r.retried, 0),
        attempts: rows.reduce((n, r) => n + r.attempts, 0),
      };
    },
  };

  const ready: AppServerReady = {
    url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`,
    token: manager.token,
    sessions,
    startupMs,
    routingReadyMs,
    answersIndexedMs,
    metricsWarmMs,
    seedMs,
  };
  answerParent(ready, commands, () => app.close());
}

main().catch(failStart);
