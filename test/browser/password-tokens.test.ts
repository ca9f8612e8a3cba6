// In the browser: an admin issues an API token (its secret shown once) and revokes it from the People page, and sets
// a temporary password for someone who forgot theirs; that person must choose their own before the app opens; and
// changing a password from the profile page signs out the person's other sessions.
import t from 'tap';
import { launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('tokens and passwords, through the web client', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Fay Forgetful',
    profile: { signature: 'FF', skills: [{ tag: 'tv', level: 3 }] },
  });
  const me = (token: string) =>
    server.app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

  const admin = await openPage(browser, server.url);
  await signIn(admin.page, server.admin.email, server.admin.password, '#/roster');
  const tokens = admin.page.locator('section', { has: admin.page.getByRole('heading', { name: 'API tokens' }) });
  await tokens.getByLabel('Name').fill('Zendesk bridge');
  await tokens.getByLabel('Expires after (days)').fill('30');
  await tokens.getByRole('button', { name: 'Create token' }).click();
  const secret = await tokens.getByLabel('Secret of Zendesk bridge').inputValue();
  t.match(secret, /^hf_/, 'the secret is shown once');
  t.equal((await me(secret)).statusCode, 200, 'and works');
  const row = tokens.locator('li', { hasText: 'Zendesk bridge' });
  await row.waitFor();
  t.match(await row.textContent(), /manager.*expires.*never used/s, 'the list says its role, expiry and use');
  await admin.page.reload();
  await tokens.getByRole('heading', { name: 'Tokens in use' }).waitFor();
  t.notOk((await admin.page.content()).includes(secret), 'after a reload the secret is nowhere on the page');
  await tokens.getByRole('button', { name: 'Revoke the token Zendesk bridge' }).click();
  await tokens.getByText('No API tokens.').waitFor();
  t.equal((await me(secret)).statusCode, 401, 'revoked from the list, it stops working');

  const accounts = admin.page.locator('section', { has: admin.page.getByRole('heading', { name: 'Accounts' }) });
  await accounts.getByRole('button', { name: `Set a temporary password for ${expert.name}` }).click();
  await accounts.getByLabel(`Temporary password for ${expert.name}`, { exact: true }).fill('temporary-pass-9');
  await accounts.getByRole('button', { name: 'Set', exact: true }).click();
  await admin.page.getByText(`${expert.name} is signed out`).waitFor();

  const fay = await openPage(browser, server.url);
  await fay.page.goto('/');
  await fay.page.getByLabel('Email').fill(expert.email);
  await fay.page.getByLabel('Password').fill('temporary-pass-9');
  await fay.page.getByRole('button', { name: 'Sign in' }).click();
  await fay.page.getByRole('heading', { name: 'Choose your password' }).waitFor();
  t.equal(
    await fay.page.locator('nav.nav').count(),
    0,
    'signed in with the temporary password, the app does not open yet',
  );
  await fay.page.getByLabel('Temporary password').fill('temporary-pass-9');
  await fay.page.getByLabel('New password', { exact: true }).fill('fays-own-password');
  await fay.page.getByLabel('New password again').fill('fays-own-passwort');
  await fay.page.getByRole('button', { name: 'Save and continue' }).click();
  await fay.page.getByText('The two new passwords differ.').waitFor();
  await fay.page.getByLabel('New password again').fill('fays-own-password');
  await fay.page.getByRole('button', { name: 'Save and continue' }).click();
  await fay.page.locator('nav.nav').waitFor();
  t.pass('once they choose their own, the app opens');

  // Fay signs in on a second device, then changes her password from the first one's profile page.
  const phone = await openPage(browser, server.url);
  await signIn(phone.page, expert.email, 'fays-own-password', '#/inbox');
  await fay.page.evaluate(() => {
    location.hash = '#/profile';
  });
  const password = fay.page.locator('section', { has: fay.page.getByRole('heading', { name: 'Password' }) });
  await password.getByLabel('Current password').fill('fays-own-password');
  await password.getByLabel('New password', { exact: true }).fill('fays-newer-password');
  await password.getByLabel('New password again').fill('fays-newer-password');
  await password.getByRole('button', { name: 'Change password' }).click();
  await fay.page.getByText('Password changed.').waitFor();
  await phone.page.getByLabel('Password').waitFor({ timeout: 15_000 });
  t.pass('the other device is signed out');
  t.equal(await fay.page.locator('nav.nav').count(), 1, 'this one stays signed in');
  for (const opened of [admin, fay, phone])
    t.same(
      opened.errors.filter((e) => !/status of (401|403)/.test(e)),
      [],
      'no script errors',
    );
});
