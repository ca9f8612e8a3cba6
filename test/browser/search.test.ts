// The manager's queue searches as they type, together with the filters, stays live while searching, and keeps a set of
// filters as a saved view (a chip) that brings them back after a reload.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('search the queue, combine it with filters, and save it as a view', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const manager = await server.createUser('manager', { name: 'Mia Manager' });

  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue/status=any');
  await waitLive(mg.page);
  const rows = mg.page.locator('.queue-row');
  const texts = async () =>
    (await rows.locator('.row-text').allTextContents()).map((text) => text.replace('@AcmeHelp ', '')).sort();

  server.fakeX.addMention({ text: 'my soundbar has no sound at all', author: { username: 'sound_sam' } });
  server.fakeX.addMention({ text: 'laptop battery drains in an hour', author: { username: 'battery_bea' } });
  server.fakeX.addMention({ text: 'lost the soundbar remote', author: { username: 'remote_rae' } });
  await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 3, null, { timeout: 20_000 });

  const search = mg.page.getByLabel('Search');
  await t.test('words, a phrase and a handle narrow the list as the manager types', async (t) => {
    await search.fill('soundbar');
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 2);
    t.same(await texts(), ['lost the soundbar remote', 'my soundbar has no sound at all']);
    await mg.page.getByText('2 questions matching soundbar').waitFor();
    t.pass('the count says what it counts');

    await search.fill('"no sound"');
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 1);
    t.same(await texts(), ['my soundbar has no sound at all']);

    await search.fill('@battery_bea');
    await mg.page.locator('.queue-row', { hasText: 'laptop battery' }).waitFor();
    t.same(await texts(), ['laptop battery drains in an hour']);
    t.match(mg.page.url(), /q=%40battery_bea/, 'the search is in the address, like the filters');
  });

  await t.test('the search combines with the filters', async (t) => {
    await search.fill('soundbar');
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 2);
    await mg.page.getByLabel('Status', { exact: true }).selectOption({ label: 'Dismissed' });
    await mg.page.getByText('No question matches this search.').waitFor();
    t.equal(await rows.count(), 0, 'no dismissed question mentions a soundbar');
    await mg.page.getByLabel('Status', { exact: true }).selectOption({ label: 'Everything' });
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 2);
    t.pass('back to both');
  });

  await t.test('a new question that matches the search appears without a reload; others do not', async (t) => {
    server.fakeX.addMention({ text: 'printer jams on every page', author: { username: 'paper_pia' } });
    server.fakeX.addMention({ text: 'can the soundbar go on the wall?', author: { username: 'wall_wes' } });
    await mg.page.locator('.queue-row', { hasText: 'soundbar go on the wall' }).waitFor({ timeout: 20_000 });
    t.equal(await rows.count(), 3);
    t.equal(
      await mg.page.locator('.queue-row', { hasText: 'printer' }).count(),
      0,
      'the printer question is not shown',
    );
  });

  await t.test('the filters are saved as a view and come back from its chip, after a reload too', async (t) => {
    await mg.page.getByLabel('Save these filters as').fill('Soundbars');
    await mg.page.getByRole('button', { name: 'Save view' }).click();
    const chip = mg.page.getByRole('button', { name: 'Soundbars', exact: true });
    await chip.waitFor();
    t.equal(await chip.getAttribute('aria-pressed'), 'true', 'the current filters are that view');

    await search.fill('');
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 5);
    t.equal(await chip.getAttribute('aria-pressed'), 'false');

    await mg.page.reload();
    await mg.page.locator('nav.nav').waitFor();
    await chip.click();
    await mg.page.waitForFunction(() => document.querySelectorAll('.queue-row').length === 3);
    t.equal(await search.inputValue(), 'soundbar', 'the chip fills the search box');
    t.equal(await chip.getAttribute('aria-pressed'), 'true');
    // The docs' screenshots are redrawn on request (SCREENSHOTS=1 npm test), not on every run: they show the time.
    if (process.env.SCREENSHOTS) await mg.page.screenshot({ path: 'web/screenshots/manager-queue-search.png' });

    await mg.page.getByRole('button', { name: 'Delete view Soundbars' }).click();
    await chip.waitFor({ state: 'detached' });
    const saved = await mg.page.evaluate(async () => (await fetch('/api/views')).json());
    t.same(saved, { views: [] }, 'and deleting it removes it on the server');
  });

  t.same(
    mg.errors.filter((e) => !/status of 401/.test(e)),
    [],
    'no page errors (the 401 is the signed-out /api/me before login)',
  );
  t.same(mg.dialogs, [], 'no dialogs');
});
