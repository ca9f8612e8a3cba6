// The queue offers a compact density, a line a question, so a manager sees several times more at once; the choice is
// remembered by the browser. A row says when its customer has asked before this week.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('compact queue rows, remembered', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');
  for (const [i, text] of [
    'My TV has no sound over HDMI',
    'TV remote stopped pairing',
    'Laptop will not charge',
  ].entries())
    server.fakeX.addMention({
      text: `${text}, and here is a long story about it number ${i}`,
      author: { username: 'casey_c' },
    });
  const rows = mg.page.locator('.queue-row');
  await rows.nth(2).waitFor({ timeout: 20_000 });
  const heights = async () => Promise.all((await rows.all()).map(async (r) => (await r.boundingBox())?.height ?? 0));

  const hint = async (n: number) =>
    (
      await rows
        .filter({ hasText: `number ${n}` })
        .locator('.history-hint')
        .allTextContents()
    ).join();
  // Arriving live, a row gets its count from the list the page asks for again.
  await rows.filter({ hasText: 'number 2' }).locator('.history-hint').waitFor({ timeout: 10_000 });
  t.equal(await hint(0), '', "the customer's first question this week has no count");
  t.equal(await hint(1), '2nd question this week');
  t.equal(await hint(2), '3rd question this week', 'the third says so on the row');

  const comfortable = Math.max(...(await heights()));
  const toggle = mg.page.getByRole('button', { name: 'Compact rows' });
  t.equal(await toggle.getAttribute('aria-pressed'), 'false', 'comfortable rows by default');
  await toggle.click();
  t.equal(await toggle.getAttribute('aria-pressed'), 'true', 'the button says it is on');
  const compact = Math.max(...(await heights()));
  t.ok(compact <= 44, `a compact row is one line (${compact} px)`);
  t.ok(compact * 2 <= comfortable, `at most half a comfortable row (${comfortable} px)`);

  await mg.page.reload();
  await rows.nth(2).waitFor({ timeout: 10_000 });
  t.equal(await mg.page.getByRole('button', { name: 'Compact rows' }).getAttribute('aria-pressed'), 'true');
  t.ok(Math.max(...(await heights())) <= 44, 'still compact after a reload');
  await mg.page.getByRole('button', { name: 'Compact rows' }).click();
  t.ok(Math.max(...(await heights())) > 44, 'and back to comfortable');
});
