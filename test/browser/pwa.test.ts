// Helpforce as an installable app: a valid manifest with icons that load, a service worker that controls the page,
// and offline a clear "offline" state (from the kept shell) rather than the browser's error page.
import t from 'tap';
import { launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

const PHONE_390 = { width: 390, height: 760 };

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.subarray(1, 4).toString('ascii') !== 'PNG' || bytes.subarray(12, 16).toString('ascii') !== 'IHDR')
    return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

t.test('the app installs, and offline says so', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', { profile: { signature: 'PW', availability: 'available' } });

  await t.test('the manifest is served, valid, and its icons load', async (t) => {
    const res = await fetch(`${server.url}/manifest.webmanifest`);
    t.equal(res.status, 200);
    t.match(res.headers.get('content-type'), /^application\/manifest\+json/, 'with the manifest media type');
    const manifest = (await res.json()) as Record<string, any>;
    t.match(manifest, {
      name: 'Helpforce',
      short_name: 'Helpforce',
      start_url: '/',
      scope: '/',
      display: 'standalone',
    });
    t.match(manifest.theme_color, /^#[0-9a-f]{6}$/i, 'a theme colour');
    t.match(manifest.background_color, /^#[0-9a-f]{6}$/i, 'a background colour');
    const icons = manifest.icons as { src: string; sizes: string; type: string; purpose: string }[];
    t.ok(
      icons.some((i) => i.sizes === '192x192' && i.purpose === 'any'),
      'a 192 px icon',
    );
    t.ok(
      icons.some((i) => i.sizes === '512x512' && i.purpose === 'any'),
      'a 512 px icon',
    );
    t.ok(
      icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'),
      'a maskable icon',
    );
    for (const icon of icons) {
      const img = await fetch(new URL(icon.src, server.url));
      t.equal(img.headers.get('content-type'), icon.type, `${icon.src} is served as ${icon.type}`);
      const [w, h] = icon.sizes.split('x').map(Number);
      t.same(
        pngSize(Buffer.from(await img.arrayBuffer())),
        { width: w, height: h },
        `${icon.src} is a ${icon.sizes} PNG`,
      );
    }
    const sw = await fetch(`${server.url}/sw.js`);
    t.equal(sw.headers.get('cache-control'), 'no-cache', 'the service worker is checked on every load');
  });

  const { context, page, errors } = await openPage(browser, server.url, PHONE_390);

  await t.test('the page links the manifest, and the service worker registers and controls it', async (t) => {
    await signIn(page, expert.email, expert.password, '#/inbox');
    const head = await page.evaluate(() => ({
      manifest: document.querySelector<HTMLLinkElement>('link[rel=manifest]')?.href,
      theme: document.querySelector<HTMLMetaElement>('meta[name=theme-color]')?.content,
      apple: document.querySelector<HTMLLinkElement>('link[rel=apple-touch-icon]')?.href,
    }));
    t.equal(head.manifest, `${server.url}/manifest.webmanifest`);
    t.match(head.theme, /^#[0-9a-f]{6}$/i);
    t.equal((await fetch(head.apple!)).status, 200, 'the apple-touch-icon loads');
    const reg = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.ready;
      return { script: r.active?.scriptURL, scope: r.scope };
    });
    t.same(reg, { script: `${server.url}/sw.js`, scope: `${server.url}/` });
    await page.reload();
    await page.locator('nav.nav').waitFor();
    t.ok(
      await page.evaluate(() => !!navigator.serviceWorker.controller),
      'after a reload the worker controls the page',
    );
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys())
        for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
      return urls;
    });
    t.ok(cached.includes('/') && cached.includes('/main.js') && cached.includes('/styles.css'), 'the shell is kept');
    t.notOk(
      cached.some((u) => u.startsWith('/api/')),
      'no API answer is ever kept',
    );
  });

  await t.test('losing the network while signed in shows a banner, and it goes when the network is back', async (t) => {
    await waitLive(page);
    const banner = page.locator('.offline-banner');
    t.ok(await banner.isHidden(), 'no banner while online');
    await context.setOffline(true);
    await banner.waitFor({ state: 'visible' });
    t.match(await banner.textContent(), /You are offline/);
    await context.setOffline(false);
    await banner.waitFor({ state: 'hidden', timeout: 15_000 });
    t.pass('the banner goes when the connection is back');
  });

  await t.test('a reload offline shows the offline state from the kept shell, never an error page', async (t) => {
    await context.setOffline(true);
    const res = await page.reload();
    t.ok(res?.fromServiceWorker(), 'the service worker answered the page');
    const state = page.locator('.offline-start');
    await state.waitFor();
    t.match(await state.locator('h1').textContent(), 'You are offline');
    t.ok(await page.getByRole('button', { name: 'Try again' }).isVisible(), 'with a way to retry');
    t.notOk(await page.locator('form').getByLabel('Password').count(), 'not the sign-in page');
    // The docs' screenshots are redrawn on request (SCREENSHOTS=1 npm test), not on every run: they show the time.
    if (process.env.SCREENSHOTS) await page.screenshot({ path: 'web/screenshots/offline-phone.png' });
    t.same(
      errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|status of 401/.test(e)),
      [],
      'no script errors',
    );

    await context.setOffline(false);
    await page.locator('nav.nav').waitFor({ timeout: 15_000 });
    t.pass('back online, the app opens again by itself');
  });
});
