// A community manager's controls on one question: assign (with search), dismiss with a reason, re-tag, retry a
// failed post. Built once per question page so a half-typed search or reason survives live updates.
import type { Expert, QuestionDetail, Tag } from '../../../server/contracts/api.js';
import { get, post } from '../api.js';
import { field, h, nextId, replace } from '../dom.js';
import { isOpen, percent, since } from '../format.js';
import { busy, button, confirmAction, meter, toast } from '../ui.js';

let expertsCache: { at: number; items: Expert[] } | null = null;
export async function experts(maxAgeMs = 15_000): Promise<Expert[]> {
  if (!expertsCache || Date.now() - expertsCache.at > maxAgeMs) {
    expertsCache = { at: Date.now(), items: (await get<{ items: Expert[] }>('/api/experts')).items };
  }
  return expertsCache.items;
}

let tagsCache: Tag[] | null = null;
export async function allTags(fresh = false): Promise<Tag[]> {
  if (!tagsCache || fresh) tagsCache = (await get<{ items: Tag[] }>('/api/tags')).items;
  return tagsCache;
}
export const forgetTags = () => {
  tagsCache = null;
};

function rankFor(q: QuestionDetail, e: Expert): number {
  const tags = new Set(q.tags.map((t) => t.slug));
  const skill = e.skills.filter((s) => tags.has(s.tag)).reduce((sum, s) => sum + s.level, 0);
  return (
    (e.online ? 100 : 0) +
    (e.availability === 'available' ? 50 : 0) +
    skill * 5 -
    (e.load / Math.max(1, e.capacity)) * 10
  );
}

/** A claim this recent may have a reply half-written behind it: taking the question away deserves a word. */
const FRESH_HOLD_MS = 5 * 60_000;

/** Who holds the question, and since when, as a warning before it is taken from them. */
export function holdWarning(q: QuestionDetail, now = Date.now()): string | null {
  if (!q.assigneeName || !['claimed', 'in_review'].includes(q.status)) return null;
  if (q.status === 'in_review') return `${q.assigneeName}'s reply is waiting for review.`;
  const held = [...q.events].reverse().find((e) => e.type === 'question.claimed' || e.type === 'question.assigned');
  if (held && now - Date.parse(held.at) < FRESH_HOLD_MS)
    return `${q.assigneeName} took it ${since(held.at, now)} ago and may be writing a reply.`;
  return `${q.assigneeName} holds it.`;
}

function assignWarnings(q: QuestionDetail, e: Expert): string[] {
  const warnings: string[] = [];
  if (e.load >= e.capacity)
    warnings.push(
      `${e.name} already holds ${e.load} of ${e.capacity} questions: this one makes ${e.load + 1}, over their capacity.`,
    );
  if (e.availability === 'away') warnings.push(`${e.name} is set to away.`);
  const hold = q.assigneeId && q.assigneeId !== e.id ? holdWarning(q) : null;
  if (hold) warnings.push(`${hold} Assigning takes it from them.`);
  return warnings;
}

function assignBox(getQ: () => QuestionDetail, reload: () => void): { el: HTMLElement; render(): void } {
  const search = h('input', { type: 'search', placeholder: 'Name, signature, store or skill', autocomplete: 'off' });
  const results = h('ul', { class: 'pick', 'aria-label': 'Experts' });
  let list: Expert[] | null = null;
  const render = () => {
    const q = getQ();
    if (!list) return;
    const needle = search.value.trim().toLowerCase();
    const tags = new Set(q.tags.map((t) => t.slug));
    const shown = list
      .filter(
        (e) =>
          !needle ||
          [e.name, e.signature, e.store ?? '', e.email, ...e.skills.map((s) => s.tag)].some((v) =>
            v.toLowerCase().includes(needle),
          ),
      )
      .sort((a, b) => rankFor(q, b) - rankFor(q, a))
      .slice(0, 8);
    replace(
      results,
      shown.length
        ? shown.map((e) => {
            const current = e.id === q.assigneeId;
            return h(
              'li',
              { class: 'pick-row' },
              h(
                'span',
                { class: `presence ${e.online ? 'on' : 'off'}`, title: e.online ? 'online' : 'offline' },
                h('span', { class: 'dot', 'aria-hidden': 'true' }),
                h('span', { class: 'sr-only' }, e.online ? 'online' : 'offline'),
              ),
              h(
                'span',
                { class: 'pick-name' },
                h('strong', null, e.name),
                ' ',
                h('span', { class: 'muted' }, e.availability === 'away' ? 'away' : ''),
                h(
                  'span',
                  { class: 'chips' },
                  e.skills
                    .filter((s) => tags.has(s.tag))
                    .map((s) => h('span', { class: 'chip chip-match' }, `${s.tag} ${s.level}`)),
                ),
              ),
              meter(e.load, e.capacity, `Holding ${e.load} of ${e.capacity}`),
              h('span', { class: 'muted small' }, `approval ${percent(e.stats.approvalRate)}`),
              current
                ? h('span', { class: 'badge' }, 'assigned')
                : button(
                    'Assign',
                    (ev) =>
                      busy(ev.currentTarget as HTMLButtonElement, async () => {
                        // Their load as it is now, not as the list was loaded: the warning is about now.
                        const now = (await experts(0)).find((x) => x.id === e.id) ?? e;
                        const ok = await confirmAction({
                          title: `Assign this question to ${e.name}?`,
                          warnings: assignWarnings(getQ(), now),
                          confirm: `Assign to ${e.name}`,
                        });
                        if (!ok) return;
                        await post(`/api/questions/${encodeURIComponent(q.id)}/assign`, { expertId: e.id });
                        toast(`Assigned to ${e.name}.`, 'ok');
                        reload();
                      }),
                    { 'aria-label': `Assign to ${e.name}` },
                  ),
            );
          })
        : h('li', { class: 'muted' }, needle ? 'No expert matches.' : 'No experts yet.'),
    );
  };
  search.addEventListener('input', render);
  const load = async () => {
    try {
      list = await experts();
      render();
    } catch {
      replace(results, h('li', { class: 'error' }, 'Could not load experts.'));
    }
  };
  void load();
  return {
    el: h(
      'div',
      { class: 'manage-block' },
      h('h3', null, 'Assign or reassign'),
      field('Find an expert', search),
      results,
    ),
    render,
  };
}

function dismissBox(getQ: () => QuestionDetail, reload: () => void): HTMLElement {
  const presets = ['Not a question', 'Spam', 'No reply needed', 'Already answered elsewhere'];
  const select = h(
    'select',
    null,
    presets.map((p) => h('option', { value: p }, p)),
    h('option', { value: '' }, 'Other (write below)'),
  );
  const other = h('input', { type: 'text', maxlength: 500 });
  const btn = h('button', { type: 'submit', class: 'danger' }, 'Dismiss');
  const form = h(
    'form',
    { class: 'manage-block' },
    h('h3', null, 'Dismiss'),
    field('Reason', select),
    field('Details', other, 'Optional, or the reason when "Other"'),
    btn,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const reason = [select.value, other.value.trim()].filter(Boolean).join(': ');
    if (!reason) return toast('Give a reason to dismiss.', 'error');
    void busy(btn, async () => {
      const hold = holdWarning(getQ());
      const ok = await confirmAction({
        title: 'Dismiss this question?',
        warnings: [`Reason: ${reason}. Nobody will answer the customer.`, ...(hold ? [hold] : [])],
        confirm: 'Dismiss',
        danger: true,
      });
      if (!ok) return;
      await post(`/api/questions/${encodeURIComponent(getQ().id)}/dismiss`, { reason });
      toast('Dismissed.', 'ok');
      reload();
    });
  });
  return form;
}

function retagBox(getQ: () => QuestionDetail, reload: () => void): { el: HTMLElement; update(): void } {
  const boxes = h('div', { class: 'checks' });
  const btn = h('button', { type: 'submit' }, 'Save tags');
  const legendId = nextId('tags');
  const form = h(
    'form',
    { class: 'manage-block' },
    h('h3', { id: legendId }, 'Tags'),
    h('fieldset', { 'aria-labelledby': legendId }, boxes),
    btn,
  );
  let dirty = false;
  boxes.addEventListener('change', () => {
    dirty = true;
  });
  const update = async () => {
    if (dirty) return;
    const tags = await allTags().catch(() => [] as Tag[]);
    const current = new Set(getQ().tags.map((t) => t.slug));
    replace(
      boxes,
      tags.map((t) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', value: t.slug, checked: current.has(t.slug) }),
          h('span', null, t.name, t.sensitive ? h('span', { class: 'muted' }, ' (sensitive)') : null),
        ),
      ),
    );
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const tags = [...boxes.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
    void busy(btn, async () => {
      await post(`/api/questions/${encodeURIComponent(getQ().id)}/tags`, { tags });
      dirty = false;
      toast('Tags saved.', 'ok');
      reload();
    });
  });
  return { el: form, update: () => void update() };
}

/**
 * A failed post in a manager's words: what happened and what to do next. The channel's own message (`X API 400: …`)
 * stays available as a detail for whoever reports it, but is not the message.
 */
export function postFailure(reason: string | null | undefined): { what: string; next: string } {
  const text = reason ?? '';
  const code = Number(/^X API (\d{3})/.exec(text)?.[1] ?? 0);
  if (code === 429)
    return { what: 'X is limiting how fast the brand can post.', next: 'Wait a few minutes, then retry.' };
  if (code === 401)
    return {
      what: "X did not accept the brand account's credentials.",
      next: 'Ask an admin to reconnect the X account, then retry.',
    };
  if (code === 403 && /duplicate/i.test(text))
    return {
      what: 'X says the brand already posted this exact text.',
      next: 'Open the thread on X: if the answer is there, nothing more is needed; if not, retry.',
    };
  if (code === 403 || code === 404)
    return {
      what: 'X would not let the brand reply to this post: it may have been deleted, or its author limits replies.',
      next: 'Open the post on X to check. Retry if it is still there and open to replies; otherwise dismiss the question.',
    };
  if (code >= 400 && code < 500)
    return {
      what: 'X refused the reply as it was sent.',
      next: 'Retry once; if X refuses it again, dismiss the question and answer the customer another way.',
    };
  return {
    what: 'X could not be reached, so nothing was posted.',
    next: 'Retry: it is safe, the reply goes out once.',
  };
}

function failedPost(q: QuestionDetail, reload: () => void): HTMLElement {
  const reply = [...q.replies].reverse().find((r) => r.status === 'failed');
  const { what, next } = postFailure(reply?.failureReason);
  return h(
    'div',
    { class: 'manage-block failed-post' },
    h('p', null, h('strong', null, 'The answer was not posted. '), what),
    h('p', null, h('strong', null, 'Next: '), next),
    button(
      'Retry posting',
      (ev) =>
        busy(ev.currentTarget as HTMLButtonElement, async () => {
          await post(`/api/questions/${encodeURIComponent(q.id)}/retry`);
          toast('Posting again.', 'ok');
          reload();
        }),
      { class: 'primary' },
    ),
    reply?.failureReason
      ? h('details', null, h('summary', null, 'Technical detail'), h('code', null, reply.failureReason))
      : null,
  );
}

/** A question held as suspected spam: why, and the two ways out. Either teaches the spam filter. */
function spamBox(getQ: () => QuestionDetail, reload: () => void): { el: HTMLElement; update(): void } {
  const reasons = h('ul');
  const release = h('button', { type: 'button' }, 'Not spam: offer it');
  const dismiss = h('button', { type: 'button', class: 'danger' }, 'Dismiss as spam');
  const el = h(
    'div',
    { class: 'manage-block spam-hold', role: 'region', 'aria-label': 'Suspected spam' },
    h('h3', null, 'Held as suspected spam'),
    h('p', null, 'No expert has been offered this post. Why it was held:'),
    reasons,
    h('div', { class: 'actions' }, release, dismiss),
  );
  const act = (btn: HTMLButtonElement, path: string, body: object, done: string) =>
    btn.addEventListener('click', () =>
      busy(btn, async () => {
        await post(`/api/questions/${encodeURIComponent(getQ().id)}/${path}`, body);
        toast(done, 'ok');
        reload();
      }),
    );
  act(release, 'not-spam', {}, 'Released to the experts.');
  act(dismiss, 'dismiss', { reason: 'Spam' }, 'Dismissed as spam.');
  return {
    el,
    update() {
      const q = getQ();
      el.hidden = !(q.flag === 'spam' && q.status === 'new');
      const held = q.events.find((e) => e.type === 'question.held');
      const why = (held?.data as { reasons?: string[] } | null)?.reasons ?? [];
      replace(reasons, ...why.map((reason) => h('li', null, reason)));
    },
  };
}

export function managerPanel(getQ: () => QuestionDetail, reload: () => void): { el: HTMLElement; update(): void } {
  const retry = h('div');
  const assign = assignBox(getQ, reload);
  const dismiss = dismissBox(getQ, reload);
  const retag = retagBox(getQ, reload);
  const spam = spamBox(getQ, reload);
  const el = h(
    'section',
    { class: 'panel manage', 'aria-labelledby': 'manage-h' },
    h('h2', { id: 'manage-h' }, 'Manage'),
    spam.el,
    retry,
    assign.el,
    dismiss,
    retag.el,
  );
  return {
    el,
    update() {
      const q = getQ();
      assign.el.hidden = !isOpen(q.status);
      assign.render();
      dismiss.hidden = !isOpen(q.status);
      replace(retry, q.status === 'failed' ? failedPost(q, reload) : null);
      retag.update();
      spam.update();
    },
  };
}
