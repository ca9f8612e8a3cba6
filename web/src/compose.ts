// Writing a reply: the exact public text (reply + attribution) and its length as the question's network counts it,
// computed by the server's own code (server/domain/attribution.ts, length-rules.ts, channel-display.ts), so what the
// counter allows the server accepts: X's weighted count, Bluesky's graphemes, a Mastodon instance's own limit.
import type { QuestionSummary, Reply } from '../../server/contracts/api.js';
import { MAX_WEIGHTED_LENGTH, buildPreview, weightedLength } from '../../server/domain/attribution.js';
import {
  channelLabel,
  displayHandle,
  type LengthRuleInfo,
  ruleFromInfo,
  X_RULE_INFO,
} from '../../server/domain/channel-display.js';
import { type Customer, reuseFor } from '../../server/domain/snippet-variables.js';
import { ApiError, post } from './api.js';
import { h, nextId, replace } from './dom.js';
import { session } from './session.js';
import { errorText, toast } from './ui.js';

export const WARN_REMAINING = 20;

/** `max`: the limit of the question's network; `unit`: what it counts, read out with the count. */
export function counter(
  max = MAX_WEIGHTED_LENGTH,
  unit = X_RULE_INFO.unit,
): { el: HTMLElement; set(length: number): void } {
  const text = h('span', { class: 'counter-text' });
  const bar = h('span', { class: 'counter-fill' });
  const live = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  const el = h(
    'div',
    { class: 'counter' },
    h('span', { class: 'counter-bar', 'aria-hidden': 'true' }, bar),
    text,
    live,
  );
  let lastZone = '';
  return {
    el,
    set(length: number) {
      const remaining = max - length;
      const zone = remaining < 0 ? 'over' : remaining <= WARN_REMAINING ? 'warn' : 'ok';
      el.className = `counter counter-${zone}`;
      el.title = unit;
      text.textContent = `${length} / ${max}`;
      bar.style.width = `${Math.min(100, (length / max) * 100)}%`;
      if (zone !== lastZone) {
        live.textContent =
          zone === 'over' ? `Too long by ${-remaining}.` : zone === 'warn' ? `${remaining} characters left.` : '';
        lastZone = zone;
      }
    },
  };
}

/** What the network counts differently from what a person sees, said where the limit is near. */
const COUNTING: Record<LengthRuleInfo['kind'], string> = {
  'x-weighted': 'Links count as 23, emoji and CJK characters as 2.',
  graphemes: 'An emoji or a flag counts as 1.',
  mastodon: 'Links count as 23.',
};

function warning(remaining: number, rule: LengthRuleInfo, network: string): string {
  if (remaining < 0)
    return `Too long by ${-remaining}: ${network} allows ${rule.max} including your signature. Shorten it to send.`;
  if (remaining <= WARN_REMAINING) return `Close to the limit: ${remaining} left. ${COUNTING[rule.kind]}`;
  return '';
}

/** The public post as the customer will see it, from the brand account; `replyTo` as their network writes them. */
export function publicPreview(text: string, replyTo?: string, channel = 'x'): HTMLElement {
  return h(
    'figure',
    { class: 'tweet' },
    h(
      'figcaption',
      { class: 'muted' },
      replyTo ? `Brand account, replying to ${displayHandle(channel, replyTo)}` : 'Brand account',
    ),
    h('p', { class: 'tweet-text' }, text),
  );
}

export interface ComposerOptions {
  question: QuestionSummary;
  signature: string;
  initialText?: string;
  /** The rule of the question's network (its view's `channelInfo.length`); X's when not given, as the server does. */
  rule?: LengthRuleInfo;
  onSubmitted(reply: Reply): void;
}

export interface Composer extends HTMLFormElement {
  /** `from`: the customer a reused answer was written for, whose handle and name give way to this customer's. */
  insert(text: string, from?: Customer | null): void;
}

export function composer(opts: ComposerOptions): Composer {
  const draftKey = `helpforce:draft:${opts.question.id}`;
  const textarea = h('textarea', { id: nextId('reply'), rows: 5, maxlength: 2000, required: true, spellcheck: true });
  textarea.value = localStorage.getItem(draftKey) ?? opts.initialText ?? '';
  const ruleInfo = opts.rule ?? X_RULE_INFO;
  const rule = ruleFromInfo(ruleInfo);
  const channel = opts.question.channel;
  const count = counter(rule.max, rule.unit);
  const warn = h('p', { class: 'warn', id: nextId('warn') });
  const previewSlot = h('div');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Send reply');
  const error = h('p', { class: 'error', role: 'alert' });
  textarea.setAttribute('aria-describedby', `${warn.id}`);

  const update = () => {
    const template = session.templates[channel] ?? session.template;
    const p = buildPreview(textarea.value, opts.signature, template, rule);
    count.set(p.weightedLength);
    warn.textContent = warning(p.remaining, ruleInfo, channelLabel(channel));
    replace(previewSlot, publicPreview(p.preview, opts.question.author.handle, channel));
    submit.disabled = !p.fits;
    submit.title = p.fits ? '' : textarea.value.trim() ? 'The public text is over the limit' : 'Write a reply first';
  };
  textarea.addEventListener('input', () => {
    if (textarea.value) localStorage.setItem(draftKey, textarea.value);
    else localStorage.removeItem(draftKey);
    update();
  });

  const form = h(
    'form',
    { class: 'compose' },
    h('label', { for: textarea.id }, 'Your reply'),
    textarea,
    h(
      'div',
      { class: 'compose-meta' },
      count.el,
      h(
        'span',
        { class: 'muted' },
        'Signed ',
        h('strong', null, opts.signature),
        ' · ',
        h('a', { href: '#/profile' }, 'change'),
      ),
    ),
    warn,
    h('h3', null, 'Public preview'),
    previewSlot,
    error,
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const { reply } = await post<{ reply: Reply }>(`/api/questions/${encodeURIComponent(opts.question.id)}/replies`, {
        text: textarea.value,
      });
      localStorage.removeItem(draftKey);
      toast(
        reply.status === 'in_review' ? 'Sent: a community manager will review it.' : 'Sent: it is going out now.',
        'ok',
      );
      opts.onSubmitted(reply);
    } catch (err) {
      error.textContent =
        err instanceof ApiError && err.status === 422 ? `The server refused it: ${err.message}` : errorText(err);
      update();
    }
  });
  update();
  const api = form as Composer;
  // Reused text goes in as a start: into an empty box as is, otherwise after what is already written, always
  // addressed to this question's customer.
  const customer = { handle: opts.question.author.handle, name: opts.question.author.name };
  api.insert = (reused: string, from: Customer | null = null) => {
    const text = reuseFor(reused, from, customer);
    textarea.value = textarea.value.trim() ? `${textarea.value.trimEnd()} ${text}` : text;
    textarea.dispatchEvent(new Event('input'));
    textarea.focus();
  };
  return api;
}

/** Live length of an edited reply whose attribution we only know from the server's preview (the reviewer's edit). */
export function previewWithText(
  reply: Pick<Reply, 'text' | 'preview'>,
  text: string,
  measure: (text: string) => number = weightedLength,
): { preview: string; weightedLength: number } {
  const old = reply.text.trim();
  const at = reply.preview.indexOf(old);
  const preview =
    at >= 0 ? reply.preview.slice(0, at) + text.trim() + reply.preview.slice(at + old.length) : text.trim();
  return { preview, weightedLength: measure(preview) };
}
