// The insight digest and recognition read every question (or reply) of their range, and the digest tokenizes every
// text: on a large history that is seconds of synchronous work (docs/architecture.md#why-some-rules-are-so), and the
// metrics page asks for both. On the event loop it would hold ingest, claims and every socket for as long. Here both
// run on a thread of their own, with a read-only connection of its own (services/analytics-worker.ts); a database in
// memory has no second connection, so there they run inline, as they do if the thread cannot start. On PostgreSQL
// too, where the reads wait on the server but the tokenizing does not: inline, a 30-day digest at a million questions
// held the manager's queue at p99 250 ms (docs/benchmarks.md). The same request while one is under way shares its
// answer.
import { Worker } from 'node:worker_threads';
import type { Insights, Recognition, User } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';
import { AppError } from '../errors.js';
import { createInsightService } from './insights.js';
import { createRecognitionService } from './recognition.js';
import type { TagService } from './tags.js';
import type { ReadRepositories } from '../repositories/index.js';

type Range = { from?: string; to?: string; experts?: number };
type Work =
  | { kind: 'insights'; range: Range; tags: { slug: string; name: string }[] }
  | { kind: 'recognition'; range: Range; user: User };
export type AnalyticsRequest = Work & { id: number; now: number };
/** A request's answer, or `ready` once the thread has opened its connection. */
export type AnalyticsResponse =
  | { ready: true }
  | { id: number; result?: Insights | Recognition; error?: { status?: number; code?: string; message: string } };

export interface AnalyticsLog {
  warn(details: object, message: string): void;
}

interface Pending {
  work: Work;
  now: number;
  resolve(result: unknown): void;
  reject(error: unknown): void;
}

/** The reads the digest and recognition make: the server's own, or the analytics thread's over its connection. */
export type AnalyticsData = Pick<ReadRepositories, 'insights' | 'recognition' | 'sentiment' | 'names'>;

/** One piece of work, on whichever thread runs it. */
export function analyze(data: AnalyticsData, work: Work, now: number): Promise<Insights | Recognition> {
  const clock = { now: () => now };
  return work.kind === 'insights'
    ? createInsightService({ data, clock, tags: { list: () => work.tags } }).compute(work.range)
    : createRecognitionService({ data, clock }).compute(work.user, work.range);
}

/** A thread idle this long is ended, which gives its memory back (its heap and its connection's page cache). */
const IDLE_MS = 60_000;
/**
 * A thread that could not open its connection is tried again after this long, then twice as long each time it fails
 * again, up to RETRY_MAX_MS: the cause may pass (PostgreSQL restarting, its connection slots full), and meanwhile the
 * work runs on the event loop, which a large range holds for seconds.
 */
const RETRY_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

const THREAD_ENTRY = new URL('./analytics-thread.mjs', import.meta.url);

export function createAnalytics({
  data,
  databaseFile,
  databaseUrl,
  clock,
  tags,
  log,
  idleMs = IDLE_MS,
  retryMs = RETRY_MS,
  threadEntry = THREAD_ENTRY,
}: {
  data: AnalyticsData;
  /** The database the thread opens a connection of its own to; null for one in memory, which has no second one. */
  databaseFile: string | null;
  /** On PostgreSQL, the database the thread opens a pool of its own to (databaseFile is then null). */
  databaseUrl?: string;
  clock: Clock;
  tags: TagService;
  log: AnalyticsLog;
  idleMs?: number;
  retryMs?: number;
  threadEntry?: URL;
}) {
  let worker: Worker | null = null;
  let stopped = false;
  /** Until when work runs inline (performance.now()): always for a database in memory, for a while after a failure. */
  let inlineUntil = databaseFile === null && !databaseUrl ? Infinity : 0;
  let nextRetryMs = retryMs;
  const inline = () => stopped || performance.now() < inlineUntil;
  let nextId = 0;
  let idle: NodeJS.Timeout | undefined;
  const pending = new Map<number, Pending>();
  const shared = new Map<string, Promise<unknown>>();

  /**
   * The thread stopped. If it never opened its connection it cannot work here for now: requests run inline until a
   * thread is tried again, and those it had not answered are computed here. If it stopped while working (out of memory on a huge range, say), its
   * requests fail with a 503 and the next one starts a new thread: re-running that work on the event loop could
   * take the server down with it.
   */
  const fallBack = (thread: Worker, ready: boolean, error: unknown) => {
    if (stopped || thread !== worker) return; // an idle thread retired, or the server stopped it
    worker = null;
    if (ready) {
      log.warn(
        { err: error },
        'analytics thread stopped while working; its requests failed, the next one starts a new thread',
      );
      for (const request of pending.values())
        request.reject(
          new AppError(
            503,
            'analytics_unavailable',
            'The analysis stopped before it finished; try again, or ask for a shorter period',
          ),
        );
      pending.clear();
      return;
    }
    inlineUntil = performance.now() + nextRetryMs;
    log.warn(
      { err: error, retryInMs: nextRetryMs },
      'analytics thread could not start; the insight digest and recognition are computed on the event loop until it is tried again',
    );
    nextRetryMs = Math.min(nextRetryMs * 2, RETRY_MAX_MS);
    for (const [id, request] of pending) {
      pending.delete(id);
      analyze(data, request.work, request.now).then(request.resolve, request.reject);
    }
  };

  const retire = () => {
    const ending = worker;
    worker = null;
    void ending?.terminate();
  };

  const thread = (): Worker => {
    clearTimeout(idle);
    if (worker) return worker;
    const started = new Worker(threadEntry, { workerData: { path: databaseFile, url: databaseUrl } });
    started.unref(); // the server's own handles keep the process alive; a thread with nothing to do must not
    let ready = false;
    started.on('message', (response: AnalyticsResponse) => {
      if ('ready' in response) {
        ready = true;
        nextRetryMs = retryMs;
        return;
      }
      const request = pending.get(response.id);
      if (!request) return;
      pending.delete(response.id);
      const { error } = response;
      if (!error) request.resolve(response.result);
      else
        request.reject(
          error.status && error.code ? new AppError(error.status, error.code, error.message) : new Error(error.message),
        );
      if (pending.size === 0) idle = setTimeout(retire, idleMs).unref();
    });
    started.on('error', (error) => fallBack(started, ready, error));
    started.on('exit', (code) => fallBack(started, ready, new Error(`analytics thread exited with code ${code}`)));
    return (worker = started);
  };

  function run<T>(work: Work, key: string): Promise<T> {
    const under = shared.get(key);
    if (under !== undefined) return under as Promise<T>;
    const now = clock.now();
    const answer = inline()
      ? Promise.resolve().then(() => analyze(data, work, now))
      : new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { work, now, resolve, reject });
          thread().postMessage({ ...work, id, now } satisfies AnalyticsRequest);
        });
    shared.set(key, answer);
    const forget = () => {
      shared.delete(key);
    };
    answer.then(forget, forget);
    return answer as Promise<T>;
  }

  return {
    /** Where the work runs now: on the analytics thread, or inline (a database in memory, or the thread failed). */
    mode: (): 'thread' | 'inline' => (inline() ? 'inline' : 'thread'),

    /** Whether the thread is up now (it starts on first use and ends after a while idle). */
    running: (): boolean => worker !== null,

    insights(range: Range): Promise<Insights> {
      const list = tags.list().map(({ slug, name }) => ({ slug, name }));
      return run({ kind: 'insights', range, tags: list }, JSON.stringify(['insights', range.from, range.to, list]));
    },

    recognition(user: User, range: Range): Promise<Recognition> {
      return run(
        { kind: 'recognition', range, user },
        JSON.stringify(['recognition', range.from, range.to, range.experts, user.id, user.role]),
      );
    },

    /** Ends the thread (the server is closing): what it had not answered gets a 503. */
    async stop(): Promise<void> {
      clearTimeout(idle);
      stopped = true; // nothing new starts a thread
      const ending = worker;
      if (!ending) return;
      worker = null;
      for (const request of pending.values())
        request.reject(new AppError(503, 'shutting_down', 'The server is restarting; try again in a moment'));
      pending.clear();
      await ending.terminate();
    },
  };
}
export type Analytics = ReturnType<typeof createAnalytics>;
