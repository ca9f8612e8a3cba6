// On a 390 px phone the header leaves the screen to the work (at most ~120 px, every page still one tap away), and
// an error message from one page does not follow the user to the next.
import t from 'tap';
import { launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

const PHONE_390 = { width: 390, height: 844 };
const MAX_HEADER_PX = 120;

t.test('a compact phone header, and no stale errors', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Jane Longname-Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  // The busiest header: a manager who also answers sees every page, the channel status and the availability switch.
  const manager = await server.createUser('manager', {
    name: 'Mia Manager',
    profile: { signature: 'MM', skills: [{ tag: 'tv', level: 2 }], availability: 'available' },
  });

  for (const [who, user, hash] of [
    ['an expert', expert, '#/inbox'],
    ['a manager who answers', manager, '#/queue'],
  ] as const) {
    await t.test(`${who}: the header fits in ${MAX_HEADER_PX} px`, async (t) => {
      const { page, context } = await openPage(browser, server.url, PHONE_390);
      t.teardown(() => context.close());
      await signIn(page, user.email, user.password, hash);
      await waitLive(page);
      await page.locator('.avail').waitFor();
      const height = await page.locator('header.top').evaluate((el) => el.getBoundingClientRect().height);
      t.ok(height <= MAX_HEADER_PX, `the header is ${Math.round(height)} px tall`);
      const labels = await page.locator('nav.nav a').allTextContents();
      t.ok(labels.length >= 3, `every page is in the nav: ${labels.join(', ')}`);
      for (const link of await page.locator('nav.nav a').all()) {
        const box = await link.boundingBox();
        t.ok(box && box.height >= 32, `"${await link.textContent()}" is a tap target of ${box?.height} px`);
      }
      t.ok(
        await page.getByRole('button', { name: /Available/ }).isVisible(),
        'the availability switch stays one tap away',
      );
      t.ok(await page.getByRole('button', { name: 'Sign out' }).isVisible(), 'and signing out');
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      t.ok(width <= PHONE_390.width, 'nothing makes the page scroll sideways');
      await page.evaluate(() => {
        location.hash = '#/profile';
      });
      const current = await page.locator('nav.nav a[aria-current="page"]').boundingBox();
      t.ok(
        current && current.x >= 0 && current.x + current.width <= PHONE_390.width,
        'the current page shows in the nav, even when the nav scrolls',
      );
    });
  }

  await t.test('an error toast stays on the page it is about', async (t) => {
    const { page, context } = await openPage(browser, server.url, PHONE_390);
    t.teardown(() => context.close());
    // The inbox cannot load its offers: it says so in a toast.
    await page.route('**/api/me/offers', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'Offers are unavailable right now' } }),
      }),
    );
    await signIn(page, expert.email, expert.password, '#/inbox');
    const error = page.locator('.toast-error', { hasText: 'Offers are unavailable' });
    await error.first().waitFor();
    await page.unroute('**/api/me/offers');
    await page.getByRole('link', { name: 'My answers' }).click();
    await page.waitForURL(/#\/answers/);
    t.equal(await error.count(), 0, 'it goes when the user moves to another page');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.getByRole('button', { name: /Available/ }).click();
    await page.locator('.toast-ok').waitFor();
    await page.getByRole('link', { name: 'Inbox' }).click();
    t.equal(await page.locator('.toast-ok').count(), 1, 'a confirmation of what was just done stays');
  });
});
