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

export function slaText(dueIso: string, now = Date.now()): string {
  const left = Date.parse(dueIso) - now;
  return left >= 0 ? `${duration(left)} left` : `${duration(-left)} over`;
}

function tick(): void {
  const now = Date.now();
  document.querySelectorAll<HTMLElement>('[data-age]').forEach((el) => {
    el.textContent = since(el.dataset.age!, now);
  });
  document.querySelectorAll<HTMLElement>('[data-sla-due]').forEach((el) => {
    const state = slaState(el.dataset.slaFrom!, el.dataset.slaDue!, now);
    el.textContent = slaText(el.dataset.slaDue!, now);
    el.className = `sla sla-${state}`;
  });
  document.querySelectorAll<HTMLElement>('[data-expires]').forEach((el) => {
    const left = Date.parse(el.dataset.expires!) - now;
    el.textContent = left > 0 ? `offer ends in ${duration(left)}` : 'offer window over';
  });
}

export function startClock(): void {
  setInterval(tick, 1000);
}
