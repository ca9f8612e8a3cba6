// The timer every polling channel runs: poll, report to the status board that /health shows, wait the interval (or
// what the network asked for: a rate-limit reset, a back-off after failures), and poll again; stopping waits for
// the poll in flight, so nothing is written to a database that is closing.
import type { z } from 'zod';
import type { ChannelHealthSchema } from '../contracts/api.js';
import type { Clock } from '../domain/clock.js';

type ChannelHealth = z.infer<typeof ChannelHealthSchema>;

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface PollLoopOptions {
  clock: Clock;
  intervalMs: number;
  report: (patch: Partial<ChannelHealth>) => void;
  log: Logger;
  /** Log lines, e.g. { ingested: 'mentions ingested', failed: 'mention poll failed' }. */
  messages: { ingested: string; failed: string };
  /** One poll: how many posts it stored, and how long the network asked us to wait before the next. */
  poll: () => Promise<{ ingested: number; waitMs: number }>;
  /** After the n-th failure in a row: how long to wait, and whether that is the network's wait (429) or a back-off. */
  retry: (error: unknown, failures: number, now: number) => { delayMs: number; waiting: boolean };
  describe: (error: unknown) => string;
}

export function createPollLoop({ clock, intervalMs, report, log, messages, poll, retry, describe }: PollLoopOptions) {
  let timer: NodeJS.Timeout | null = null;
  let inFlight: Promise<void> | null = null;
  let failures = 0;
  let stopped = true;
  const at = (ms: number) => new Date(ms).toISOString();

  /** One poll with the status board updated, as the timer runs it; returns the delay before the next. */
  async function cycle(): Promise<number> {
    report({ state: 'polling' });
    try {
      const { ingested, waitMs } = await poll();
      failures = 0;
      report({
        state: waitMs > 0 ? 'waiting' : 'ok',
        lastPollAt: at(clock.now()),
        lastError: null,
        waitUntil: waitMs > 0 ? at(clock.now() + waitMs) : null,
      });
      if (ingested > 0) log.info({ ingested }, messages.ingested);
      return Math.max(intervalMs, waitMs);
    } catch (error) {
      failures++;
      const next = retry(error, failures, clock.now());
      const reason = describe(error);
      report({
        state: next.waiting ? 'waiting' : 'error',
        lastError: reason,
        waitUntil: at(clock.now() + next.delayMs),
      });
      log.warn({ reason, retryInMs: next.delayMs }, messages.failed);
      return next.delayMs;
    }
  }

  function schedule(delay: number) {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = cycle()
        .then(schedule)
        .finally(() => {
          inFlight = null;
        });
    }, delay);
    timer.unref();
  }

  return {
    cycle,
    start() {
      stopped = false;
      schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await inFlight;
      report({ state: 'disabled' });
    },
  };
}
