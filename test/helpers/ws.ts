// A real WebSocket client for tests: collects every event and lets a test wait for the first one that matches.
import WebSocket from 'ws';
import type { ClientEvent, ClientEventType } from '../../server/contracts/events.js';

export interface LiveClient {
  events: ClientEvent[];
  next<T extends ClientEventType>(
    type: T,
    match?: (event: ClientEvent<T>) => boolean,
    timeoutMs?: number,
  ): Promise<ClientEvent<T>>;
  close(): void;
}

export async function connectWs(baseUrl: string, headers: Record<string, string>): Promise<LiveClient> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, { headers });
  const events: ClientEvent[] = [];
  const waiters = new Set<{ type: string; match: (e: ClientEvent) => boolean; resolve: (e: ClientEvent) => void }>();
  socket.on('message', (raw) => {
    const event = JSON.parse(raw.toString()) as ClientEvent;
    events.push(event);
    for (const waiter of waiters) {
      if (waiter.type === event.type && waiter.match(event)) {
        waiters.delete(waiter);
        waiter.resolve(event);
      }
    }
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return {
    events,
    next(type, match = () => true, timeoutMs = 5000) {
      const seen = events.find((e) => e.type === type && match(e as never));
      if (seen) return Promise.resolve(seen as never);
      return new Promise((resolve, reject) => {
        const waiter = {
          type,
          match: match as (e: ClientEvent) => boolean,
          resolve: resolve as (e: ClientEvent) => void,
        };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no ${type} event within ${timeoutMs} ms`));
        }, timeoutMs).unref();
      });
    },
    close: () => socket.close(),
  };
}
