// One timer for the whole page: every second it refreshes the ages, SLA timers and offer countdowns that views
// render as data attributes, so views never leak intervals.
import { duration, since } from './format.js';

export function slaState(fromIso: string, dueIso: string, now = Date.now()): 'ok' | 'warn' | 'late' {
  const due = Date.parse(dueIso);
  const total = Math.max(1, due - Date.parse(fromIso));
  const left = due - now;
  if (left <= 0) return 'late';
  return left / total <= 0.25 ? 'warn' : 'ok';
}

/** `reply` reads as a sentence, for places where an SLA sits beside other countdowns (the offer card). */
export function slaText(dueIso: string, now = Date.now(), kind?: string): string {
  const left = Date.parse(dueIso) - now;
  if (kind === 'reply') return left >= 0 ? `Reply due in ${duration(left)}` : `Reply ${duration(-left)} overdue`;
  return left >= 0 ? `${duration(left)} left` : `${duration(-left)} over`;
}

export function offerWindowText(expiresIso: string, now = Date.now()): string {
  const left = Date.parse(expiresIso) - now;
  return left > 0 ? `Offer open ${duration(left)} more` : 'Offer closed';
}

function tick(): void {
  const now = Date.now();
  document.querySelectorAll<HTMLElement>('[data-age]').forEach((el) => {
    el.textContent = since(el.dataset.age!, now);
  });
  document.querySelectorAll<HTMLElement>('[data-sla-due]').forEach((el) => {
    const state = slaState(el.dataset.slaFrom!, el.dataset.slaDue!, now);
    el.textContent = slaText(el.dataset.slaDue!, now, el.dataset.slaKind);
    el.className = `sla sla-${state}`;
  });
  document.querySelectorAll<HTMLElement>('[data-expires]').forEach((el) => {
    el.textContent = offerWindowText(el.dataset.expires!, now);
  });
}

export function startClock(): void {
  setInterval(tick, 1000);
}
