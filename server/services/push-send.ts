// One push request: encrypt the payload for the device (RFC 8291) and POST it with web-push, through the guarded
// transport. Runs on the push thread (push-send-worker.ts), or on the event loop if that thread cannot start.
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

export interface SendResult { id: number; status: number | null; retryAfter?: string; error?: string; refused?: boolean }

export async function sendPush(transport: Pick<PushTransport, 'agent'>, job: SendJob): Promise<SendResult> {
  try {
    const response = await webpush.sendNotification({ endpoint: job.endpoint, keys: job.keys }, job.payload, {
      headers: { Authorization: job.authorization }, TTL: job.ttl, urgency: job.urgency, timeout: job.timeoutMs, agent: transport.agent,
      ...(job.topic ? { topic: job.topic } : {}),
    });
    return { id: job.id, status: response.statusCode };
  } catch (error) {
    if (error instanceof webpush.WebPushError) {
      const retryAfter = (error.headers as Record<string, string | undefined>)['retry-after'];
      return { id: job.id, status: error.statusCode, ...(retryAfter ? { retryAfter } : {}) };
    }
    const refused = error instanceof AddressRefused || (error as { cause?: unknown }).cause instanceof AddressRefused;
    return { id: job.id, status: null, error: (error as Error).message, refused };
  }
}

const threadEntry = new URL('./push-send-thread.mjs', import.meta.url);

/** The push thread, started on first use; if it cannot start, pushes are sent on the event loop instead. */
export function createSendThread(options: TransportOptions | undefined, transport: PushTransport, log: FastifyBaseLogger) {
  let worker: Worker | null = null;
  let failed = options === undefined;
  let nextId = 1;
  const pending = new Map<number, (result: SendResult) => void>();

  const lose = (which: Worker, error: Error) => {
    if (worker !== which) return;
    worker = null;
    log.warn({ err: error }, 'push thread stopped; pushes in flight are retried');
    for (const [id, resolve] of pending) resolve({ id, status: null, error: 'the push thread stopped' });
    pending.clear();
  };

  const thread = (): Worker | null => {
    if (worker || failed) return worker;
    try {
      const started = new Worker(threadEntry, { workerData: options });
      started.unref();
      started.on('message', (results: SendResult[] | { ready: true }) => {
        if (!Array.isArray(results)) return;
        for (const result of results) {
          pending.get(result.id)?.(result);
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

  // Jobs of one turn go to the thread in one message: a message each cost the event loop ~0.5 ms under load.
  let batch: SendJob[] = [];
  const post = () => {
    const jobs = batch;
    batch = [];
    const target = thread();
    if (target) target.postMessage(jobs);
    else for (const job of jobs) void sendPush(transport, job).then((result) => { pending.get(job.id)?.(result); pending.delete(job.id); });
  };

  return {
    send(job: Omit<SendJob, 'id'>): Promise<SendResult> {
      const id = nextId++;
      const target = thread();
      if (!target) return sendPush(transport, { ...job, id });
      return new Promise((resolve) => {
        // Held while it has work: a push in flight keeps the process alive, an idle thread does not.
        if (pending.size === 0) target.ref();
        pending.set(id, resolve);
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
