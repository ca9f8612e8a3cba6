// A community manager's tools in the browser: re-tag, assign with search (the expert sees it live), dismiss with a
// reason, manage tags, and (as admin) see who is online, create an account, deactivate it and change its role.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('a manager runs the network from the dashboard', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Ada Assigned',
    profile: { signature: 'Ada', skills: [{ tag: 'laptops', level: 3 }], availability: 'available' },
  });

  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  await waitLive(ex.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, server.admin.email, server.admin.password, '#/queue/status=any');
  await waitLive(mg.page);

  server.fakeX.addMention({ text: 'where is my parcel, it has been two weeks', author: { username: 'parcel_pat' } });
  server.fakeX.addMention({ text: 'follow for follow, free crypto', author: { username: 'spammer' } });

  await t.test('re-tag and assign with search; the expert sees it without reloading', async (t) => {
    const row = mg.page.locator('.queue-row', { hasText: 'where is my parcel' });
    await row.waitFor({ timeout: 20_000 });
    await row.click();
    await mg.page.locator('.manage').waitFor();
    await mg.page.locator('.manage .checks').getByLabel('Laptops').check();
    await mg.page.getByRole('button', { name: 'Save tags' }).click();
    await mg.page.locator('.question .chips', { hasText: 'laptops' }).waitFor({ timeout: 10_000 });
    t.pass('the new tag shows on the question');

    await mg.page.getByLabel('Find an expert').fill('ada');
    const pick = mg.page.locator('.pick-row');
    await pick.first().waitFor();
    t.equal(await pick.count(), 1, 'the search narrows the list');
    t.match(await pick.textContent(), 'laptops 3', 'and shows the matching skill');
    await mg.page.getByRole('button', { name: 'Assign to Ada Assigned' }).click();
    // Assigning asks first (test/browser/papercuts-2-confirm.test.ts).
    await mg.page.getByRole('dialog').getByRole('button', { name: 'Assign to Ada Assigned' }).click();
    await mg.page.getByText('held by Ada Assigned').waitFor({ timeout: 10_000 });
    await ex.page.locator('.rows', { hasText: 'where is my parcel' }).waitFor({ timeout: 10_000 });
    t.pass("the assigned question appears in the expert's inbox live");
  });

  await t.test('dismiss with a reason', async (t) => {
    await mg.page.evaluate(() => {
      location.hash = '#/queue/status=any';
    });
    await mg.page.locator('.queue-row', { hasText: 'free crypto' }).click();
    await mg.page.getByLabel('Reason').selectOption('Spam');
    await mg.page.getByRole('button', { name: 'Dismiss' }).click();
    await mg.page
      .getByRole('dialog', { name: 'Dismiss this question?' })
      .getByRole('button', { name: 'Dismiss' })
      .click();
    await mg.page.locator('.question-page .badge.st-dismissed').waitFor({ timeout: 10_000 });
    t.match(await mg.page.locator('.question-page').textContent(), 'Dismissed: Spam', 'the reason is kept and shown');
  });

  await t.test('create, edit and delete a tag', async (t) => {
    await mg.page.evaluate(() => {
      location.hash = '#/tags';
    });
    const form = mg.page.locator('section', { hasText: 'New tag' });
    await form.getByLabel('Slug').fill('printers');
    await form.getByLabel('Name').fill('Printers');
    await form.getByLabel('Keywords and phrases').fill('printer, ink, toner');
    await form.getByLabel('Sensitive').check();
    await form.getByRole('button', { name: 'Create tag' }).click();
    const card = mg.page.locator('details.tag', { hasText: 'Printers' });
    await card.waitFor();
    t.match(
      await card.locator('summary').textContent(),
      /sensitive.*3 keywords/,
      'listed as sensitive with its keywords',
    );
    await card.locator('summary').click();
    await card.getByLabel('Keywords and phrases').fill('printer, ink');
    await card.getByRole('button', { name: 'Save' }).click();
    await mg.page.locator('details.tag', { hasText: 'Printers' }).filter({ hasText: '2 keywords' }).waitFor();
    const res = await mg.page.evaluate(async () =>
      (await (await fetch('/api/tags')).json()).items.find((x: { slug: string }) => x.slug === 'printers'),
    );
    t.same(res.keywords, ['printer', 'ink'], 'the edit reached the server');
    const again = mg.page.locator('details.tag', { hasText: 'Printers' });
    await again.locator('summary').click();
    await again.getByRole('button', { name: 'Delete' }).click();
    await again.getByRole('button', { name: 'Yes, delete Printers' }).click();
    await again.waitFor({ state: 'detached' });
    t.pass('deleted after confirming');
  });

  await t.test('the roster shows presence, and an admin creates a user', async (t) => {
    await mg.page.evaluate(() => {
      location.hash = '#/roster';
    });
    const ada = mg.page.locator('.expert', { hasText: 'Ada Assigned' });
    await ada.waitFor();
    t.match(await ada.textContent(), /online/, 'the expert with the app open is online');
    t.match(await ada.textContent(), /1\/3/, 'with their load against capacity');
    await ex.context.close();
    await ada.locator('.presence.off').waitFor({ timeout: 10_000 });
    t.pass('and goes offline live when they leave');

    // The People page also holds the API token form, which has a Name field of its own.
    const newUser = mg.page.locator('form', { hasText: 'First password' });
    await newUser.getByLabel('Email').fill('new.expert@browser.helpforce.test');
    await newUser.getByLabel('Name', { exact: true }).fill('Nina New');
    await newUser.getByLabel('First password').fill('a-long-password-1');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await mg.page.locator('.user-row', { hasText: 'Nina New' }).waitFor();
    t.pass('the new account is listed');

    const nina = mg.page.locator('.user-row', { hasText: 'Nina New' });
    await nina.getByRole('button', { name: 'Deactivate Nina New' }).click();
    await nina.getByText('deactivated').waitFor();
    t.ok(
      await nina.getByLabel('Role of Nina New', { exact: true }).isDisabled(),
      'a deactivated account is listed as such, its role fixed',
    );
    t.equal(
      await mg.page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Reactivate Nina New',
      "focus stays on the account's control",
    );
    await nina.getByRole('button', { name: 'Reactivate Nina New' }).click();
    await nina.getByRole('button', { name: 'Deactivate Nina New' }).waitFor();
    await nina.getByLabel('Role of Nina New', { exact: true }).selectOption('manager');
    t.equal(
      (await server.app.services.auth.listAccounts()).find((u) => u.name === 'Nina New')?.role,
      'expert',
      'choosing a role changes nothing yet',
    );
    await nina.getByRole('button', { name: 'Apply the role of Nina New' }).click();
    await mg.page.locator('.toast', { hasText: 'Nina New is now manager.' }).waitFor();
    t.equal(
      await nina.getByLabel('Role of Nina New', { exact: true }).inputValue(),
      'manager',
      'reactivated, then made a manager on Apply',
    );
    t.equal(
      await mg.page.locator('.user-row', { hasText: server.admin.email }).getByRole('button').count(),
      0,
      'an admin cannot deactivate themselves',
    );
  });

  await t.test('an admin changes the review policy and the attribution template', async (t) => {
    const panel = mg.page.locator('section', { hasText: 'Attribution template' });
    await panel.getByLabel('Attribution template').fill('{text} —{signature}');
    t.match(
      await panel.locator('.tweet-text').textContent(),
      /plug it back in\. —JD$/,
      'the example follows the template',
    );
    await panel.getByLabel('Review every reply').check();
    await panel.getByRole('button', { name: 'Save settings' }).click();
    await mg.page.getByText('Settings saved.').waitFor();
    const saved = await mg.page.evaluate(async () => (await fetch('/api/settings')).json());
    t.match(
      saved,
      { reviewPolicy: { minApproved: 5, reviewAll: true }, attributionTemplate: '{text} —{signature}' },
      'the server has them',
    );
    await mg.page.evaluate(() => {
      location.hash = '#/profile';
    });
    await mg.page.getByLabel('Signature').fill('Admin');
    t.match(await mg.page.locator('.profile .tweet-text').textContent(), / —Admin$/, 'previews use the new template');
  });

  t.same(
    mg.errors.filter((e) => !/401/.test(e)),
    [],
    'no script errors',
  );
});
