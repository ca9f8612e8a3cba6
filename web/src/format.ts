// How numbers and times read on screen. Durations are compact ("4m 05s") because they sit in dense lists.
import type { QuestionStatus, ReplyStatus } from '../../server/contracts/api.js';

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(hrs / 24)}d ${hrs % 24}h`;
}

export const since = (iso: string, now = Date.now()): string => duration(now - Date.parse(iso));

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? '—' : `${Math.round(ratio * 100)}%`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export const STATUS_LABEL: Record<QuestionStatus | ReplyStatus, string> = {
  new: 'New',
  offered: 'Offered',
  claimed: 'Claimed',
  in_review: 'In review',
  approved: 'Approved',
  posting: 'Posting',
  answered: 'Answered',
  closed: 'Closed',
  escalated: 'Escalated',
  dismissed: 'Dismissed',
  failed: 'Failed',
  posted: 'Posted',
  rejected: 'Needs changes',
};

export const OPEN_STATUSES: QuestionStatus[] = [
  'new',
  'offered',
  'escalated',
  'claimed',
  'in_review',
  'approved',
  'posting',
  'failed',
];
export const isOpen = (status: QuestionStatus): boolean => OPEN_STATUSES.includes(status);

// Reason keys come from the router (server/domain/routing/score.ts); unknown keys are shown humanized.
const REASON_LABEL: Record<string, string> = {
  activity: 'Active answerer',
  recent: 'Answered recently',
  shift: 'Usually on at this hour',
  similar: 'Answered similar questions',
  tags: 'Answers this topic',
  load: 'Current load',
  record: 'Approval record',
  speed: 'Reply speed',
  fairness: 'Fair share',
  'previous-expert': 'Answered this customer before',
  'assigned-by-manager': 'Assigned by a manager',
  generalist: 'Generalist',
  availability: 'Available now',
  learned_pattern: 'Learned from past answers',
};

export function reasonLabel(key: string): string {
  if (key.startsWith('skill:')) return `Skill: ${key.slice(6)}`;
  if (REASON_LABEL[key]) return REASON_LABEL[key];
  const words = key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Signed, so a reason that counted against the expert reads as such. */
export function reasonValue(value: number): string {
  const text = Number.isInteger(value) ? String(Math.abs(value)) : Math.abs(value).toFixed(2);
  return value < 0 ? `\u2212${text}` : `+${text}`;
}

export const score = (value: number): string => value.toFixed(2);

export const postUrl = (externalId: string): string => `https://x.com/i/web/status/${encodeURIComponent(externalId)}`;
