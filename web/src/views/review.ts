// The review queue: replies waiting for a community manager, each with the exact public text. Approve, edit and
// approve, or send back with feedback; j/k move, a approves, e edits, r rejects, Esc cancels.
import type { QuestionDetail, QuestionSummary, Reply, Tag } from '../../../server/contracts/api.js';
import { displayHandle, measureFor } from '../../../server/domain/channel-display.js';
import { get, post, query } from '../api.js';
import { type ChannelRules, channelRules, ruleInfoFor } from '../channels.js';
import { counter, previewWithText, publicPreview } from '../compose.js';
import { h, nextId, reconcile, replace } from '../dom.js';
import { on, onResync } from '../realtime.js';
import { age, askedNow, author, busy, empty, errorText, sla, tagChips, toast } from '../ui.js';
import { allTags } from './manage.js';

type Pending = Reply & { question: QuestionSummary };

// A resubmitted reply is a new reply: the feedback that led to it lives on the question's earlier, rejected one.
const history = new Map<string, Promise<Reply[]>>();
function earlierFeedback(r: Pending): HTMLElement {
  const slot = h('div');
  if (!history.has(r.id)) {
    history.set(
      r.id,
      get<{ question: QuestionDetail }>(`/api/questions/${encodeURIComponent(r.questionId)}`).then(
        (d) => d.question.replies,
        () => [],
      ),
    );
  }
  void history.get(r.id)!.then((replies) => {
    const earlier = replies.filter((x) => x.id !== r.id && x.status === 'rejected' && x.feedback);
    replace(
      slot,
      earlier.map((x) =>
        h(
          'div',
          { class: 'feedback' },
          h('strong', null, 'Sent back before: '),
          x.feedback ?? '',
          h('p', { class: 'small' }, 'Their earlier text: ', h('q', null, x.text)),
        ),
      ),
    );
  });
  return slot;
}

export function reviewView(main: HTMLElement): () => void {
  history.clear();
  const list = h('div', { class: 'cards review-list' });
  const count = h('p', { class: 'muted', role: 'status' });
  let items: Pending[] = [];
  let selected = 0;
  let sensitive = new Set<string>();
  const modes = new Map<string, 'edit' | 'reject'>();
  // A manager's edit is measured by the question's network, as the server measures it on approval.
  let rules: ChannelRules | null = null;
  void channelRules()
    .then((loaded) => {
      rules = loaded;
      render();
    })
    .catch(() => {});

  const remove = (id: string) => {
    const at = items.findIndex((r) => r.id === id);
    if (at < 0) return;
    items.splice(at, 1);
    modes.delete(id);
    if (selected >= items.length) selected = Math.max(0, items.length - 1);
    render();
  };

  const decide = (r: Pending, action: 'approve' | 'reject', body: object, btn: HTMLButtonElement | null) =>
    busy(btn, async () => {
      await post(`/api/replies/${encodeURIComponent(r.id)}/${action}`, body);
      toast(
        action === 'approve'
          ? `Approved: posting ${displayHandle(r.question.channel, r.question.author.handle)}'s answer.`
          : 'Sent back to the expert with your feedback.',
        'ok',
      );
      remove(r.id);
      focusSelected();
    });

  const card = (r: Pending): HTMLElement => {
    const mode = modes.get(r.id);
    const q = r.question;
    const approveBtn = h('button', { type: 'button', class: 'primary', 'aria-keyshortcuts': 'a' }, 'Approve');
    approveBtn.addEventListener('click', () => void decide(r, 'approve', {}, approveBtn));
    let panel: HTMLElement | null = null;
    if (mode === 'edit') {
      const ta = h('textarea', { id: nextId('edit'), rows: 4, maxlength: 2000 });
      ta.value = r.text;
      const rule = ruleInfoFor(rules, q.channel);
      const c = counter(rule.max, rule.unit);
      const preview = h('div');
      const save = h('button', { type: 'submit', class: 'primary' }, 'Approve edited');
      const update = () => {
        const p = previewWithText(r, ta.value, measureFor(rule.kind));
        c.set(p.weightedLength);
        replace(preview, publicPreview(p.preview, q.author.handle, q.channel));
        save.disabled = !ta.value.trim() || p.weightedLength > rule.max;
      };
      ta.addEventListener('input', update);
      panel = h(
        'form',
        { class: 'compose' },
        h('label', { for: ta.id }, 'Edit the reply'),
        ta,
        c.el,
        preview,
        h(
          'div',
          { class: 'form-actions' },
          save,
          h('button', { type: 'button', onclick: () => setMode(r, undefined) }, 'Cancel'),
        ),
      );
      panel.addEventListener('submit', (ev) => {
        ev.preventDefault();
        void decide(r, 'approve', { text: ta.value }, save);
      });
      update();
    } else if (mode === 'reject') {
      const ta = h('textarea', { id: nextId('fb'), rows: 3, maxlength: 1000, required: true });
      const send = h('button', { type: 'submit', class: 'danger' }, 'Send back');
      panel = h(
        'form',
        { class: 'compose' },
        h('label', { for: ta.id }, 'Feedback for the expert'),
        ta,
        h(
          'div',
          { class: 'form-actions' },
          send,
          h('button', { type: 'button', onclick: () => setMode(r, undefined) }, 'Cancel'),
        ),
      );
      panel.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (!ta.value.trim()) return toast('Say what to change.', 'error');
        void decide(r, 'reject', { feedback: ta.value }, send);
      });
    }
    const el = h(
      'article',
      {
        class: 'card review',
        tabindex: '0',
        'data-reply': r.id,
        'aria-label': `Reply by ${r.authorName ?? 'expert'} to ${displayHandle(q.channel, q.author.handle)}`,
      },
      h('div', { class: 'card-head' }, author(q), age(q.followUp?.at ?? q.createdAt), sla(q)),
      // A reply to a follow-up answers the customer's latest post, not the question they first asked.
      askedNow(q, 'p', 'Follow-up · being answered'),
      h(
        'div',
        { class: 'card-meta' },
        tagChips(q.tags, sensitive),
        h('a', { href: `#/q/${encodeURIComponent(q.id)}` }, 'Thread'),
      ),
      h(
        'h3',
        null,
        `${r.authorName ?? 'Expert'} replies`,
        h('span', { class: 'muted' }, ` · ${r.weightedLength} / ${ruleInfoFor(rules, q.channel).max} · `),
        age(r.createdAt),
      ),
      publicPreview(r.preview, q.author.handle, q.channel),
      earlierFeedback(r),
      panel ??
        h(
          'div',
          { class: 'card-actions' },
          approveBtn,
          h(
            'button',
            { type: 'button', 'aria-keyshortcuts': 'e', onclick: () => setMode(r, 'edit') },
            'Edit & approve',
          ),
          h(
            'button',
            { type: 'button', class: 'danger-outline', 'aria-keyshortcuts': 'r', onclick: () => setMode(r, 'reject') },
            'Reject',
          ),
        ),
    );
    el.addEventListener('focusin', () => {
      const at = items.findIndex((x) => x.id === r.id);
      if (at >= 0 && at !== selected) {
        selected = at;
        markSelected();
      }
    });
    return el;
  };

  const setMode = (r: Pending, mode: 'edit' | 'reject' | undefined) => {
    if (mode) modes.set(r.id, mode);
    else modes.delete(r.id);
    render();
    const el = list.querySelector<HTMLElement>(`[data-reply="${CSS.escape(r.id)}"]`);
    (el?.querySelector<HTMLElement>('textarea') ?? el)?.focus();
  };
  const markSelected = () =>
    list.querySelectorAll<HTMLElement>('.review').forEach((el, i) => el.classList.toggle('selected', i === selected));
  const focusSelected = () => list.querySelectorAll<HTMLElement>('.review')[selected]?.focus();

  const render = () => {
    count.textContent = items.length ? `${items.length} waiting` : '';
    if (!items.length) replace(list, empty('Nothing to review. Replies that need a look arrive here live.'));
    else
      reconcile(
        list,
        items,
        (r) => r.id,
        card,
        (r) => `${r.updatedAt}|${modes.get(r.id) ?? ''}`,
      );
    markSelected();
  };
  const load = async () => {
    try {
      const [res, tags] = await Promise.all([
        get<{ items: Pending[] }>(`/api/replies${query({ status: 'in_review', limit: 100 })}`),
        allTags().catch(() => [] as Tag[]),
      ]);
      sensitive = new Set(tags.filter((t) => t.sensitive).map((t) => t.slug));
      items = res.items.sort((a, b) => Date.parse(a.question.slaDueAt) - Date.parse(b.question.slaDueAt));
      render();
    } catch (err) {
      replace(list, h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };

  const onKey = (ev: KeyboardEvent) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const t = ev.target as HTMLElement;
    if (t.closest('input, textarea, select, [contenteditable]')) {
      if (ev.key === 'Escape' && items[selected]) {
        setMode(items[selected]!, undefined);
      }
      return;
    }
    const r = items[selected];
    const move = (d: number) => {
      selected = Math.max(0, Math.min(items.length - 1, selected + d));
      markSelected();
      focusSelected();
    };
    switch (ev.key) {
      case 'j':
      case 'ArrowDown':
        if (t.closest('.review') || t === document.body) {
          ev.preventDefault();
          move(1);
        }
        break;
      case 'k':
      case 'ArrowUp':
        if (t.closest('.review') || t === document.body) {
          ev.preventDefault();
          move(-1);
        }
        break;
      case 'a':
        if (r && !modes.has(r.id)) {
          ev.preventDefault();
          void decide(r, 'approve', {}, null);
        }
        break;
      case 'e':
        if (r) {
          ev.preventDefault();
          setMode(r, 'edit');
        }
        break;
      case 'r':
        if (r) {
          ev.preventDefault();
          setMode(r, 'reject');
        }
        break;
      case 'Escape':
        if (r) setMode(r, undefined);
        break;
      case '?':
        help.open = !help.open;
        break;
    }
  };
  const help = h(
    'details',
    { class: 'help' },
    h('summary', null, 'Keyboard shortcuts'),
    h(
      'dl',
      { class: 'keys' },
      [
        ['j / ↓', 'next reply'],
        ['k / ↑', 'previous reply'],
        ['a', 'approve'],
        ['e', 'edit and approve'],
        ['r', 'reject with feedback'],
        ['Esc', 'cancel'],
        ['?', 'show or hide this'],
      ].map(([k, v]) => [h('dt', null, h('kbd', null, k!)), h('dd', null, v!)]),
    ),
  );

  replace(
    main,
    h('h1', null, 'Review'),
    h('p', { class: 'muted' }, 'Replies that need a look before they go out under the brand.'),
    help,
    count,
    list,
  );
  document.addEventListener('keydown', onKey);
  void load();
  const offs = [
    on('reply.submitted', (d) => {
      if (d.reply.status !== 'in_review' || items.some((r) => r.id === d.reply.id)) return;
      items.push({ ...d.reply, question: d.question });
      render();
    }),
    ...(['reply.approved', 'reply.rejected', 'reply.posted', 'reply.failed'] as const).map((type) =>
      on(type, (d) => remove(d.reply.id)),
    ),
    onResync(() => void load()),
  ];
  return () => {
    document.removeEventListener('keydown', onKey);
    offs.forEach((off) => off());
  };
}
