// "@" in a note offers the colleagues whose name starts with what follows, so a mention is spelled as the server
// resolves it (the exact display name). A list-box combobox: arrows move, Enter or Tab picks, Escape closes.
import type { Colleague } from '../../server/contracts/api.js';
import { get } from './api.js';
import { h, nextId, replace } from './dom.js';

const SHOWN = 6;
/** The "@…" being typed just before the caret: up to four words, as a mention may be (server/domain/mentions.ts). */
const TYPING = /(?:^|[^\p{L}\p{N}_.])@([^\s@]*(?:[ \t][^\s@]*){0,3})$/u;

let directory: Promise<Colleague[]> | null = null;
const colleagues = () =>
  (directory ??= get<{ items: Colleague[] }>('/api/experts/directory').then(
    (r) => r.items,
    () => {
      directory = null;
      return [];
    },
  ));

export function mentionComplete(text: HTMLTextAreaElement): HTMLElement {
  const listId = nextId('mentions');
  const list = h('ul', {
    id: listId,
    role: 'listbox',
    class: 'mention-list',
    'aria-label': 'People to mention',
    hidden: true,
  });
  let shown: Colleague[] = [];
  let active = 0;
  let start = -1;
  text.setAttribute('role', 'combobox');
  text.setAttribute('aria-autocomplete', 'list');
  text.setAttribute('aria-controls', listId);
  text.setAttribute('aria-expanded', 'false');

  const close = () => {
    shown = [];
    list.hidden = true;
    text.setAttribute('aria-expanded', 'false');
    text.removeAttribute('aria-activedescendant');
  };
  const render = () => {
    if (!shown.length) return close();
    replace(
      list,
      shown.map((c, i) =>
        h(
          'li',
          {
            id: `${listId}-${i}`,
            role: 'option',
            class: 'mention-option',
            'aria-selected': String(i === active),
            onmousedown: (ev: MouseEvent) => {
              ev.preventDefault(); // keep the focus (and the caret) in the note
              pick(c);
            },
          },
          h('strong', null, c.name),
          c.skills.length ? h('span', { class: 'muted small' }, ` · ${c.skills.map((s) => s.tag).join(', ')}`) : null,
        ),
      ),
    );
    list.hidden = false;
    text.setAttribute('aria-expanded', 'true');
    text.setAttribute('aria-activedescendant', `${listId}-${active}`);
  };
  const pick = (c: Colleague) => {
    const caret = text.selectionStart;
    const before = `${text.value.slice(0, start)}@${c.name} `;
    text.value = before + text.value.slice(caret).replace(/^[ \t]+/, '');
    text.setSelectionRange(before.length, before.length);
    close();
    text.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const update = async () => {
    const caret = text.selectionStart;
    const typed = TYPING.exec(text.value.slice(0, caret));
    if (!typed) return close();
    const needle = (typed[1] ?? '').toLowerCase();
    start = caret - needle.length - 1;
    const matching = (await colleagues()).filter((c) => c.name.toLowerCase().startsWith(needle));
    // The list may have changed while the directory loaded; only the latest typing decides.
    if (text.selectionStart !== caret) return;
    shown = matching.filter((c) => c.name.toLowerCase() !== needle.trimEnd()).slice(0, SHOWN);
    active = 0;
    render();
  };
  text.addEventListener('input', () => void update());
  text.addEventListener('blur', close);
  text.addEventListener('keydown', (ev) => {
    if (!shown.length) return;
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') {
      ev.preventDefault();
      active = (active + (ev.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      render();
    } else if (ev.key === 'Enter' || ev.key === 'Tab') {
      ev.preventDefault();
      const chosen = shown[active];
      if (chosen) pick(chosen);
    } else if (ev.key === 'Escape') {
      ev.preventDefault();
      close();
    }
  });
  return list;
}
