// Web Push end to end in Chromium: an expert turns on "Notify me on this device" (permission asked only then), the
// server records the subscription, an offer is pushed (encrypted, VAPID-signed) to the push service stand-in, the
// payload it decrypted is delivered to the service worker through the DevTools protocol, the notification shows,
// a tap opens the question ready to claim, and when a colleague claims it the withdrawal closes the notification.
//
// What is not real: Chromium cannot subscribe here (no push in its off-the-record profiles, and no network to its
// push service), so PushManager.subscribe/getSubscription hand back a subscription made by the stand-in — with real
// keys, so the server's encryption is checked by the stand-in's decryption. And a tap is the worker's own
// 'open-notification' message: the DevTools protocol cannot tap a system notification.
import t from 'tap';
import type { CDPSession, Page } from 'playwright-core';
import type { PushPayload } from '../../server/contracts/push.js';
import { launchBrowser, openPage, signIn, waitLive } from '../helpers/browser.js';
import { shownNotifications, startPushServer, until } from '../helpers/push-browser.js';
import { pushService } from '../helpers/push-service.js';

const PHONE_390 = { width: 390, height: 800 };

/** The service worker's registration id, for ServiceWorker.deliverPushMessage. */
async function registrationId(cdp: CDPSession, page: Page, origin: string): Promise<string> {
  const seen: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => seen.push(...e.registrations));
  await cdp.send('ServiceWorker.enable');
  for (let i = 0; i < 50 && !seen.some((r) => r.scopeURL === `${origin}/` && !r.isDeleted); i++)
    await page.waitForTimeout(100);
  const reg = seen.find((r) => r.scopeURL === `${origin}/` && !r.isDeleted);
  if (!reg) throw new Error('no service worker registration reported');
  return reg.registrationId;
}

/** Waits until exactly `count` notifications are showing (the worker shows and closes them asynchronously). */
async function untilShowing(page: Page, count: number): Promise<Awaited<ReturnType<typeof shownNotifications>>> {
  for (let i = 0; i < 100; i++) {
    const shown = await shownNotifications(page);
    if (shown.length === count) return shown;
    await page.waitForTimeout(100);
  }
  throw new Error(`expected ${count} notification(s), still ${(await shownNotifications(page)).length}`);
}

t.test('an offer reaches the expert as a notification that opens the question ready to claim', async (t) => {
  const service = await pushService(t);
  const server = await startPushServer(t, { ca: service.ca });
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createExpert('Paula Push');
  const rival = await server.createExpert('Rita Rival');

  const { context, page, errors } = await openPage(browser, server.url, PHONE_390);
  // The browser side of the subscription, made by the stand-in (see the file's header), and a count of prompts.
  await context.addInitScript((sub) => {
    const w = window as unknown as { __asks: number; __subscribeOptions: unknown };
    w.__asks = 0;
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = (() => {
      w.__asks++;
      return ask();
    }) as typeof Notification.requestPermission;
    // Kept across reloads, as a browser keeps its subscription.
    const made = (key: ArrayBuffer | null) =>
      ({
        endpoint: sub.endpoint,
        expirationTime: null,
        options: { userVisibleOnly: true, applicationServerKey: key },
        toJSON: () => sub,
        unsubscribe: async () => {
          sessionStorage.removeItem('test.subscribed');
          return true;
        },
      }) as unknown as PushSubscription;
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      const key = options?.applicationServerKey as Uint8Array;
      w.__subscribeOptions = {
        userVisibleOnly: options?.userVisibleOnly,
        keyLength: key.byteLength,
        firstByte: key[0],
      };
      sessionStorage.setItem('test.subscribed', '1');
      return made(null);
    };
    PushManager.prototype.getSubscription = async () => (sessionStorage.getItem('test.subscribed') ? made(null) : null);
  }, service.subscribe());

  await signIn(page, expert.email, expert.password, '#/profile');
  await waitLive(page);
  // A colleague online too, so the offer goes to both and one of them can take it from the other.
  const other = await openPage(browser, server.url, PHONE_390);
  await signIn(other.page, rival.email, rival.password, '#/inbox');
  await waitLive(other.page);
  const toggle = page.getByRole('switch', { name: 'Notify me on this device' });

  await t.test('the switch asks for permission only when pressed, and the server gets the subscription', async (t) => {
    await toggle.waitFor();
    t.equal(await toggle.getAttribute('aria-checked'), 'false', 'off to begin with');
    t.match(await page.locator('.push-state').textContent(), /^Off/);
    t.equal(await page.evaluate(() => (window as any).__asks), 0, 'no permission prompt on opening the profile');
    await context.grantPermissions(['notifications'], { origin: server.url });
    await toggle.click();
    await page.locator('.switch[aria-checked="true"]').waitFor({ timeout: 10_000 });
    t.equal(await page.evaluate(() => (window as any).__asks), 1, 'one prompt, from the press');
    t.same(
      await page.evaluate(() => (window as any).__subscribeOptions),
      { userVisibleOnly: true, keyLength: 65, firstByte: 4 },
      "subscribed with the server's VAPID public key (an uncompressed P-256 point)",
    );
    const items = await page.evaluate(async () => (await (await fetch('/api/me/push-subscriptions')).json()).items);
    t.equal(items.length, 1, 'the server has the subscription');
    const device = page.locator('.device');
    await device.waitFor();
    t.match(await device.textContent(), /Chrome on Linux.*this device/, 'listed as this device');
    // The docs' screenshots are redrawn on request (SCREENSHOTS=1 npm test), not on every run: they show the time.
    if (process.env.SCREENSHOTS)
      await page.locator('.notifications').screenshot({ path: 'web/screenshots/profile-notifications-phone.png' });
  });

  const cdp = await context.newCDPSession(page);
  const regId = await registrationId(cdp, page, server.url);
  const deliver = (payload: unknown) =>
    cdp.send('ServiceWorker.deliverPushMessage', {
      origin: server.url,
      registrationId: regId,
      data: JSON.stringify(payload),
    });
  let offer: PushPayload;

  await t.test('the server pushes the offer, and the service worker shows it', async (t) => {
    await page.evaluate(() => {
      location.hash = '#/answers';
    });
    server.fakeX.addMention({
      text: 'my laptop fan is loud all the time, is that normal?',
      author: { username: 'loud_lou' },
    });
    const [message] = await service.waitFor(
      (all) => all.some((m) => (m.payload as PushPayload).type === 'offer'),
      20_000,
    );
    offer = service.received.map((m) => m.payload as PushPayload).find((p) => p.type === 'offer')!;
    t.ok(message, 'the stand-in decrypted an offer sent to this subscription');
    t.same(service.refused, [], 'with a valid VAPID signature and encryption');
    await deliver(offer);
    const [shown] = await untilShowing(page, 1);
    t.match(
      shown,
      { title: offer.title, tag: offer.tag, requireInteraction: true },
      'shown with its title and the question as its tag; it stays until acted on',
    );
    t.match(shown!.body, 'laptop fan is loud');
  });

  await t.test('a tap opens the question with Claim in view and focused', async (t) => {
    await page.evaluate(
      async (tag) => (await navigator.serviceWorker.ready).active!.postMessage({ type: 'open-notification', tag }),
      offer.tag,
    );
    await page.waitForURL(`**/#/q/${encodeURIComponent(offer.questionId!)}`);
    const claim = page.getByRole('button', { name: 'Claim', exact: true });
    await claim.waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Claim');
    t.ok(await claim.isVisible(), 'the Claim button is visible');
    t.same(await untilShowing(page, 0), [], 'the tapped notification is gone');
  });

  await t.test('a colleague claims it: the withdrawal closes the notification', async (t) => {
    await deliver(offer);
    await untilShowing(page, 1);
    await other.page.evaluate((id) => {
      location.hash = `#/q/${encodeURIComponent(id)}`;
    }, offer.questionId!);
    await other.page.getByRole('button', { name: 'Claim', exact: true }).click();
    await other.page.getByText('Write the reply').waitFor({ timeout: 10_000 });
    await service.waitFor((all) => all.some((m) => (m.payload as PushPayload).type === 'offer.withdrawn'), 20_000);
    const withdrawn = service.received.map((m) => m.payload as PushPayload).find((p) => p.type === 'offer.withdrawn')!;
    t.equal(withdrawn.tag, offer.tag, 'the withdrawal names the same notification');
    await deliver(withdrawn);
    let taken: Awaited<ReturnType<typeof shownNotifications>>[number] | undefined;
    for (let i = 0; i < 50 && !taken; i++) {
      taken = (await shownNotifications(page)).find((n) => n.title === withdrawn.title);
      if (!taken) await page.waitForTimeout(100);
    }
    t.equal((await shownNotifications(page)).length, 1, 'in place of the offer, not beside it');
    t.match(
      taken,
      { title: withdrawn.title, tag: offer.tag, requireInteraction: false },
      'a quiet "taken" replaces the offer (a push must show something)',
    );
    await untilShowing(page, 0);
    t.pass('and goes by itself a few seconds later');
  });

  await t.test('turning it off removes the subscription from the server', async (t) => {
    await page.evaluate(() => {
      location.hash = '#/profile';
    });
    await toggle.click();
    await page.locator('.switch[aria-checked="false"]').waitFor();
    const items = await page.evaluate(async () => (await (await fetch('/api/me/push-subscriptions')).json()).items);
    t.same(items, [], 'the server forgot this device');
  });

  await t.test('when the push service says the subscription is gone, the switch is off again', async (t) => {
    await toggle.click();
    await page.locator('.switch[aria-checked="true"]').waitFor();
    service.answer({ status: 410 });
    server.fakeX.addMention({ text: 'the laptop hinge cracked, can it be fixed?', author: { username: 'hinge_hal' } });
    await until(
      async () =>
        (await page.evaluate(async () => (await (await fetch('/api/me/push-subscriptions')).json()).items)).length,
      (n) => n === 0,
      'the server prunes it',
    );
    await page.reload();
    await page.locator('.switch[aria-checked="false"]').waitFor();
    t.match(await page.locator('.push-state').textContent(), /^Off/, 'the profile says so');
    t.same(
      errors.filter((e) => !/status of 401/.test(e)),
      [],
      'no script errors',
    );
  });
});

t.test('on an iPhone outside the Home Screen the switch says to add the app first', async (t) => {
  const server = await startPushServer(t);
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createExpert('Ivy Phone');
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: PHONE_390,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  });
  // Safari in a tab has neither: Web Push is offered only to a web app opened from the Home Screen.
  await context.addInitScript(() => {
    delete (window as any).PushManager;
    delete (window as any).Notification;
  });
  const page = await context.newPage();
  await signIn(page, expert.email, expert.password, '#/profile');
  const toggle = page.getByRole('switch', { name: 'Notify me on this device' });
  await page.locator('.switch[data-state="needs-install"]').waitFor();
  t.ok(await toggle.isDisabled(), 'the switch cannot be turned on here');
  t.match(
    await page.locator('.push-state').textContent(),
    /add Helpforce to your Home Screen first/,
    'and says what to do',
  );
});
