// In the browser: an admin points an API channel's replies at a webhook from the People page, sees its signing secret
// once, changes the address, rotates the secret, and removes the webhook after confirming; an address the server
// will not send to is refused with its reason. What the page shows is checked against what the server stored.
import t from 'tap';
import { launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

// A public address written as one (no lookup needed here); nothing is delivered to it in this test.
const FIRST = 'https://93.184.215.14/helpforce';
const SECOND = 'https://93.184.215.14/helpforce-v2';

t.test('an admin sets, changes, rotates and removes a channel webhook in the web client', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const stored = async () => (await server.app.services.data.channelSecrets.webhooks()).email;

  const admin = await openPage(browser, server.url);
  await signIn(admin.page, server.admin.email, server.admin.password, '#/roster');
  const panel = admin.page.locator('section', { has: admin.page.getByRole('heading', { name: 'Reply delivery' }) });
  await panel.locator('li[data-channel="x"]').waitFor();
  t.match(await panel.locator('li[data-channel="x"]').textContent(), /its network/, 'X delivers through its network');
  t.equal(await panel.getByLabel('Webhook address for X').count(), 0, 'and takes no webhook');

  await panel.getByLabel('Channel').fill('email');
  await panel.getByLabel('Webhook address', { exact: true }).fill('https://127.0.0.1/hook');
  await panel.getByRole('button', { name: 'Set webhook' }).click();
  await admin.page.getByText(/This webhook address is not accepted/).waitFor();
  t.equal(await stored(), undefined, 'an address inside the network is refused, and nothing is stored');

  await panel.getByLabel('Webhook address', { exact: true }).fill(FIRST);
  await panel.getByRole('button', { name: 'Set webhook' }).click();
  const secretBox = panel.getByLabel('Signing secret of email');
  const first = await secretBox.inputValue();
  t.match(first, /^whsec_/, 'the new secret is shown once');
  t.match(await stored(), { url: FIRST, secret: first }, 'it is the one stored');
  const row = panel.locator('li[data-channel="email"]');
  await row.getByText('signed webhook').waitFor();

  await row.getByLabel('Webhook address for email').fill(SECOND);
  await row.getByRole('button', { name: 'Change the address of email' }).click();
  await admin.page.getByText('email now delivers to the new address.').waitFor();
  t.equal(await secretBox.count(), 0, 'changing the address shows no secret');
  t.match(await stored(), { url: SECOND, secret: first }, 'the address changed and the secret did not');

  await row.getByRole('button', { name: 'Rotate the secret of email' }).click();
  await admin.page.getByText(/has a new secret/).waitFor();
  const second = await secretBox.inputValue();
  t.not(second, first, 'a rotation shows the new secret');
  t.match(await stored(), { secret: second, previousSecret: first }, 'and the previous one still signs');
  await row.getByText(/the previous one signs too until/).waitFor();
  await admin.page.reload();
  await panel.locator('li[data-channel="email"]').waitFor();
  t.notOk((await admin.page.content()).includes(second), 'after a reload the secret is nowhere on the page');

  await panel.getByRole('button', { name: 'Remove the webhook of email' }).click();
  const dialog = admin.page.getByRole('dialog', { name: 'Stop delivering replies on email?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  t.ok(await stored(), 'cancelled, the webhook stays');
  await panel.getByRole('button', { name: 'Remove the webhook of email' }).click();
  await dialog.getByRole('button', { name: 'Remove the webhook' }).click();
  await admin.page.getByText('email no longer delivers replies.').waitFor();
  // No question has come in on it yet, so with no webhook the channel is not listed at all.
  await panel.locator('li[data-channel="email"]').waitFor({ state: 'detached' });
  t.equal(await stored(), undefined, 'removed on the server too');
});
