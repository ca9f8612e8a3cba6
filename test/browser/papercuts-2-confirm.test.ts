// Dismissing and reassigning ask first, in the page, and say what the manager may not have seen: an expert over
// capacity, a claim made moments ago. A question someone holds no longer says "No expert available".
import type { Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

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

const questionOf = (page: Page, id: string) =>
  page.evaluate(async (id) => (await (await fetch(`/api/questions/${id}`)).json()).question, id);

t.test('dismiss and assign ask first, with the warnings that matter', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const tv = { skills: [{ tag: 'tv', level: 5 }], availability: 'available' as const };
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', ...tv, capacity: 1 },
  });
  await server.createUser('expert', { name: 'Omar Ali', profile: { signature: 'OA', ...tv, capacity: 3 } });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');

  // Nobody has the app open or a push device: both questions wait with "No expert available".
  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  server.fakeX.addMention({ text: 'TV remote stopped pairing', author: { username: 'dana_d' } });
  const rows = mg.page.locator('.queue-row', { hasText: 'No expert available' });
  await t.resolves(rows.nth(1).waitFor({ timeout: 20_000 }), 'the queue shows both as having nobody');
  const ids: Record<string, string> = await mg.page.evaluate(async () => {
    const items = (await (await fetch('/api/questions')).json()).items as { id: string; text: string }[];
    return Object.fromEntries(items.map((q) => [q.text.includes('HDMI') ? 'hdmi' : 'remote', q.id]));
  });
  t.equal((await send(mg.page, `/api/questions/${ids.remote}/assign`, { expertId: jane.id })).status, 200);

  await mg.page.evaluate((id) => {
    location.hash = `#/q/${encodeURIComponent(id)}`;
  }, ids.hdmi);
  const head = mg.page.locator('.question-page .row-top').first();
  await head.locator('.flag', { hasText: 'No expert available' }).waitFor();

  await t.test('assigning over capacity warns, and Cancel leaves it alone', async (t) => {
    await mg.page.getByRole('button', { name: 'Assign to Jane Doe' }).click();
    const dialog = mg.page.getByRole('dialog', { name: 'Assign this question to Jane Doe?' });
    await dialog.waitFor();
    t.match(await dialog.locator('.warnings').textContent(), 'Jane Doe already holds 1 of 1 questions', 'says so');
    t.ok(
      await dialog.getByRole('button', { name: 'Cancel' }).evaluate((b) => b === document.activeElement),
      'Cancel has the focus, so Enter does not assign by accident',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    t.equal((await questionOf(mg.page, ids.hdmi)).assigneeId, null, 'nothing was assigned');
  });

  await t.test('assigning asks, then clears "No expert available"', async (t) => {
    await mg.page.getByRole('button', { name: 'Assign to Omar Ali' }).click();
    const dialog = mg.page.getByRole('dialog', { name: 'Assign this question to Omar Ali?' });
    await dialog.waitFor();
    t.equal(await dialog.locator('.warnings').count(), 0, 'nothing to warn of: Omar has room and nobody holds it');
    await dialog.getByRole('button', { name: 'Assign to Omar Ali' }).click();
    await head.getByText('held by Omar Ali').waitFor({ timeout: 10_000 });
    t.equal(await head.locator('.flag').count(), 0, 'the chip is gone once someone holds it');
    t.equal((await questionOf(mg.page, ids.hdmi)).flag, null);
  });

  await t.test('dismissing a question claimed moments ago says so before it goes', async (t) => {
    await mg.page.locator('.manage').getByRole('button', { name: 'Dismiss' }).click();
    const dialog = mg.page.getByRole('dialog', { name: 'Dismiss this question?' });
    await dialog.waitFor();
    const warnings = (await dialog.locator('.warnings').textContent()) ?? '';
    t.match(warnings, /Omar Ali took it (\d+m )?\d+s ago and may be writing a reply/, 'who holds it, and since when');
    t.match(warnings, 'Reason: Not a question', 'and the reason');
    await mg.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    t.equal((await questionOf(mg.page, ids.hdmi)).status, 'claimed', 'Escape dismisses nothing');

    await mg.page.locator('.manage').getByRole('button', { name: 'Dismiss' }).click();
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await mg.page.locator('.question-page .badge.st-dismissed').first().waitFor({ timeout: 10_000 });
    t.equal((await questionOf(mg.page, ids.hdmi)).status, 'dismissed', 'Dismiss in the dialog dismisses');
  });

  t.same(mg.dialogs, [], 'never a browser confirm()');
  // The sign-in page asks who is signed in before anyone is: that 401 is expected.
  t.same(
    mg.errors.filter((e) => !e.includes('status of 401')),
    [],
    'no page errors',
  );
});
