// Small pieces shared by the views: badges, tag chips, timers, toasts, buttons that show progress.
import type { QuestionStatus, QuestionSummary, ReplyStatus } from '../../server/contracts/api.js';
import { ApiError } from './api.js';
import { slaState, slaText } from './clock.js';
import { type Child, h, nextId, replace } from './dom.js';
import { STATUS_LABEL, isOpen, since } from './format.js';
import { displayHandle } from '../../server/domain/channel-display.js';

export function statusBadge(status: QuestionStatus | ReplyStatus): HTMLElement {
  return h('span', { class: `badge st-${status}` }, STATUS_LABEL[status] ?? status);
}

/** "4m 05s ago", kept current by the page clock. */
export function age(iso: string): HTMLElement {
  return h(
    'span',
    { class: 'age' },
    h('time', { datetime: iso, 'data-age': iso, title: new Date(iso).toLocaleString() }, since(iso)),
    ' ago',
  );
}

export function sla(q: QuestionSummary): HTMLElement | null {
  if (!isOpen(q.status)) return null;
  const state = slaState(q.receivedAt, q.slaDueAt);
  return h(
    'span',
    {
      class: `sla sla-${state}`,
      'data-sla-from': q.receivedAt,
      'data-sla-due': q.slaDueAt,
      title: `SLA due ${new Date(q.slaDueAt).toLocaleString()}`,
    },
    slaText(q.slaDueAt),
  );
}

export function tagChips(
  tags: { slug: string; confidence?: number; source?: string }[],
  sensitive?: Set<string>,
): HTMLElement {
  if (!tags.length) return h('span', { class: 'chip chip-none' }, 'untagged');
  return h(
    'span',
    { class: 'chips' },
    tags.map((t) =>
      h(
        'span',
        {
          class: `chip${sensitive?.has(t.slug) ? ' chip-sensitive' : ''}`,
          title: t.source
            ? `${t.source}${t.confidence !== undefined ? `, confidence ${Math.round(t.confidence * 100)}%` : ''}`
            : undefined,
        },
        t.slug,
        sensitive?.has(t.slug) ? ' (sensitive)' : null,
      ),
    ),
  );
}

export function author(q: QuestionSummary): HTMLElement {
  const name = q.author.name && q.author.name !== q.author.handle ? ` ${q.author.name}` : null;
  return h('span', { class: 'author' }, h('strong', null, displayHandle(q.channel, q.author.handle)), name);
}

export function flagNote(q: QuestionSummary): HTMLElement | null {
  if (!q.flag) return null;
  const text: Record<string, string> = {
    'no-tag': 'No tag matched',
    'no-match': 'No matching expert: sent to generalists',
    'no-expert': 'No expert available',
    spam: 'Suspected spam: waiting for a manager',
  };
  return h('span', { class: 'flag' }, text[q.flag] ?? q.flag);
}

let toastRegion: HTMLElement | null = null;
/** More than this and the oldest goes: a burst of messages must not pile up over what the user is doing. */
const MAX_TOASTS = 3;
const keyed = new Map<string, HTMLElement>();

/**
 * A short message in the live region; returns its element. A `key` makes it replace the message with the same key
 * still showing (a running count, say) instead of stacking another.
 */
export function toast(
  message: string,
  kind: 'info' | 'ok' | 'error' = 'info',
  link?: { href: string; label: string },
  key?: string,
): HTMLElement {
  if (!toastRegion) {
    toastRegion = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastRegion);
  }
  const el = h(
    'div',
    { class: `toast toast-${kind}` },
    message,
    link ? [' ', h('a', { href: link.href }, link.label)] : null,
  );
  const showing = key ? keyed.get(key) : undefined;
  if (showing?.isConnected) showing.replaceWith(el);
  else toastRegion.append(el);
  if (key) keyed.set(key, el);
  while (toastRegion.childElementCount > MAX_TOASTS) toastRegion.firstElementChild!.remove();
  setTimeout(() => el.remove(), kind === 'error' || link ? 10_000 : 4500);
  return el;
}

export const errorText = (err: unknown): string =>
  err instanceof ApiError ? err.message : 'Something went wrong. Try again.';

/** Runs an action from a button: disables it meanwhile, reports failures in a toast. */
export async function busy<T>(button: { disabled: boolean } | null, action: () => Promise<T>): Promise<T | undefined> {
  if (button) button.disabled = true;
  try {
    return await action();
  } catch (err) {
    toast(errorText(err), 'error');
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

export function button(
  label: Child,
  onclick: (ev: MouseEvent) => void,
  attrs: Record<string, unknown> = {},
): HTMLButtonElement {
  return h('button', { type: 'button', ...attrs, onclick }, label);
}

/**
 * A secret the server shows this once (an API token, a webhook's signing secret), selected for copying, in `into`:
 * `what` names it in the sentence and for screen readers.
 */
export function showOnce(into: Element, what: string, value: string, hint: string): void {
  const box = h('input', {
    type: 'text',
    readonly: true,
    value,
    'aria-label': what.charAt(0).toUpperCase() + what.slice(1),
    style: { width: '100%', fontFamily: 'monospace' },
  });
  replace(
    into,
    h('p', null, h('strong', null, `Copy the ${what} now: `), 'it is not shown again.'),
    box,
    h('p', { class: 'muted small' }, hint),
  );
  box.select();
}

export function empty(text: Child): HTMLElement {
  return h('p', { class: 'empty' }, text);
}

export function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', null, title), ...children);
}

export function meter(value: number, max: number, label: string): HTMLElement {
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  return h(
    'span',
    { class: 'meter-wrap' },
    h(
      'span',
      { class: `meter${ratio >= 1 ? ' meter-full' : ''}`, role: 'img', 'aria-label': label },
      h('span', { class: 'meter-fill', style: { width: `${ratio * 100}%` } }),
    ),
    h('span', { class: 'meter-text' }, `${value}/${max}`),
  );
}

/**
 * Asks before an action that is hard to take back (dismiss, reassign), in the page: a modal `<dialog>` that keeps
 * focus, reads as a dialog to a screen reader, closes on Escape, and starts on Cancel so Enter does not confirm by
 * accident. Warnings are what the manager may not have seen (a fresh claim, a full load).
 */
export function confirmAction(options: {
  title: string;
  warnings?: string[];
  confirm: string;
  danger?: boolean;
}): Promise<boolean> {
  const titleId = nextId('confirm');
  const cancel = h('button', { type: 'button' }, 'Cancel');
  const ok = h('button', { type: 'button', class: options.danger ? 'danger' : 'primary' }, options.confirm);
  const warnings = options.warnings ?? [];
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': titleId },
    h('h2', { id: titleId }, options.title),
    warnings.length
      ? h(
          'ul',
          { class: 'warnings' },
          warnings.map((w) => h('li', null, w)),
        )
      : null,
    h('div', { class: 'form-actions' }, cancel, ok),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    ok.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    cancel.focus();
  });
}

/**
 * What the customer is asking now: on a follow-up, their new post first, marked as such, with the question it
 * follows below; otherwise the question. `tag` is 'p' in cards and 'span' inside a row link.
 */
export function askedNow(q: QuestionSummary, tag: 'p' | 'span' = 'p', label = 'Follow-up'): HTMLElement[] {
  const textClass = tag === 'p' ? 'qtext' : 'row-text';
  if (!q.followUp) return [h(tag, { class: textClass }, q.text)];
  return [
    h(
      tag,
      { class: `${textClass} followup-text` },
      h('span', { class: 'chip chip-followup' }, label),
      ' ',
      q.followUp.text,
    ),
    h(tag, { class: 'muted small followup-of' }, 'Following up on: ', q.text),
  ];
}
