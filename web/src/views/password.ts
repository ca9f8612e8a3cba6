// Passwords: the change form on the profile page, the screen that makes someone signed in with a temporary password
// choose their own first, and the admin's "set a temporary password" control on the People page.
import type { Account } from '../../../server/contracts/api.js';
import { post } from '../api.js';
import { thisDeviceId, turnOn } from '../push.js';
import { field, h, replace } from '../dom.js';
import { busy, errorText, section, toast } from '../ui.js';

const MIN_LENGTH = 8;

/** Current, new and repeated new password, with the checks a person can fix before sending anything. */
function passwordForm(
  submitLabel: string,
  onChanged: () => Promise<void> | void,
  currentLabel = 'Current password',
): HTMLFormElement {
  const current = h('input', { type: 'password', required: true, autocomplete: 'current-password' });
  const next = h('input', {
    type: 'password',
    required: true,
    minlength: MIN_LENGTH,
    maxlength: 200,
    autocomplete: 'new-password',
  });
  const again = h('input', {
    type: 'password',
    required: true,
    minlength: MIN_LENGTH,
    maxlength: 200,
    autocomplete: 'new-password',
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: 'primary' }, submitLabel);
  const form = h(
    'form',
    { class: 'grid-form' },
    field(currentLabel, current),
    field('New password', next, `At least ${MIN_LENGTH} characters`),
    field('New password again', again),
    error,
    h('div', { class: 'form-actions' }, submit),
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    error.textContent = '';
    if (next.value !== again.value) {
      error.textContent = 'The two new passwords differ.';
      again.focus();
      return;
    }
    submit.disabled = true;
    const hadNotifications =
      thisDeviceId() !== null && typeof Notification !== 'undefined' && Notification.permission === 'granted';
    void post('/api/me/password', { currentPassword: current.value, newPassword: next.value })
      .then(
        async () => {
          form.reset();
          // The server ends every device's notifications with the old password; this one, where it was just changed,
          // subscribes again (permission is already granted, so nothing is asked).
          if (hadNotifications) await turnOn().catch(() => undefined);
          await onChanged();
        },
        (err: unknown) => {
          error.textContent = errorText(err);
          current.focus();
        },
      )
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}

/** The profile page's section: the session stays signed in; every other one ends. */
export function passwordPanel(): HTMLElement {
  return section(
    'Password',
    h('p', { class: 'muted small' }, 'Changing it signs you out everywhere else.'),
    passwordForm('Change password', () => {
      toast('Password changed. Your other sessions are signed out.', 'ok');
    }),
  );
}

/** Shown instead of the app after signing in with a temporary password an admin set. */
export function renderPasswordChange(root: HTMLElement, onChanged: () => Promise<void>, onSignOut: () => void): void {
  const signOut = h('button', { type: 'button', class: 'link' }, 'Sign out');
  signOut.addEventListener('click', onSignOut);
  const panel = h(
    'div',
    { class: 'login panel', role: 'region', 'aria-labelledby': 'password-title' },
    h('h1', { id: 'password-title' }, 'Choose your password'),
    h(
      'p',
      { class: 'muted' },
      'An admin gave you a temporary password. Choose your own to continue; the admin will not know it.',
    ),
    passwordForm('Save and continue', onChanged, 'Temporary password'),
    signOut,
  );
  replace(root, h('main', { id: 'main', class: 'login-wrap' }, panel));
  panel.querySelector('input')?.focus();
}

/** In an account's row on the People page: an admin sets a temporary password, to be shared privately. */
export function temporaryPasswordControl(account: Account): HTMLElement {
  const input = h('input', {
    type: 'password',
    required: true,
    minlength: MIN_LENGTH,
    maxlength: 200,
    autocomplete: 'new-password',
    'aria-label': `Temporary password for ${account.name}`,
  });
  const set = h('button', { type: 'submit' }, 'Set');
  const fields = h('span', { class: 'inline-row', hidden: true, style: { margin: '0' } }, input, set);
  const open = h(
    'button',
    {
      type: 'button',
      'aria-label': `Set a temporary password for ${account.name}`,
      'aria-expanded': 'false',
      'data-control': 'password',
    },
    'Temporary password',
  );
  const form = h('form', { class: 'inline-row', style: { margin: '0' } }, open, fields);
  open.addEventListener('click', () => {
    fields.hidden = !fields.hidden;
    open.setAttribute('aria-expanded', String(!fields.hidden));
    if (!fields.hidden) input.focus();
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void busy(set, async () => {
      await post(`/api/users/${encodeURIComponent(account.id)}/password`, { temporaryPassword: input.value });
      form.reset();
      fields.hidden = true;
      open.setAttribute('aria-expanded', 'false');
      toast(
        `${account.name} is signed out; they choose their own password when they sign in with the temporary one.`,
        'ok',
      );
      open.focus();
    });
  });
  return form;
}
