// An expert who has had the hour's share of offers is told so in the inbox, and until when, instead of reading
// "You are available" over an inbox that stays empty.
import t from 'tap';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('the hourly cap is said in the inbox', async (t) => {
  const server = await startTestServer({ routing: { maxOffersPerHour: 2 } });
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available', capacity: 5 },
  });
  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, jane.email, jane.password, '#/inbox');
  await waitLive(ex.page);
  const note = ex.page.locator('.quota-note');
  t.equal(await note.count(), 0, 'no notice before the cap');
  const quota = () => ex.page.evaluate(async () => (await (await fetch('/api/me/offers')).json()).quota);
  t.same(await quota(), { used: 0, max: 2, resumesAt: null }, 'the API says how many of how many');

  const before = Date.now();
  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  server.fakeX.addMention({ text: 'TV remote stopped pairing', author: { username: 'dana_d' } });
  await ex.page.locator('article.offer').nth(1).waitFor({ timeout: 20_000 });
  await note.waitFor({ timeout: 10_000 });
  t.match(
    await note.textContent(),
    /^ You've had 2 offers in the last hour, the most one hour brings: new ones resume at \d{1,2}:\d{2}/,
    'says why nothing more comes, and when it will',
  );
  const capped = await quota();
  t.equal(capped.used, 2);
  const resumes = Date.parse(capped.resumesAt);
  t.ok(resumes >= before + 3600_000 && resumes <= Date.now() + 3600_000, 'an hour after the first of the two');
  t.match(await ex.page.locator('main p.muted').first().textContent(), /^You are available\./, 'still available');
});
