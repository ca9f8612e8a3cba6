// The client follows the question's channel: the reply counter counts what that network counts (Bluesky's graphemes
// to 300, a Mastodon instance's limit with any URL as 23), the customer is written as the network writes them, the
// post opens on its own network, and the queue filters by channel and shows each channel's state.
import type { Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { fakeNetworks, MASTODON_SERVER } from '../helpers/channel-fakes.js';
import { startTestServer } from '../helpers/server.js';

/** A write from the signed-in page, with its CSRF token, as the web client sends it. */
function send(page: Page, path: string, body: unknown = {}): Promise<{ status: number; json: any }> {
  return page.evaluate(
    async ({ path, body }) => {
      const { csrfToken } = await (await fetch('/api/me')).json();
      const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
      const res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
      return { status: res.status, json: await res.json() };
    },
    { path, body },
  );
}

async function go(page: Page, hash: string): Promise<void> {
  await page.evaluate((hash) => {
    location.hash = hash;
  }, hash);
}

t.test('counter, author, links and the queue follow each channel', async (t) => {
  const nets = fakeNetworks(500);
  const server = await startTestServer({ channelAdapters: [nets.bluesky.adapter, nets.mastodon.adapter] });
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', { name: 'Jane Doe', profile: { signature: 'JD' } });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const ex = await openPage(browser, server.url, DESKTOP);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');

  const ask = async (channel: string, externalId: string, handle: string) => {
    const asked = await send(mg.page, '/api/questions', {
      channel,
      externalId,
      text: `No sound on my TV (${channel})`,
      author: { handle },
    });
    t.equal(asked.status, 201, `asked on ${channel}`);
    const id = asked.json.question.id as string;
    t.equal((await send(mg.page, `/api/questions/${id}/assign`, { expertId: expert.id })).status, 200);
    return id;
  };
  const sky = await ask('bluesky', 'at://did:plc:maria/app.bsky.feed.post/3kxyz', 'maria.bsky.social');
  const toot = await ask('mastodon', '113000000000000001', 'maria@other.example');
  const tweet = await ask('x', '1800000000000000001', 'maria');
  const mail = await ask('email', 'mail-1', 'maria@example.com');

  t.test('Bluesky: graphemes to 300, an emoji with a skin tone counts 1; the post opens on bsky.app', async (t) => {
    await go(ex.page, `#/q/${encodeURIComponent(sky)}`);
    const box = ex.page.getByLabel('Your reply');
    await box.waitFor({ timeout: 20_000 });
    await box.fill('👍🏽');
    const count = ex.page.locator('.compose .counter-text');
    t.equal(await count.textContent(), '5 / 300', 'the emoji is one, " ^JD" four');
    await box.fill('a'.repeat(296));
    t.equal(await count.textContent(), '300 / 300');
    t.equal(await ex.page.getByRole('button', { name: 'Send reply' }).isDisabled(), false, '300 fits');
    await box.fill('a'.repeat(297));
    t.equal(await count.textContent(), '301 / 300');
    t.equal(await ex.page.getByRole('button', { name: 'Send reply' }).isDisabled(), true, '301 does not');
    t.match(await ex.page.locator('.compose .warn').textContent(), /Bluesky allows 300/);
    t.equal(await ex.page.locator('h1').textContent(), 'Question from @maria.bsky.social');
    const open = ex.page.getByRole('link', { name: 'open on Bluesky' });
    t.equal(await open.getAttribute('href'), 'https://bsky.app/profile/did%3Aplc%3Amaria/post/3kxyz');
    t.equal(await ex.page.locator('.row-top .channel-badge').first().textContent(), 'Bluesky');
    await box.fill('');
  });

  t.test("Mastodon: the instance's limit less the address, a long URL as 23; the status on its server", async (t) => {
    await go(ex.page, `#/q/${encodeURIComponent(toot)}`);
    await ex.page.locator('h1', { hasText: '@maria@other.example' }).waitFor({ timeout: 20_000 });
    const box = ex.page.getByLabel('Your reply');
    await box.fill(`See https://support.example.com/${'tv-sound/'.repeat(12)}`);
    t.equal(await ex.page.locator('.compose .counter-text').textContent(), `${4 + 23 + 4} / ${500 - 32}`);
    t.equal(await ex.page.locator('h1').textContent(), 'Question from @maria@other.example');
    const open = ex.page.getByRole('link', { name: 'open on Mastodon' });
    t.equal(await open.getAttribute('href'), `${MASTODON_SERVER}/@maria@other.example/113000000000000001`);
    await box.fill('');
  });

  t.test('X keeps its weighted count and link; an API channel shows the email as given, with no link', async (t) => {
    await go(ex.page, `#/q/${encodeURIComponent(tweet)}`);
    await ex.page.locator('h1', { hasText: '@maria' }).waitFor({ timeout: 20_000 });
    await ex.page.getByLabel('Your reply').fill('漢');
    t.equal(await ex.page.locator('.compose .counter-text').textContent(), '6 / 280', 'CJK weighs two on X');
    t.equal(
      await ex.page.getByRole('link', { name: 'open on X' }).getAttribute('href'),
      'https://x.com/i/web/status/1800000000000000001',
    );
    await ex.page.getByLabel('Your reply').fill('');

    await go(ex.page, `#/q/${encodeURIComponent(mail)}`);
    await ex.page.locator('h1', { hasText: 'maria@example.com' }).waitFor({ timeout: 20_000 });
    t.equal(await ex.page.locator('h1').textContent(), 'Question from maria@example.com', 'no "@" in front');
    t.equal(await ex.page.getByRole('link', { name: /^open on/ }).count(), 0, 'an API channel has no public post');
    t.match(await ex.page.locator('.card-meta').textContent(), /email post mail-1/);
  });

  t.test('the queue filters by channel and shows each channel', async (t) => {
    await go(mg.page, '#/queue/status=any');
    const rows = mg.page.locator('ul.queue > li[data-question]');
    await mg.page.locator('ul.queue li[data-question] .channel-badge').first().waitFor({ timeout: 20_000 });
    t.equal(await rows.count(), 4);
    const who = (id: string) => mg.page.locator(`li[data-question="${id}"] .author strong`).textContent();
    t.equal(await who(mail), 'maria@example.com', 'an email as given');
    t.equal(await who(toot), '@maria@other.example');
    t.equal(await who(sky), '@maria.bsky.social');
    const channel = mg.page.getByLabel('Channel', { exact: true });
    await mg.page.locator('option[value="bluesky"]').waitFor({ state: 'attached', timeout: 20_000 });
    await channel.selectOption('bluesky');
    await mg.page.waitForFunction(() => document.querySelectorAll('ul.queue > li[data-question]').length === 1);
    t.equal(await rows.first().getAttribute('data-question'), sky);
    t.equal(await rows.first().locator('.channel-badge').textContent(), 'Bluesky');
    t.match(mg.page.url(), /channel=bluesky/, 'the filter is in the address, so the view can be bookmarked');
    await channel.selectOption('mastodon');
    await mg.page.waitForFunction((id) => {
      const shown = [...document.querySelectorAll('ul.queue > li[data-question]')];
      return shown.length === 1 && shown[0]?.getAttribute('data-question') === id;
    }, toot);
    t.pass('only the Mastodon question');

    await mg.page.locator('.channels-details summary').click();
    const panel = mg.page.locator('.channels-table');
    await panel.locator('tr[data-channel="bluesky"]').waitFor({ timeout: 20_000 });
    t.equal(await panel.locator('tr[data-channel="x"] th').textContent(), 'X');
    t.equal(await panel.locator('tr[data-channel="mastodon"] th').textContent(), 'Mastodon');
  });

  t.test("an admin gives Bluesky its own attribution; the composer's preview uses it there only", async (t) => {
    const ad = await openPage(browser, server.url, DESKTOP);
    await signIn(ad.page, server.admin.email, server.admin.password, '#/roster');
    const override = ad.page.getByLabel('Attribution on Bluesky');
    await override.waitFor({ timeout: 20_000 });
    await override.fill('{text} —{signature}');
    await ad.page.getByRole('button', { name: 'Save settings' }).click();
    await ad.page.getByText('Settings saved.').waitFor({ timeout: 20_000 });
    t.same(server.app.services.settings.get().attributionTemplates, { bluesky: '{text} —{signature}' });

    await ex.page.reload();
    await go(ex.page, `#/q/${encodeURIComponent(sky)}`);
    const box = ex.page.getByLabel('Your reply');
    await box.waitFor({ timeout: 20_000 });
    await box.fill('Unmute it.');
    t.equal(await ex.page.locator('.compose .tweet-text').textContent(), 'Unmute it. —JD');
    await box.fill('');
    await go(ex.page, `#/q/${encodeURIComponent(tweet)}`);
    await ex.page.locator('h1', { hasText: '@maria' }).waitFor({ timeout: 20_000 });
    await ex.page.getByLabel('Your reply').fill('Unmute it.');
    t.equal(await ex.page.locator('.compose .tweet-text').textContent(), 'Unmute it. ^JD', 'X keeps the default');
    await ex.page.getByLabel('Your reply').fill('');
    await ad.page.close();
  });

  t.test("a manager's edit in review is counted by the question's network", async (t) => {
    await server.app.services.settings.update({ reviewPolicy: { minApproved: 0, reviewAll: true } });
    const submitted = await send(ex.page, `/api/questions/${sky}/replies`, { text: 'Unmute it.' });
    t.equal(submitted.json.reply.status, 'in_review');
    await go(mg.page, '#/review');
    const card = mg.page.locator(`[data-reply="${submitted.json.reply.id}"]`);
    await card.waitFor({ timeout: 20_000 });
    await card.getByRole('button', { name: 'Edit & approve' }).click();
    await card.getByLabel('Edit the reply').fill('a'.repeat(290));
    t.equal(await card.locator('.counter-text').textContent(), '294 / 300', "Bluesky allows 300, not X's 280");
    t.equal(await card.getByRole('button', { name: 'Approve edited' }).isDisabled(), false);
    await card.getByLabel('Edit the reply').fill('a'.repeat(297));
    t.equal(await card.getByRole('button', { name: 'Approve edited' }).isDisabled(), true, 'over 300 it is not');
  });

  t.test('no page errors', async (t) => {
    const errors = [...mg.errors, ...ex.errors].filter((e) => !e.includes('401')); // sign-in asks /api/me first
    t.same(errors, []);
  });
});
