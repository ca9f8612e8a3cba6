// A manager meets a post held as suspected spam: it says why, and one click releases it to the experts or dismisses
// it as spam.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('held as suspected spam: the reasons, then release or dismiss', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  await server.createUser('expert', {
    name: 'Tess TV',
    profile: { signature: 'Tess', skills: [{ tag: 'tv', level: 4 }], availability: 'available' },
  });
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, server.admin.email, server.admin.password, '#/queue/status=any');
  await waitLive(mg.page);

  server.fakeX.addMention({
    text: 'TV deals through May, from $59! Lots of cool models http://t.co/abc #CheapTV',
    author: { username: 'dealbot' },
  });
  server.fakeX.addMention({
    text: 'Earn $500 a day from home, click the link http://t.co/xyz',
    author: { username: 'earnbot' },
  });

  const row = mg.page.locator('.queue-row', { hasText: 'TV deals through May' });
  await row.waitFor({ timeout: 20_000 });
  t.match(await row.textContent(), 'Suspected spam', 'the queue row says it is held');
  await row.click();
  const hold = mg.page.getByRole('region', { name: 'Suspected spam' });
  await hold.waitFor();
  t.match(await hold.textContent(), 'a promotion with a link', 'the reason, in words');
  await hold.getByRole('button', { name: 'Not spam: offer it' }).click();
  await hold.waitFor({ state: 'hidden', timeout: 10_000 });
  t.notMatch(await mg.page.locator('.question-page').textContent(), 'Suspected spam', 'released to the experts');

  await mg.page.evaluate(() => {
    location.hash = '#/queue/status=any';
  });
  await mg.page.locator('.queue-row', { hasText: 'Earn $500 a day' }).click();
  await mg.page.getByRole('button', { name: 'Dismiss as spam' }).click();
  await mg.page.locator('.question-page .badge.st-dismissed').waitFor({ timeout: 10_000 });
  t.match(await mg.page.locator('.question-page').textContent(), 'Dismissed: Spam');
});
