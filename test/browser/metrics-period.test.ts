// The metrics page refuses a period longer than the server serves before asking for it, and shows the server's
// own refusal (a year outside the window) as it is.
import t from 'tap';
import { MAX_PERIOD_DAYS } from '../../server/domain/period.js';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('a period longer than the limit is refused on the page, saying the limit', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const manager = await server.createUser('manager');
  const { page, errors } = await openPage(browser, server.url, DESKTOP);
  const asked: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname === '/api/metrics') asked.push(request.url());
  });
  await signIn(page, manager.email, manager.password, '#/metrics');
  await page.locator('.tile').first().waitFor();
  const before = asked.length;

  await page.getByLabel('From').fill('2020-01-01');
  const alert = page.getByRole('alert');
  await alert.waitFor();
  t.match(await alert.textContent(), `at most ${MAX_PERIOD_DAYS} days`, 'the page says the limit');
  t.equal(asked.length, before, 'and does not ask the server for it');

  const today = new Date();
  await page.getByLabel('To').fill(`${today.getFullYear() + 1}-01-01`);
  await page.getByLabel('From').fill(`${today.getFullYear()}-01-02`);
  await page.locator('.tile').first().waitFor();
  t.ok(asked.length > before, 'a year is served');
  t.same(
    errors.filter((e) => !/Failed to load resource/.test(e)),
    [],
    'no page errors',
  );
});
