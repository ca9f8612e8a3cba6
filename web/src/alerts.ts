// A manager's open tab calls for attention when a question escalates, a reply fails to post or a question passes
// its SLA: a browser notification (once the manager allowed them, from a button), a count in the tab's title until
// the queue has been looked at, and a short beep if the manager turned sound on in this browser.
import type { QuestionSummary } from '../../server/contracts/api.js';
import type { ClientEventType } from '../../server/contracts/events.js';
import { questionTopic, questionUrl } from '../../server/listeners/push-messages.js';
import { get, query } from './api.js';
import { OPEN_STATUSES, isOpen } from './format.js';
import { on, onAny, onResync } from './realtime.js';
import { displayHandle } from '../../server/domain/channel-display.js';

const SOUND_KEY = 'helpforce.alertSound';
/** How often open questions are checked against their SLA; a breach shows within this of happening. */
const SLA_CHECK_MS = 5000;
const QUESTION_EVENTS: ClientEventType[] = [
  'question.created',
  'question.updated',
  'question.offered',
  'question.claimed',
  'question.released',
  'question.escalated',
  'question.reopened',
  'reply.submitted',
  'reply.approved',
  'reply.rejected',
  'reply.posted',
  'reply.failed',
];

let unseen = 0;
const listeners = new Set<() => void>();
/** Keys of what was already alerted, so a repeated event or a resync never alerts twice. */
const alerted = new Set<string>();
/** Open questions with their SLA due time, kept current from the same events the queue follows. */
const watched = new Map<string, QuestionSummary>();
let started = false;

export const unseenAlerts = (): number => unseen;

export function onAlertsChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function setUnseen(n: number): void {
  if (n === unseen) return;
  unseen = n;
  listeners.forEach((l) => l());
}

export const alertSound = (): boolean => localStorage.getItem(SOUND_KEY) === '1';

/** Turning sound on plays the beep once: the manager hears what to expect, and the click unlocks audio. */
export function setAlertSound(enabled: boolean): void {
  if (enabled) localStorage.setItem(SOUND_KEY, '1');
  else localStorage.removeItem(SOUND_KEY);
  if (enabled) beep();
}

export type NotifyPermission = NotificationPermission | 'unsupported';
export const notifyPermission = (): NotifyPermission =>
  'Notification' in window ? Notification.permission : 'unsupported';

/** Only ever called from the manager's click on "Allow browser notifications". */
export async function allowNotifications(): Promise<NotifyPermission> {
  if (!('Notification' in window)) return 'unsupported';
  return Notification.requestPermission();
}

let audio: AudioContext | null = null;
function beep(): void {
  try {
    audio ??= new AudioContext();
    void audio.resume();
    const at = audio.currentTime;
    const tone = audio.createOscillator();
    const gain = audio.createGain();
    tone.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, at);
    gain.gain.exponentialRampToValueAtTime(0.001, at + 0.25);
    tone.connect(gain).connect(audio.destination);
    tone.start(at);
    tone.stop(at + 0.25);
  } catch {
    // No audio output (or none allowed yet): the title and the notification still carry the alert.
  }
}

const lookingAtQueue = (): boolean =>
  document.visibilityState === 'visible' && document.hasFocus() && location.hash.startsWith('#/queue');

/**
 * Shown through the service worker when there is one, so a tap opens the question as a pushed one does; tagged as
 * the server tags its pushes, so a manager who also gets them sees one notification per question, not two.
 */
async function notify(title: string, body: string, q: QuestionSummary): Promise<void> {
  if (notifyPermission() !== 'granted') return;
  const url = `${location.origin}${questionUrl(q.id)}`;
  const options = {
    body,
    tag: questionTopic(q.id),
    icon: '/icon-192.png',
    data: { url, type: 'alert', questionId: q.id },
  };
  const reg = 'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration() : undefined;
  if (reg) return reg.showNotification(title, options);
  const shown = new Notification(title, options);
  shown.onclick = () => {
    focus();
    location.hash = questionUrl(q.id).slice(1);
  };
}

function raise(key: string, title: string, body: string, q: QuestionSummary): void {
  if (alerted.has(key)) return;
  alerted.add(key);
  if (!lookingAtQueue()) setUnseen(unseen + 1);
  void notify(title, body, q).catch((err: unknown) => console.warn('alert notification failed', err));
  if (alertSound()) beep();
}

const excerpt = (q: QuestionSummary): string =>
  `${displayHandle(q.channel, q.author.handle)}: ${q.text.length > 120 ? `${q.text.slice(0, 119)}…` : q.text}`;
const breachKey = (q: QuestionSummary): string => `breach:${q.id}:${q.slaDueAt}`;

function track(q: QuestionSummary): void {
  const known = watched.get(q.id);
  if (known && Date.parse(known.updatedAt) > Date.parse(q.updatedAt)) return;
  if (isOpen(q.status)) watched.set(q.id, q);
  else watched.delete(q.id);
}

function checkSla(now = Date.now()): void {
  for (const q of watched.values()) {
    if (Date.parse(q.slaDueAt) <= now) raise(breachKey(q), 'SLA breached', excerpt(q), q);
  }
}

/** Loads the open questions; breaches that happened before the tab was watching are taken as already known. */
async function loadOpen(): Promise<void> {
  const res = await get<{ items: QuestionSummary[] }>(
    `/api/questions${query({ status: OPEN_STATUSES.join(','), sort: 'sla', limit: 200 })}`,
  );
  const now = Date.now();
  watched.clear();
  for (const q of res.items) {
    track(q);
    if (Date.parse(q.slaDueAt) <= now) alerted.add(breachKey(q));
  }
}

export function startAlerts(): void {
  if (started) return;
  started = true;
  onAny(QUESTION_EVENTS, (ev) => {
    const q = (ev.data as { question?: QuestionSummary }).question;
    if (q) track(q);
  });
  on('question.escalated', ({ question: q }) =>
    raise(`escalated:${q.id}:${q.updatedAt}`, 'Question escalated: nobody took it', excerpt(q), q),
  );
  on('reply.failed', ({ question: q, reply, reason }) =>
    raise(`failed:${reply.id}:${reply.updatedAt}`, 'A reply failed to post', `${reason} (${excerpt(q)})`, q),
  );
  onResync(() => void loadOpen().catch(() => {}));
  void loadOpen().catch(() => {});
  setInterval(checkSla, SLA_CHECK_MS);

  addEventListener('focus', () => setUnseen(0));
  addEventListener('hashchange', () => {
    if (lookingAtQueue()) setUnseen(0);
  });
}
