// The expert's live inbox: open offers, kept current from /ws and resynced from GET /api/me/offers after a
// reconnect. Lives outside the inbox view so the nav badge and the tab title count offers on every screen.
import type { Offer, QuestionSummary } from '../../server/contracts/api.js';
import type { ClientEventMap } from '../../server/contracts/events.js';
import { get } from './api.js';
import { on, onResync } from './realtime.js';
import { session } from './session.js';
import { toast } from './ui.js';
import { displayHandle } from '../../server/domain/channel-display.js';

export interface InboxItem {
  question: QuestionSummary;
  offer: Pick<Offer, 'score' | 'reasons' | 'wave' | 'expiresAt'>;
  takenBy?: string;
}

const items = new Map<string, InboxItem>();
const listeners = new Set<() => void>();
const CLAIMABLE = new Set(['new', 'offered', 'escalated']);
let started = false;

const notify = () => listeners.forEach((l) => l());

export function inboxItems(): InboxItem[] {
  return [...items.values()].sort((a, b) => Date.parse(a.question.slaDueAt) - Date.parse(b.question.slaDueAt));
}

export const openOfferCount = (): number => [...items.values()].filter((i) => !i.takenBy).length;

export function onInboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Offers made to the expert in the last hour against the hourly cap (null: no cap). */
export interface OfferQuota {
  used: number;
  max: number;
  resumesAt: string | null;
}
let quota: OfferQuota | null = null;
export const offerQuota = (): OfferQuota | null => quota;

let quotaTimer: ReturnType<typeof setTimeout> | undefined;
export async function refreshInbox(): Promise<void> {
  const res = await get<{ items: { question: QuestionSummary; offer: Offer }[]; quota: OfferQuota | null }>(
    '/api/me/offers',
  );
  items.clear();
  for (const { question, offer } of res.items) items.set(question.id, { question, offer });
  quota = res.quota;
  // At the cap, look again when the oldest offer leaves the hour, so the notice goes when offers can come again.
  clearTimeout(quotaTimer);
  if (quota?.resumesAt)
    quotaTimer = setTimeout(
      () => void refreshInbox().catch(() => {}),
      Math.max(1000, Date.parse(quota.resumesAt) - Date.now() + 1000),
    );
  notify();
}

/** Someone else holds the question now: say who, then let the card go. */
export function markTaken(questionId: string, name: string): void {
  const item = items.get(questionId);
  if (!item) return;
  item.takenBy = name;
  notify();
  setTimeout(() => {
    if (items.get(questionId) === item) {
      items.delete(questionId);
      notify();
    }
  }, 8000);
}

export function dropOffer(questionId: string): void {
  if (items.delete(questionId)) notify();
}

function update(question: QuestionSummary): void {
  const item = items.get(question.id);
  if (!item) return;
  if (CLAIMABLE.has(question.status)) {
    item.question = question;
    notify();
  } else if (!item.takenBy) {
    dropOffer(question.id);
  }
}

// Offers arriving while the expert is elsewhere (writing a reply, say) update one message with a count instead of
// stacking a message each over the page.
let offerToast: { el: HTMLElement; count: number } | null = null;
function announceOffer(handle: string): void {
  const count = offerToast?.el.isConnected ? offerToast.count + 1 : 1;
  const text =
    count === 1 ? `New question for you from ${handle}` : `${count} new questions for you, the latest from ${handle}`;
  offerToast = { el: toast(text, 'info', { href: '#/inbox', label: 'Open inbox' }, 'offers'), count };
}

export function startInbox(): void {
  if (started) return;
  started = true;
  on('question.offered', (d: ClientEventMap['question.offered']) => {
    if (d.offer.expertId !== session.user?.id) return;
    const isNew = !items.has(d.question.id);
    items.set(d.question.id, { question: d.question, offer: d.offer });
    if (isNew && quota) {
      quota.used += 1;
      // The offer that reaches the cap: ask the server when offers resume, to say so in the inbox.
      if (quota.used >= quota.max) void refreshInbox().catch(() => {});
    }
    notify();
    if (isNew && !location.hash.startsWith('#/inbox'))
      announceOffer(displayHandle(d.question.channel, d.question.author.handle));
  });
  on('question.claimed', (d) => {
    if (d.expertId === session.user?.id) dropOffer(d.question.id);
    else markTaken(d.question.id, d.expertName);
  });
  for (const type of ['question.updated', 'question.released', 'question.escalated'] as const)
    on(type, (d) => update(d.question));
  on('reply.submitted', (d) => update(d.question));
  // The public answer carries the expert's signature: when a manager changed its words, the expert hears it at once.
  on('reply.approved', (d) => {
    if (!d.editedBy || d.reply.authorId !== session.user?.id) return;
    toast(
      `${d.editedBy} edited your answer to ${displayHandle(d.question.channel, d.question.author.handle)} before approving it.`,
      'info',
      {
        href: `#/q/${encodeURIComponent(d.question.id)}`,
        label: 'See the change',
      },
    );
  });
  onResync(() => void refreshInbox().catch(() => {}));
}
