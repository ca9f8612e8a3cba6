// API tokens, for admins: what each is called, whose it is, its role, when it expires and was last used; a revoke
// button; and a form that issues one and shows its secret this once (the server keeps only a hash).
import type { ApiToken, Role } from '../../../server/contracts/api.js';
import { del, get, post } from '../api.js';
import { field, h, replace } from '../dom.js';
import { dateTime } from '../format.js';
import { busy, button, empty, errorText, section, showOnce, toast } from '../ui.js';

function tokenRow(token: ApiToken, onRevoke: (token: ApiToken, control: HTMLButtonElement) => void): HTMLElement {
  const expired = token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now();
  const revoke: HTMLButtonElement = button('Revoke', () => onRevoke(token, revoke), {
    class: 'danger-outline',
    'aria-label': `Revoke the token ${token.name}`,
  });
  return h(
    'li',
    { class: 'user-row', 'data-token': token.id },
    h('strong', null, token.name),
    h('span', { class: 'badge' }, token.role),
    expired ? h('span', { class: 'badge st-dismissed' }, 'expired') : null,
    h(
      'span',
      { class: 'muted small' },
      `${token.owner.name} · created ${dateTime(token.createdAt)} · `,
      token.expiresAt ? `${expired ? 'expired' : 'expires'} ${dateTime(token.expiresAt)}` : 'never expires',
      ' · ',
      token.lastUsedAt ? `last used ${dateTime(token.lastUsedAt)}` : 'never used',
    ),
    h('span', { class: 'account-actions' }, revoke),
  );
}

export function tokensPanel(): HTMLElement {
  const list = h('ul', { class: 'rows' });
  const name = h('input', { type: 'text', required: true, maxlength: 100, placeholder: 'e.g. Zendesk bridge' });
  const role = h(
    'select',
    null,
    (['manager', 'expert', 'admin'] as Role[]).map((r) => h('option', { value: r }, r)),
  );
  const days = h('input', { type: 'number', min: 1, max: 3650, inputmode: 'numeric', placeholder: 'never' });
  const create = h('button', { type: 'submit', class: 'primary' }, 'Create token');
  const form = h(
    'form',
    { class: 'grid-form' },
    field('Name', name),
    field('Role', role, 'Never more than yours'),
    field('Expires after (days)', days, 'Empty: until revoked'),
    h('div', { class: 'form-actions' }, create),
  );
  const secret = h('div', { role: 'status' });

  const load = async () => {
    try {
      const { items } = await get<{ items: ApiToken[] }>('/api/tokens');
      replace(list, items.length ? items.map((t) => tokenRow(t, revoke)) : h('li', null, empty('No API tokens.')));
    } catch (err) {
      replace(list, h('li', { class: 'error' }, errorText(err)));
    }
  };
  const revoke = (token: ApiToken, control: HTMLButtonElement) =>
    void busy(control, async () => {
      await del(`/api/tokens/${encodeURIComponent(token.id)}`);
      toast(`Revoked ${token.name}: it no longer works.`, 'ok');
      await load();
      list.querySelector<HTMLElement>('button')?.focus();
    });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(create, async () => {
      const body = { name: name.value, role: role.value, ...(days.value ? { expiresInDays: Number(days.value) } : {}) };
      const { token, apiToken } = await post<{ token: string; apiToken: ApiToken }>('/api/tokens', body);
      showOnce(secret, `secret of ${apiToken.name}`, token, 'Send it as Authorization: Bearer <secret>.');
      form.reset();
      await load();
    });
  });
  void load();
  return section('API tokens', form, secret, h('h3', null, 'Tokens in use'), list);
}
