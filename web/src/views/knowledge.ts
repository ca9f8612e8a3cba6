// Help around one question: internal notes with @mentions (never public), and what to reuse when writing the
// reply: answers to similar past questions and the managers' snippets for its tags.
import type { Colleague, Note, QuestionSummary, SimilarAnswer, Snippet } from '../../../server/contracts/api.js';
import { get, post, query } from '../api.js';
import { h, nextId, replace } from '../dom.js';
import { mentionComplete } from '../mention-complete.js';
import { session } from '../session.js';
import { busy, button, errorText, section, toast } from '../ui.js';
import { age } from '../ui.js';

export function notesPanel(questionId: string): { el: HTMLElement; reload(): void } {
  const path = `/api/questions/${encodeURIComponent(questionId)}/notes`;
  const list = h('ol', { class: 'notes' });
  const text = h('textarea', { id: nextId('note'), rows: 2, maxlength: 2000 });
  const add = h('button', { type: 'submit' }, 'Add note');
  const form = h(
    'form',
    { class: 'compose' },
    h('label', { for: text.id }, 'Internal note'),
    h(
      'span',
      { class: 'hint', id: `${text.id}-hint` },
      'Only your team sees notes. Type @ and a name to tell a colleague.',
    ),
    h('div', { class: 'mention-wrap' }, text, mentionComplete(text)),
    h('div', { class: 'form-actions' }, add),
  );
  text.setAttribute('aria-describedby', `${text.id}-hint`);
  const reload = async () => {
    try {
      const { items } = await get<{ items: Note[] }>(path);
      replace(
        list,
        items.map((n) =>
          h(
            'li',
            { class: `note-item note-${n.kind}` },
            h(
              'div',
              { class: 'muted small' },
              h('strong', null, n.authorName),
              n.kind === 'handoff' ? ' handed this off · ' : ' · ',
              age(n.createdAt),
              n.mentions.length ? ` · to ${n.mentions.map((m) => m.name).join(', ')}` : '',
            ),
            h('p', { class: 'qtext' }, n.text),
          ),
        ),
      );
    } catch (err) {
      replace(list, h('li', { class: 'error' }, errorText(err)));
    }
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!text.value.trim()) return;
    void busy(add, async () => {
      const { note } = await post<{ note: Note }>(path, { text: text.value });
      text.value = '';
      if (note.mentions.length) toast(`Note added; ${note.mentions.map((m) => m.name).join(', ')} will be told.`, 'ok');
      await reload();
    });
  });
  void reload();
  return { el: section('Team notes', list, form), reload: () => void reload() };
}

/** Similar past answers and snippets; `insert` puts the chosen text into the reply box. */
export function reusePanel(
  q: QuestionSummary,
  insert: (text: string, from?: SimilarAnswer['customer']) => void,
): HTMLElement {
  const similar = h('ul', { class: 'plain reuse' }, h('li', { class: 'muted' }, 'Looking for similar questions…'));
  const snippets = h('ul', { class: 'plain reuse' });
  void get<{ items: SimilarAnswer[] }>(`/api/questions/${encodeURIComponent(q.id)}/similar${query({ limit: 3 })}`).then(
    ({ items }) => {
      replace(
        similar,
        items.length
          ? items.map((a) =>
              h(
                'li',
                { class: 'reuse-item' },
                h('p', { class: 'muted small clamp' }, 'Q: ', a.questionText),
                h('p', { class: 'qtext' }, a.replyText),
                h(
                  'div',
                  { class: 'inline-row' },
                  h('span', { class: 'muted small' }, `by ${a.authorName}`),
                  button('Use this', () => insert(a.replyText, a.customer), {
                    'aria-label': `Use the answer by ${a.authorName}`,
                  }),
                ),
              ),
            )
          : h('li', { class: 'muted' }, 'No similar answered questions yet.'),
      );
    },
    () => replace(similar, h('li', { class: 'muted' }, 'Similar answers are unavailable.')),
  );
  const tags = q.tags.map((t) => t.slug).join(',');
  void get<{ items: Snippet[] }>(`/api/snippets${query({ tag: tags || undefined })}`).then(
    ({ items }) => {
      replace(
        snippets,
        items.slice(0, 8).map((s) =>
          h(
            'li',
            { class: 'reuse-item' },
            h('strong', null, s.title),
            s.tag ? h('span', { class: 'chip' }, s.tag) : null,
            h('p', { class: 'qtext' }, s.text),
            button(
              'Insert',
              (ev) =>
                busy(ev.currentTarget as HTMLButtonElement, async () => {
                  insert(s.text);
                  await post(`/api/snippets/${encodeURIComponent(s.id)}/use`);
                }),
              { 'aria-label': `Insert snippet ${s.title}` },
            ),
          ),
        ),
      );
      if (!items.length) replace(snippets, h('li', { class: 'muted' }, 'No snippets for these tags.'));
    },
    () => replace(snippets, null),
  );
  return h(
    'details',
    { class: 'panel reuse-panel' },
    h('summary', null, 'Reuse a past answer or a snippet'),
    h('h3', null, 'Answers to similar questions'),
    similar,
    h('h3', null, 'Snippets'),
    snippets,
  );
}

/** The assignee passes the question to a colleague, with a note saying what they have found so far. */
export function handoffPanel(questionId: string, onDone: () => void): HTMLElement {
  const who = h('select', { id: nextId('handoff-to') }, h('option', { value: '' }, 'Loading colleagues…'));
  const note = h('textarea', { id: nextId('handoff-note'), rows: 2, maxlength: 2000, required: true });
  const send = h('button', { type: 'submit' }, 'Hand off');
  const form = h(
    'form',
    { class: 'compose' },
    h('label', { for: who.id }, 'Colleague'),
    who,
    h('label', { for: note.id }, 'Note for them'),
    note,
    h('div', { class: 'form-actions' }, send),
  );
  void get<{ items: Colleague[] }>('/api/experts/directory').then(
    ({ items }) => {
      const others = items
        .filter((c) => c.id !== session.user?.id)
        .sort(
          (a, b) =>
            Number(b.online) - Number(a.online) ||
            Number(b.availability === 'available') - Number(a.availability === 'available') ||
            a.name.localeCompare(b.name),
        );
      replace(
        who,
        h('option', { value: '' }, 'Choose a colleague'),
        others.map((c) =>
          h(
            'option',
            { value: c.id },
            `${c.name}${c.online ? ' · online' : ''}${c.availability === 'away' ? ' · away' : ''}${c.skills.length ? ` · ${c.skills.map((s) => s.tag).join(', ')}` : ''}`,
          ),
        ),
      );
    },
    () => replace(who, h('option', { value: '' }, 'Colleagues are unavailable')),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!who.value || !note.value.trim()) return toast('Choose a colleague and say what you found so far.', 'error');
    void busy(send, async () => {
      await post(`/api/questions/${encodeURIComponent(questionId)}/handoff`, { expertId: who.value, note: note.value });
      toast('Handed off: your colleague has been told.', 'ok');
      onDone();
    });
  });
  const details = h('details', { class: 'panel' }, h('summary', null, 'Hand off to a colleague'), form);
  return details;
}
