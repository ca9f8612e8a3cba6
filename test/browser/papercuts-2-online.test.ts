// The queue and the People page count experts the same way: online means an offer reaches them now (the app open, or
// a device subscribed to push), and available means online and set to Available. The queue also says how many have
// the app open, so "0 online" no longer reads as "nobody".
import t from 'tap';
import { pushSubscriptions } from '../../db/schema.js';
import { DESKTOP, launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('"Experts available" on the queue is the People page\'s "available"', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const tv = { skills: [{ tag: 'tv', level: 5 }] };
  const ann = await server.createUser('expert', { name: 'Ann App', profile: { ...tv, availability: 'available' } });
  const ben = await server.createUser('expert', { name: 'Ben Push', profile: { ...tv, availability: 'available' } });
  await server.createUser('expert', { name: 'Cy Nowhere', profile: { ...tv, availability: 'available' } });
  const dee = await server.createUser('expert', { name: 'Dee Away', profile: { ...tv, availability: 'away' } });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });

  // A phone subscribed to push, as the subscription route would store it.
  const { db, experts } = server.app.services;
  for (const [n, user] of [ben, dee].entries()) {
    db.insert(pushSubscriptions)
      .values({
        id: `sub-${n}`,
        userId: user.id,
        endpoint: `https://push.example/${n}`,
        p256dh: 'key',
        auth: 'auth',
        createdAt: Date.now(),
      })
      .run();
    await experts.pushChanged(user.id);
  }
  const ex = await openPage(browser, server.url, DESKTOP);
  await signIn(ex.page, ann.email, ann.password, '#/inbox');
  await waitLive(ex.page);

  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');
  const tile = mg.page.locator('.tile-experts');
  await tile.waitFor({ timeout: 10_000 });
  t.equal(await tile.locator('dt').textContent(), 'Experts available');
  await mg.page.waitForFunction(() => document.querySelector('.tile-experts dd')?.textContent?.startsWith('2'));
  t.equal(
    await tile.locator('dd').textContent(),
    '21 with the app open, the rest by push',
    'Ann with the app open and Ben by push; Dee is away and Cy cannot be reached',
  );

  await mg.page.evaluate(() => {
    location.hash = '#/roster';
  });
  // Once all five are loaded (before, the summary counts none of none).
  const summary = mg.page.getByRole('status').filter({ hasText: /of 5 online/ });
  await summary.waitFor();
  t.equal(
    await summary.textContent(),
    '4 of 5 online (app open or push) · 2 available',
    'the same two available; Dee is online by push but away, as is Mia, whose profile is away until she opts in',
  );
  const row = (name: string) => mg.page.locator('tr', { hasText: name }).locator('.presence');
  t.equal(await row('Ben Push').textContent(), 'online', 'reachable by push is online');
  t.equal(await row('Cy Nowhere').textContent(), 'offline');
});
