// Customer text is untrusted and must only ever be text; the expert client must work on a 375 px phone.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('untrusted text and a small screen', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Pat Phone',
    profile: { signature: 'PP', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  const manager = await server.createUser('manager', { name: 'Mo Manager' });

  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  await waitLive(ex.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue/status=any');
  await waitLive(mg.page);

  const payload = '<img src=x onerror=alert(1)> my tv <script>alert(2)</script>';
  server.fakeX.addMention({ text: payload, author: { username: 'mallory', name: '<b>Mallory</b>' } });
  server.fakeX.addMention({
    text: `My tv shows https://example.com/${'averyveryverylongpathsegment'.repeat(4)} and ${'Supercalifragilistic'.repeat(5)} error codes`,
    author: { username: 'longwords' },
  });

  await t.test('markup in a question renders as text, in the inbox, the queue and the question page', async (t) => {
    const offer = ex.page.locator('article.offer', { hasText: '<img src=x onerror=alert(1)>' });
    await offer.waitFor({ timeout: 20_000 });
    const row = mg.page.locator('.queue-row', { hasText: '<img src=x onerror=alert(1)>' });
    await row.waitFor({ timeout: 10_000 });
    await row.click();
    await mg.page.locator('.question .qtext').waitFor();
    t.match(
      await mg.page.locator('.question .qtext').textContent(),
      '<script>alert(2)</script>',
      'the text is shown literally',
    );
    await mg.page.waitForTimeout(500);
    for (const page of [ex.page, mg.page]) {
      t.equal(
        await page.locator('main img, main script, main b').count(),
        0,
        'no element was created from customer text',
      );
    }
    t.same([...ex.dialogs, ...mg.dialogs], [], 'no alert or other dialog fired');
  });

  await t.test('the inbox fits a 375 px phone', async (t) => {
    await ex.page.locator('article.offer', { hasText: 'Supercalifragilistic' }).waitFor({ timeout: 20_000 });
    const width = () => ex.page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, view: innerWidth }));
    const inbox = await width();
    t.ok(inbox.scroll <= inbox.view, `no horizontal scroll on the inbox (${inbox.scroll} <= ${inbox.view})`);
    const claim = ex.page
      .locator('article.offer', { hasText: 'Supercalifragilistic' })
      .getByRole('button', { name: /Claim/ });
    const size = await claim.boundingBox();
    t.ok(size && size.height >= 44, 'the claim button is a comfortable tap target');
    await claim.click();
    await ex.page.getByLabel('Your reply').waitFor();
    await ex.page.getByLabel('Your reply').fill(`Try ${'https://example.com/'.repeat(3)} ${'y'.repeat(120)}`);
    const compose = await width();
    t.ok(compose.scroll <= compose.view, `no horizontal scroll while composing (${compose.scroll} <= ${compose.view})`);

    // Offers arriving while Pat writes: one message that counts them, at the top, clear of the reply box.
    for (let i = 0; i < 4; i++)
      server.fakeX.addMention({ text: `my tv remote ${i} stopped pairing`, author: { username: `burst${i}` } });
    const counted = ex.page.locator('.toast', { hasText: /\d new questions for you/ });
    await counted.waitFor({ timeout: 20_000 });
    await ex.page.waitForTimeout(1500);
    t.equal(
      await ex.page.locator('.toast', { hasText: /new question/ }).count(),
      1,
      'one message for all the new offers, not one each',
    );
    const [note, reply] = await Promise.all([counted.boundingBox(), ex.page.getByLabel('Your reply').boundingBox()]);
    t.ok(
      note && reply && (note.y + note.height <= reply.y || note.y >= reply.y + reply.height),
      'the message does not cover the reply box',
    );
    t.equal(
      await ex.page
        .getByLabel('Your reply')
        .inputValue()
        .then((v) => v.startsWith('Try ')),
      true,
      'and the draft is untouched',
    );
    await ex.page.evaluate(() => {
      location.hash = '#/profile';
    });
    await ex.page.getByLabel('Signature').waitFor();
    const profile = await width();
    t.ok(profile.scroll <= profile.view, 'nor on the profile');
  });

  await t.test('the profile and the availability switch save to the server', async (t) => {
    const profile = () => ex.page.evaluate(async () => (await fetch('/api/me/profile')).json());
    await ex.page.getByLabel('Signature').fill('Pat, Store 9');
    t.match(
      await ex.page.locator('.profile .tweet-text').textContent(),
      /\^Pat, Store 9$/,
      'the signature preview follows the typing',
    );
    await ex.page.getByRole('button', { name: 'Add a skill' }).click();
    await ex.page.locator('.skill-row').last().getByLabel('Skill', { exact: true }).selectOption('laptops');
    await ex.page.locator('.skill-row').last().getByLabel('Level', { exact: true }).selectOption('2');
    await ex.page.getByRole('button', { name: 'Save profile' }).click();
    await ex.page.getByText('Profile saved.').waitFor();
    const saved = await profile();
    t.equal(saved.signature, 'Pat, Store 9', 'the signature is saved');
    t.same(
      saved.skills.map((s: { tag: string; level: number }) => `${s.tag}:${s.level}`).sort(),
      ['laptops:2', 'tv:5'],
      'and the skills with levels',
    );

    const toggle = ex.page.locator('button.avail');
    t.equal(await toggle.getAttribute('aria-pressed'), 'true', 'the switch says available');
    await toggle.click();
    await ex.page.locator('button.avail[aria-pressed=false]').waitFor();
    t.match(await toggle.textContent(), 'Away', 'and then away');
    t.equal((await profile()).availability, 'away', 'which the server knows');
    await toggle.click();
    await ex.page.locator('button.avail[aria-pressed=true]').waitFor();
  });

  await t.test('a dropped socket shows offline, then reconnects by itself', async (t) => {
    server.app.services.hub.closeAll();
    await ex.page.locator('.conn-offline').waitFor({ timeout: 5_000 });
    t.match(await ex.page.locator('.conn').textContent(), /Offline/, 'the header says offline');
    await ex.page.locator('.conn-live').waitFor({ timeout: 15_000 });
    t.pass('and live again after the backoff');
  });

  await t.test('what happened while offline shows up after reconnecting (resync from REST)', async (t) => {
    await mg.page.evaluate(() => {
      location.hash = '#/queue/status=any';
    });
    await mg.page.locator('.queue-row').first().waitFor();
    await mg.context.setOffline(true);
    server.app.services.hub.closeAll();
    await mg.page.locator('.conn-offline').waitFor({ timeout: 5_000 });
    const missed = 'question asked while the dashboard was offline about my tv';
    server.fakeX.addMention({ text: missed, author: { username: 'while_away' } });
    const seen = await mg.page
      .evaluate(async () => (await (await fetch('/api/questions?status=new,offered,escalated')).json()).items.length)
      .catch(() => null);
    t.equal(seen, null, 'the page really is cut off');
    await new Promise((r) => setTimeout(r, 1500));
    t.equal(await mg.page.locator('.queue-row', { hasText: missed }).count(), 0, 'nothing arrives while offline');
    await mg.context.setOffline(false);
    await mg.page.locator('.conn-live').waitFor({ timeout: 15_000 });
    await mg.page.locator('.queue-row', { hasText: missed }).waitFor({ timeout: 10_000 });
    t.pass('the queue catches up after reconnecting');
  });

  t.same(
    [...ex.errors, ...mg.errors].filter((e) => !/401|ERR_INTERNET_DISCONNECTED|WebSocket/.test(e)),
    [],
    'no script errors',
  );
});
