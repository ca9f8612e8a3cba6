// An offer card on the expert's phone: each countdown says what it counts down to, and "Why you" says in words why
// the question came to them, without the router's numbers; nothing the expert's browser loads carries a colleague's
// offer or score.
import t from 'tap';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('an offer card an expert can read at a glance', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const tv = { skills: [{ tag: 'tv', level: 5 }], availability: 'available' as const, capacity: 3 };
  const jane = await server.createUser('expert', { name: 'Jane Doe', profile: { signature: 'JD', ...tv } });
  const omar = await server.createUser('expert', { name: 'Omar Ali', profile: { signature: 'OA', ...tv } });

  const ex = await openPage(browser, server.url, PHONE);
  const frames: string[] = [];
  ex.page.on('websocket', (ws) => ws.on('framereceived', ({ payload }) => frames.push(String(payload))));
  await signIn(ex.page, jane.email, jane.password, '#/inbox');
  await waitLive(ex.page);
  const other = await openPage(browser, server.url, PHONE);
  await signIn(other.page, omar.email, omar.password, '#/inbox');
  await waitLive(other.page);

  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  const offer = ex.page.locator('article.offer', { hasText: 'no sound over HDMI' });
  await offer.waitFor({ timeout: 20_000 });
  await other.page.locator('article.offer', { hasText: 'no sound over HDMI' }).waitFor({ timeout: 10_000 });

  await t.test('two countdowns, each labelled', async (t) => {
    const timers = offer.locator('.offer-timers');
    t.match(await timers.locator('.sla').textContent(), /^Reply due in \d+m \d\ds$/, "the customer's deadline");
    t.match(await timers.locator('.offer-window').textContent(), /^Offer open (\d+m )?\d+s more$/, 'the offer window');
    const before = await timers.locator('.offer-window').textContent();
    await ex.page.waitForFunction(
      (text) => document.querySelector('.offer-timers .offer-window')?.textContent !== text,
      before,
    );
    t.match(await timers.locator('.offer-window').textContent(), /^Offer open /, 'and the label stays as it ticks');
    t.notMatch(await offer.textContent(), /\d+s left|offer ends in/, 'no unlabelled countdown is left');
  });

  await t.test('"Why you" in words, with no numbers', async (t) => {
    await offer.getByText('Why you').click();
    const reasons = await offer
      .getByRole('list', { name: 'Why it was offered to you' })
      .locator('li')
      .allTextContents();
    t.ok(reasons.includes('You know tv well'), `names the skill in words: ${reasons.join(' | ')}`);
    t.notMatch(reasons.join(' '), /\d/, 'no scores');
    t.notMatch(await offer.locator('.why').textContent(), /score|wave|\d/i, 'nor the wave or total score');
  });

  await t.test("the expert's browser never receives a colleague's offer or score", async (t) => {
    const seen = await ex.page.evaluate(async () => {
      const offers = (await (await fetch('/api/me/offers')).json()).items;
      const id = offers[0].question.id;
      const detail = (await (await fetch(`/api/questions/${encodeURIComponent(id)}`)).json()).question;
      return {
        listed: offers.map((o: { offer: { expertId: string } }) => o.offer.expertId),
        detail: detail.offers.map((o: { expertId: string }) => o.expertId),
      };
    });
    t.same(seen.listed, [jane.id], 'the inbox lists her own offer only');
    t.same(seen.detail, [jane.id], "the question's detail carries her own offer only");
    const omars = await other.page.evaluate(async () => (await (await fetch('/api/me/offers')).json()).items.length);
    t.equal(omars, 1, 'while Omar was offered the same question');
    const offered = frames
      .map((f) => JSON.parse(f) as { type: string; data: { offer?: { expertId: string } } })
      .filter((m) => m.type === 'question.offered');
    t.ok(offered.length > 0, 'the offer came over the live socket');
    t.ok(
      offered.every((m) => m.data.offer?.expertId === jane.id),
      'which carried her own offer only',
    );
    t.notMatch(frames.join('\n'), omar.id, "and never Omar's id");
  });
});
