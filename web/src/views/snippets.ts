// Snippets: reusable text managers curate per tag; experts insert them while writing (see knowledge.ts).
import type { Snippet, Tag } from '../../../server/contracts/api.js';
import { del, get, patch, post } from '../api.js';
import { field, h, replace } from '../dom.js';
import { busy, button, empty, errorText, section, toast } from '../ui.js';

function snippetForm(tags: Tag[], snippet: Snippet | null, done: () => void): HTMLElement {
  const title = h('input', { type: 'text', required: true, maxlength: 120, value: snippet?.title ?? '' });
  const text = h('textarea', { rows: 3, required: true, maxlength: 2000 });
  text.value = snippet?.text ?? '';
  const tag = h(
    'select',
    null,
    h('option', { value: '' }, 'Any topic'),
    tags.map((t) => h('option', { value: t.slug }, t.name)),
  );
  tag.value = snippet?.tag ?? '';
  const save = h('button', { type: 'submit', class: 'primary' }, snippet ? 'Save' : 'Add snippet');
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Title', title),
    field('Tag', tag),
    field(
      'Text',
      text,
      'Write {customer} for the customer’s @handle and {name} for their name: each reply fills in its own.',
    ),
    h(
      'div',
      { class: 'form-actions' },
      save,
      snippet
        ? button(
            'Delete',
            (ev) =>
              busy(ev.currentTarget as HTMLButtonElement, async () => {
                await del(`/api/snippets/${encodeURIComponent(snippet.id)}`);
                toast(`Deleted ${snippet.title}.`, 'ok');
                done();
              }),
            { class: 'danger-outline' },
          )
        : null,
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = { title: title.value.trim(), text: text.value.trim(), tag: tag.value || null };
    void busy(save, async () => {
      if (snippet) await patch(`/api/snippets/${encodeURIComponent(snippet.id)}`, body);
      else await post('/api/snippets', body);
      toast(snippet ? 'Snippet saved.' : 'Snippet added.', 'ok');
      if (!snippet) form.reset();
      done();
    });
  });
  return form;
}

export function snippetsSection(tags: Tag[]): HTMLElement {
  const list = h('div', { class: 'cards' });
  const load = async () => {
    try {
      const { items } = await get<{ items: Snippet[] }>('/api/snippets');
      replace(
        list,
        items.length
          ? items.map((s) =>
              h(
                'details',
                { class: 'card' },
                h(
                  'summary',
                  null,
                  h('strong', null, s.title),
                  ' ',
                  s.tag ? h('span', { class: 'chip' }, s.tag) : null,
                  h('span', { class: 'muted small' }, ` used ${s.uses}×`),
                ),
                snippetForm(tags, s, () => void load()),
              ),
            )
          : empty('No snippets yet.'),
      );
    } catch (err) {
      replace(list, h('p', { class: 'error' }, errorText(err)));
    }
  };
  void load();
  return section(
    'Snippets',
    h('p', { class: 'muted small' }, 'Ready-made text experts can insert while writing a reply.'),
    snippetForm(tags, null, () => void load()),
    list,
  );
}

/** A manager turns a good posted reply into a snippet. */
export function saveAsSnippet(replyId: string): HTMLButtonElement {
  return button(
    'Save as snippet',
    (ev) =>
      busy(ev.currentTarget as HTMLButtonElement, async () => {
        const { snippet } = await post<{ snippet: Snippet }>('/api/snippets', { fromReplyId: replyId });
        toast(`Saved as snippet “${snippet.title}”.`, 'ok');
      }),
    { class: 'link' },
  );
}
