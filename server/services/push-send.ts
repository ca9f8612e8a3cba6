// One push request: web-push encrypts the payload for the device (RFC 8291) and builds the request; the guarded
// transport POSTs it, with a deadline on the whole exchange and the answer's body left unread (a push endpoint is an
// address anyone can register). Runs on the push thread (push-send-worker.ts), or on the event loop if that thread
// cannot start.
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import webpush from 'web-push';
import { AddressRefused, type PushTransport, type TransportOptions } from './push-transport.js';

export interface SendJob {
  id: number;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  payload: string;
  authorization: string;
  ttl: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  topic: string | null;
  timeoutMs: number;
}

export interface SendResult {
  id: number;
  status: number | null;
  retryAfter?: string;
  error?: string;
  refused?: boolean;
}

export async function sendPush(transport: Pick<PushTransport, 'postPush'>, job: SendJob): Promise<SendResult> {
  try {
    const request = webpush.generateRequestDetails({ endpoint: job.endpoint, keys: job.keys }, job.payload, {
      headers: { Authorization: job.authorization },
      TTL: job.ttl,
      urgency: job.urgency,
      ...(job.topic ? { topic: job.topic } : {}),
    });
    const { status, headers } = await transport.postPush(
      request.endpoint,
      request.headers,
      request.body,
      job.timeoutMs,
    );
    const retryAfter = status >= 200 && status < 300 ? undefined : headers['retry-after'];
    return { id: job.id, status, ...(retryAfter ? { retryAfter } : {}) };
  } catch (error) {
    const refused = error instanceof AddressRefused || (error as { cause?: unknown }).cause instanceof AddressRefused;
    return { id: job.id, status: null, error: (error as Error).message, refused };
  }
}

const threadEntry = new URL('./push-send-thread.mjs', import.meta.url);

/**
 * The push thread, started on first use; if it cannot start, pushes are sent on the event loop instead.
 * `entry`: the thread's module (tests put one in its place that fails).
 */
export function createSendThread(
  options: TransportOptions | undefined,
  transport: PushTransport,
  log: FastifyBaseLogger,
  entry: URL = threadEntry,
) {
  let worker: Worker | null = null;
  let ready = false;
  let failed = options === undefined;
  let nextId = 1;
  const pending = new Map<number, { job: SendJob; resolve: (result: SendResult) => void }>();

  /** Sends jobs on the event loop; they leave `pending`, so a batch still waiting for the thread skips them. */
  const inline = (jobs: Iterable<SendJob>) => {
    for (const job of jobs) {
      const { resolve } = pending.get(job.id)!;
      pending.delete(job.id);
      void sendPush(transport, job).then(resolve);
    }
  };

  const lose = (which: Worker, error: Error) => {
    if (worker !== which) return;
    worker = null;
    if (!ready) {
      // A thread that dies before it is ready sent nothing, and another would die the same way: its jobs and all
      // later ones go out on the event loop.
      failed = true;
      log.warn({ err: error }, 'push thread could not start; pushes are sent on the event loop');
      inline([...pending.values()].map(({ job }) => job));
      return;
    }
    // Jobs in flight may or may not have reached their push service: they are retried, so one may arrive twice.
    log.warn({ err: error }, 'push thread stopped; pushes in flight are retried');
    for (const [id, { resolve }] of pending) resolve({ id, status: null, error: 'the push thread stopped' });
    pending.clear();
  };

  const thread = (): Worker | null => {
    if (worker || failed) return worker;
    try {
      const started = new Worker(entry, { workerData: options });
      ready = false;
      started.unref();
      started.on('message', (results: SendResult[] | { ready: true }) => {
        if (!Array.isArray(results)) {
          if (worker === started) ready = true;
          return;
        }
        for (const result of results) {
          pending.get(result.id)?.resolve(result);
          pending.delete(result.id);
        }
        if (pending.size === 0) started.unref();
      });
      started.on('error', (error) => lose(started, error));
      started.on('exit', (code) => lose(started, new Error(`push thread exited with code ${code}`)));
      worker = started;
    } catch (error) {
      failed = true;
      log.warn({ err: error }, 'push thread could not start; pushes are sent on the event loop');
    }
    return worker;
  };

  // Jobs of one turn go to the thread in one message: each message has a fixed cost on the event loop, which under
  // load adds up (docs/architecture.md#why-some-rules-are-so).
  let batch: SendJob[] = [];
  const post = () => {
    // A job the thread's loss already answered (as a retry, or sent inline) is not sent again.
    const jobs = batch.filter((job) => pending.has(job.id));
    batch = [];
    if (jobs.length === 0) return;
    const target = thread();
    if (target) target.postMessage(jobs);
    else inline(jobs);
  };

  return {
    send(job: Omit<SendJob, 'id'>): Promise<SendResult> {
      const id = nextId++;
      const target = thread();
      if (!target) return sendPush(transport, { ...job, id });
      return new Promise((resolve) => {
        // Held while it has work: a push in flight keeps the process alive, an idle thread does not.
        if (pending.size === 0) target.ref();
        pending.set(id, { job: { ...job, id }, resolve });
        if (batch.length === 0) setImmediate(post);
        batch.push({ ...job, id });
      });
    },
    /** Where pushes are sent from: their own thread, or the event loop when it could not start. */
    where: () => (worker ? 'thread' : failed ? 'event loop' : 'not started'),
    async stop() {
      const ending = worker;
      worker = null;
      failed = true;
      await ending?.terminate();
    },
  };
}
