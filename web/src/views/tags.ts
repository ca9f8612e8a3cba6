// Skill tags: what routing matches questions and experts on. Keywords are the classifier's rules; a sensitive tag
// sends every reply through review.
import type { Tag } from '../../../server/contracts/api.js';
import { del, patch, post } from '../api.js';
import { field, h, replace } from '../dom.js';
import { busy, button, empty, errorText, section, toast } from '../ui.js';
import { allTags, forgetTags } from './manage.js';
import { snippetsSection } from './snippets.js';

const splitKeywords = (v: string) => [
  ...new Set(
    v
      .split(/[,\n]/)
      .map((k) => k.trim())
      .filter(Boolean),
  ),
];

/** "Wi-Fi & Routers" → "wi-fi-routers": what the API accepts as a slug, in the letters the name already has. */
export function slugFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, 40)
    .replace(/-+$/, '');
}

function tagForm(tag: Tag | null, done: () => void): HTMLElement {
  const slug = h('input', {
    type: 'text',
    required: true,
    maxlength: 40,
    pattern: '[a-z0-9][a-z0-9\\-]*',
    value: tag?.slug ?? '',
    readonly: !!tag,
  });
  const name = h('input', { type: 'text', required: true, maxlength: 60, value: tag?.name ?? '' });
  // The slug follows the name until someone edits it by hand; clearing it hands it back to the name.
  let slugEdited = false;
  name.addEventListener('input', () => {
    if (!tag && !slugEdited) slug.value = slugFromName(name.value);
  });
  slug.addEventListener('input', () => {
    slugEdited = slug.value !== '';
  });
  const description = h('input', { type: 'text', maxlength: 500, value: tag?.description ?? '' });
  const keywords = h('textarea', { rows: 3 });
  keywords.value = (tag?.keywords ?? []).join(', ');
  const sensitive = h('input', { type: 'checkbox', checked: tag?.sensitive ?? false });
  const save = h('button', { type: 'submit', class: 'primary' }, tag ? 'Save' : 'Create tag');
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Name', name),
    tag ? null : field('Slug', slug, 'Made from the name; lowercase letters, digits, dashes. Cannot change later'),
    field('Description', description),
    field('Keywords and phrases', keywords, 'Comma or line separated; a question containing one gets this tag'),
    h('label', { class: 'check' }, sensitive, ' Sensitive: every reply on this tag is reviewed'),
    h(
      'div',
      { class: 'form-actions' },
      save,
      tag
        ? h(
            'button',
            {
              type: 'button',
              class: 'danger-outline',
              onclick: (ev: MouseEvent) => confirmDelete(ev.currentTarget as HTMLButtonElement, tag, done),
            },
            'Delete',
          )
        : null,
    ),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const body = {
      name: name.value.trim(),
      description: description.value.trim(),
      keywords: splitKeywords(keywords.value),
      sensitive: sensitive.checked,
    };
    void busy(save, async () => {
      if (tag) await patch(`/api/tags/${encodeURIComponent(tag.slug)}`, body);
      else await post('/api/tags', { slug: slug.value.trim(), ...body });
      toast(tag ? `Saved ${body.name}.` : `Created ${body.name}.`, 'ok');
      if (!tag) {
        form.reset();
        slugEdited = false;
      }
      done();
    });
  });
  return form;
}

function confirmDelete(btn: HTMLButtonElement, tag: Tag, done: () => void): void {
  const sure = button(
    `Yes, delete ${tag.name}`,
    (ev) =>
      busy(ev.currentTarget as HTMLButtonElement, async () => {
        await del(`/api/tags/${encodeURIComponent(tag.slug)}`);
        toast(`Deleted ${tag.name}.`, 'ok');
        done();
      }),
    { class: 'danger' },
  );
  const cancel = button('Keep it', () => {
    box.replaceWith(btn);
    btn.focus();
  });
  const box = h('span', { class: 'confirm', role: 'group', 'aria-label': 'Confirm delete' }, sure, cancel);
  btn.replaceWith(box);
  sure.focus();
}

export function tagsView(main: HTMLElement): void {
  const list = h('div', { class: 'cards' });
  const load = async () => {
    try {
      forgetTags();
      const tags = await allTags(true);
      replace(
        list,
        tags.length
          ? tags.map((t) =>
              h(
                'details',
                { class: 'card tag' },
                h(
                  'summary',
                  null,
                  h('strong', null, t.name),
                  ' ',
                  h('code', null, t.slug),
                  t.sensitive ? h('span', { class: 'badge st-escalated' }, 'sensitive') : null,
                  h(
                    'span',
                    { class: 'muted small' },
                    ` ${t.keywords.length} keyword${t.keywords.length === 1 ? '' : 's'}`,
                  ),
                ),
                tagForm(t, () => void load()),
              ),
            )
          : empty('No tags yet. Create the first one above.'),
      );
    } catch (err) {
      replace(list, h('p', { class: 'error', role: 'alert' }, errorText(err)));
    }
  };
  const snippets = h('div');
  replace(
    main,
    h('h1', null, 'Tags and snippets'),
    section(
      'New tag',
      tagForm(null, () => void load()),
    ),
    h('h2', null, 'All tags'),
    list,
    snippets,
  );
  void load().then(async () => replace(snippets, snippetsSection(await allTags())));
}
