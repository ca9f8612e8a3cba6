import type { SessionResponse } from '../../../server/contracts/api.js';
import { post } from '../api.js';
import { field, h, replace } from '../dom.js';
import { errorText } from '../ui.js';

export function renderLogin(
  root: HTMLElement,
  onSignedIn: (res: SessionResponse) => Promise<void>,
  message?: string,
): void {
  const email = h('input', { type: 'email', name: 'email', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' }, message ?? '');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Sign in');
  const form = h(
    'form',
    { class: 'login panel', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Helpforce'),
    h('p', { class: 'muted' }, 'Answer customers as yourself, through the brand account.'),
    field('Email', email),
    field('Password', password),
    error,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    try {
      const res = await post<SessionResponse>('/api/auth/login', { email: email.value, password: password.value });
      await onSignedIn(res);
    } catch (err) {
      error.textContent = errorText(err);
      submit.disabled = false;
      password.select();
    }
  });
  replace(root, h('main', { id: 'main', class: 'login-wrap' }, form));
  email.focus();
}
