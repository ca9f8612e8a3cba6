// One WebSocket per tab. Views subscribe to typed events; when the socket drops we show "offline", reconnect with
// jittered exponential backoff, and after reconnecting tell every view to resync from the REST API, because events
// sent while we were away are gone.
import type { SessionResponse } from '../../server/contracts/api.js';
import type { ClientEvent, ClientEventMap, ClientEventType } from '../../server/contracts/events.js';
import { ApiError, get } from './api.js';
import { session } from './session.js';

export type ConnectionState = 'connecting' | 'live' | 'offline';
type Handler<T extends ClientEventType> = (data: ClientEventMap[T], event: ClientEvent<T>) => void;

const handlers = new Map<string, Set<(data: any, event: any) => void>>();
const stateListeners = new Set<(state: ConnectionState, retryAt: number | null) => void>();
const resyncListeners = new Set<() => void>();

let socket: WebSocket | null = null;
let state: ConnectionState = 'offline';
let attempt = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let wanted = false;
let everOpened = false;

export function on<T extends ClientEventType>(type: T, handler: Handler<T>): () => void {
  let set = handlers.get(type);
  if (!set) handlers.set(type, (set = new Set()));
  set.add(handler);
  return () => set!.delete(handler);
}

/** Subscribe to several event types with one handler (the queue cares about every question change). */
export function onAny(types: ClientEventType[], handler: (event: ClientEvent) => void): () => void {
  const offs = types.map((t) => on(t, (_d, ev) => handler(ev as ClientEvent)));
  return () => offs.forEach((off) => off());
}

export function onResync(handler: () => void): () => void {
  resyncListeners.add(handler);
  return () => resyncListeners.delete(handler);
}

export function onState(listener: (state: ConnectionState, retryAt: number | null) => void): () => void {
  stateListeners.add(listener);
  listener(state, null);
  return () => stateListeners.delete(listener);
}

function setState(next: ConnectionState, retryAt: number | null = null): void {
  state = next;
  stateListeners.forEach((l) => l(next, retryAt));
}

function dispatch(raw: string): void {
  let event: ClientEvent;
  try {
    event = JSON.parse(raw) as ClientEvent;
  } catch {
    return;
  }
  if (!event || typeof event.type !== 'string') return;
  handlers.get(event.type)?.forEach((h) => {
    try {
      h(event.data, event);
    } catch (err) {
      console.error('realtime handler failed', event.type, err);
    }
  });
}

function open(): void {
  clearTimeout(retryTimer);
  if (!wanted) return;
  setState('connecting');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  const ws = new WebSocket(url);
  socket = ws;
  ws.onopen = () => {
    attempt = 0;
    setState('live');
    if (everOpened) resyncListeners.forEach((l) => l());
    everOpened = true;
  };
  ws.onmessage = (m) => dispatch(typeof m.data === 'string' ? m.data : '');
  ws.onclose = (event) => {
    if (socket !== ws) return;
    lost();
    if (event.code === ACCOUNT_CHANGED) void accountChanged();
  };
}

/** The server closes a user's connections with this code when an admin changes their role or access. */
const ACCOUNT_CHANGED = 4001;

/** Start over as who we are now: the sign-in page if access ended, the new role's views if it changed. */
async function accountChanged(): Promise<void> {
  try {
    const me = await get<SessionResponse>('/api/me');
    if (me.user.role !== session.user?.role) location.reload();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) location.reload();
  }
}

/** The socket is gone (closed by the server, or the network went away): say so and schedule a retry. */
function lost(): void {
  const ws = socket;
  socket = null;
  if (ws) {
    ws.onclose = ws.onmessage = ws.onopen = null;
    ws.close();
  }
  if (!wanted) {
    setState('offline');
    return;
  }
  clearTimeout(retryTimer);
  const delay = Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
  attempt++;
  setState('offline', Date.now() + delay);
  retryTimer = setTimeout(open, delay);
}

export function connect(): void {
  wanted = true;
  if (!socket) open();
}

export function disconnect(): void {
  wanted = false;
  everOpened = false;
  clearTimeout(retryTimer);
  const ws = socket;
  socket = null;
  ws?.close();
  setState('offline');
}

/** Retry at once when the tab comes back or the network returns, instead of waiting out the backoff. */
export function reconnectNow(): void {
  if (wanted && !socket) {
    attempt = 0;
    open();
  }
}
addEventListener('online', reconnectNow);
// A socket can look open for a long time after the network is gone; the browser knows sooner.
addEventListener('offline', () => {
  if (socket) lost();
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') reconnectNow();
});
