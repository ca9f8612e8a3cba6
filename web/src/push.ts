// This device's side of Web Push: the service worker, the browser's subscription and its record on the server.
// Permission is asked only from a button the user pressed (browsers penalise, and people refuse, prompts on load).
import { ApiError, del, get, post } from './api.js';

export type PushState = 'on' | 'off' | 'blocked' | 'needs-install' | 'unsupported';

export interface Device {
  id: string;
  createdAt: string;
  userAgent: string | null;
  lastSuccessAt: string | null;
}

/** The server's id for this browser's subscription, so "remove" and "turn off" name the same record. */
const DEVICE_KEY = 'helpforce.pushDevice';

const supported = (): boolean => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

/** iPhone and iPad offer Web Push only to an app opened from the Home Screen. */
const appleMobile = (): boolean =>
  /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
const standalone = (): boolean =>
  matchMedia('(display-mode: standalone)').matches || (navigator as { standalone?: boolean }).standalone === true;

let registration: Promise<ServiceWorkerRegistration | null> | null = null;

/**
 * Registers /sw.js (the offline shell and the push handler) and follows what it asks: a notification tap sends the
 * open window to the notification's page of this site.
 */
export function startServiceWorker(): Promise<ServiceWorkerRegistration | null> {
  if (registration) return registration;
  if (!('serviceWorker' in navigator)) return (registration = Promise.resolve(null));
  navigator.serviceWorker.addEventListener('message', (event) => {
    const data = event.data as { type?: string; url?: string } | null;
    if (data?.type !== 'open' || typeof data.url !== 'string') return;
    const target = new URL(data.url, location.href);
    if (target.origin !== location.origin) return;
    if (target.pathname === location.pathname) location.hash = target.hash;
    else location.assign(target.href);
  });
  registration = navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch((err: unknown) => {
    console.warn('service worker not registered', err);
    return null;
  });
  return registration;
}

async function subscription(): Promise<PushSubscription | null> {
  const reg = supported() ? await startServiceWorker() : null;
  return reg ? reg.pushManager.getSubscription() : null;
}

export async function pushState(): Promise<PushState> {
  if (!supported()) return appleMobile() && !standalone() ? 'needs-install' : 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  if (Notification.permission !== 'granted' || !localStorage.getItem(DEVICE_KEY)) return 'off';
  return (await subscription()) ? 'on' : 'off';
}

export const thisDeviceId = (): string | null => localStorage.getItem(DEVICE_KEY);

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
  return new Uint8Array([...atob(base64)].map((c) => c.charCodeAt(0)));
}

/** Asks permission (call from a click), subscribes with the server's VAPID key and records the subscription. */
export async function turnOn(): Promise<PushState> {
  if (!supported()) return pushState();
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return permission === 'denied' ? 'blocked' : 'off';
  const reg = await startServiceWorker();
  if (!reg)
    throw new Error('This browser did not start Helpforce’s service worker, so it cannot receive notifications.');
  await navigator.serviceWorker.ready;
  const { key } = await get<{ key: string }>('/api/push/vapid-public-key');
  let sub = await reg.pushManager.getSubscription();
  // A subscription made for another server key cannot be used with this one.
  if (sub && sub.options.applicationServerKey && !sameKey(sub.options.applicationServerKey, keyBytes(key))) {
    await sub.unsubscribe();
    sub = null;
  }
  try {
    sub ??= await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(key) });
  } catch (err) {
    throw new Error(
      `The browser’s push service did not answer (${err instanceof Error ? err.message : String(err)}). Try again later.`,
    );
  }
  const saved = await post<{ subscription: { id: string } }>('/api/me/push-subscriptions', sub.toJSON());
  localStorage.setItem(DEVICE_KEY, saved.subscription.id);
  return 'on';
}

function sameKey(a: ArrayBuffer, b: Uint8Array): boolean {
  const x = new Uint8Array(a);
  return x.length === b.length && x.every((v, i) => v === b[i]);
}

/** Stops notifications to this browser: the browser forgets the subscription and the server its record. */
export async function turnOff(): Promise<void> {
  const id = thisDeviceId();
  localStorage.removeItem(DEVICE_KEY);
  await (await subscription())?.unsubscribe().catch(() => false);
  // Already gone on the server (pruned after the push service refused it) is the outcome we wanted.
  if (id)
    await del(`/api/me/push-subscriptions/${encodeURIComponent(id)}`).catch((err: unknown) => {
      if (!(err instanceof ApiError && err.status === 404)) throw err;
    });
}

export const listDevices = (): Promise<Device[]> =>
  get<{ items: Device[] }>('/api/me/push-subscriptions').then((r) => r.items);

export async function removeDevice(id: string): Promise<void> {
  if (id === thisDeviceId()) return turnOff();
  await del(`/api/me/push-subscriptions/${encodeURIComponent(id)}`);
}
