// The service worker, served at /sw.js with scope /. It keeps the app shell so the app starts offline (and says so,
// rather than showing the browser's error page), and it turns Web Push messages into notifications whose tap opens
// the question. It never answers /api/ or /ws from a cache: what the API says must be live or visibly missing.
import type { PushPayload } from '../../server/contracts/push.js';

// Filled in by scripts/build-web.mjs: the shell's exact URLs (with their content hashes) and a version for them.
declare const SHELL: string[];
declare const SHELL_VERSION: string;

// tsconfig types the client against the DOM library; these are the few worker-scope types the DOM one lacks.
interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface PushEvent extends ExtendableEvent {
  data: { json(): unknown } | null;
}
interface NotificationEvent extends ExtendableEvent {
  notification: Notification;
}
interface ExtendableMessageEvent extends ExtendableEvent {
  data: unknown;
}
interface WindowClient {
  url: string;
  focused: boolean;
  focus(): Promise<WindowClient>;
  postMessage(message: unknown): void;
}
interface WorkerScope {
  registration: ServiceWorkerRegistration;
  location: Location;
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClient[]>;
    openWindow(url: string): Promise<WindowClient | null>;
    claim(): Promise<void>;
  };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (event: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (event: FetchEvent) => void): void;
  addEventListener(type: 'push', listener: (event: PushEvent) => void): void;
  addEventListener(type: 'notificationclick', listener: (event: NotificationEvent) => void): void;
  addEventListener(type: 'message', listener: (event: ExtendableMessageEvent) => void): void;
}
const sw = self as unknown as WorkerScope;

const CACHE_PREFIX = 'helpforce-shell-';
const CACHE = `${CACHE_PREFIX}${SHELL_VERSION}`;
/** Paths that are data, not shell: always the network, never a cache. */
const LIVE = /^\/(api|ws|health|docs|metrics)(\/|$)/;

sw.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'reload' }))))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(keys.filter((k) => k.startsWith(CACHE_PREFIX) && k !== CACHE).map((k) => caches.delete(k))),
      )
      .then(() => sw.clients.claim()),
  );
});

sw.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== sw.location.origin || LIVE.test(url.pathname)) return;
  if (request.mode === 'navigate') {
    // The network first, so a new release shows at once; the kept shell only when the network is gone.
    event.respondWith(
      fetch(request).catch(async () => (await caches.match('/', { cacheName: CACHE })) ?? Response.error()),
    );
  } else if (SHELL.includes(url.pathname + url.search)) {
    event.respondWith(caches.match(request, { cacheName: CACHE }).then((hit) => hit ?? fetch(request)));
  }
});

/** A URL of this site only: a payload can never send a tap elsewhere. */
function sameOrigin(url: unknown): string {
  try {
    const target = new URL(String(url ?? '/'), sw.location.origin);
    return target.origin === sw.location.origin ? target.href : `${sw.location.origin}/`;
  } catch {
    return `${sw.location.origin}/`;
  }
}

function isPayload(value: unknown): value is PushPayload {
  const p = value as PushPayload | null;
  return !!p && typeof p.type === 'string' && typeof p.title === 'string';
}

const WITHDRAWN_SHOWN_MS = 4000;

async function showPush(payload: PushPayload): Promise<void> {
  const tag = payload.tag || payload.questionId || payload.type;
  if (payload.type === 'offer.withdrawn') {
    // Someone else took the question. A push must show something (subscriptions are userVisibleOnly, and Safari ends
    // one after a few pushes that show nothing), so a quiet "taken" replaces the offer under its tag, then goes.
    await sw.registration.showNotification(payload.title, {
      body: payload.body,
      tag,
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      silent: true,
      data: { url: sameOrigin(payload.url), type: payload.type, questionId: payload.questionId ?? null },
    });
    await new Promise((resolve) => setTimeout(resolve, WITHDRAWN_SHOWN_MS));
    const shown = await sw.registration.getNotifications({ tag });
    shown.filter((n) => (n.data as { type?: string } | null)?.type === 'offer.withdrawn').forEach((n) => n.close());
    return;
  }
  const offer = payload.type === 'offer';
  await sw.registration.showNotification(payload.title, {
    body: payload.body,
    tag,
    icon: '/icon-192.png',
    badge: '/icon-192.png',
    data: { url: sameOrigin(payload.url), type: payload.type, questionId: payload.questionId ?? null },
    // An offer waits for the expert (it should not fade after a few seconds) and buzzes again when it replaces one.
    requireInteraction: offer,
    renotify: offer,
  } as NotificationOptions);
}

sw.addEventListener('push', (event) => {
  let payload: unknown = null;
  try {
    payload = event.data?.json();
  } catch {
    payload = null;
  }
  if (isPayload(payload)) event.waitUntil(showPush(payload));
});

/** What a tap does: an open Helpforce window goes to the URL (without reloading), or a new one opens there. */
async function openNotification(notification: Notification): Promise<void> {
  notification.close();
  const url = sameOrigin((notification.data as { url?: string } | null)?.url);
  const windows = await sw.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const client = windows.find((c) => c.focused) ?? windows[0];
  if (!client) {
    await sw.clients.openWindow(url);
    return;
  }
  client.postMessage({ type: 'open', url });
  // Focusing needs the tap's user activation; without one (the message path below) the window stays where it is.
  await client.focus().catch(() => undefined);
}

sw.addEventListener('notificationclick', (event) => event.waitUntil(openNotification(event.notification)));

// A page may act on one of this site's shown notifications as a tap would. Browser tests need it (the DevTools
// protocol cannot tap a system notification); it can only do what a tap on that notification does.
sw.addEventListener('message', (event) => {
  const data = event.data as { type?: string; tag?: string } | null;
  if (data?.type !== 'open-notification' || typeof data.tag !== 'string') return;
  event.waitUntil(
    sw.registration
      .getNotifications({ tag: data.tag })
      .then((shown) => (shown[0] ? openNotification(shown[0]) : undefined)),
  );
});
