// Edit & approve sends the manager's words under the expert's signature: the expert is told at once, and their
// question shows who edited it and what they had written.
import type { Page } from 'playwright-core';
import t from 'tap';
import { reviewMessage } from '../../server/listeners/push-messages.js';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
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

t.test('an expert is told when a manager edited their answer', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, jane.email, jane.password, '#/inbox');
  await waitLive(ex.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/review');

  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  await ex.page.locator('article.offer', { hasText: 'no sound over HDMI' }).waitFor({ timeout: 20_000 });
  const id = await ex.page.evaluate(async () => (await (await fetch('/api/me/offers')).json()).items[0].question.id);
  t.equal((await send(ex.page, `/api/questions/${id}/claim`)).status, 200);
  const original = 'turn on hdmi cec i think';
  const submitted = await send(ex.page, `/api/questions/${id}/replies`, { text: original });
  t.equal(submitted.status, 201);
  const edited = 'Turn on HDMI-CEC in Settings > Sound, then restart the TV.';
  t.equal((await send(mg.page, `/api/replies/${submitted.json.reply.id}/approve`, { text: edited })).status, 200);

  const toast = ex.page.locator('.toast', { hasText: 'Mia Manager edited your answer to @casey_c' });
  await t.resolves(toast.waitFor({ timeout: 10_000 }), 'the expert hears of the edit in the app');
  await toast.getByRole('link', { name: 'See the change' }).click();
  const note = ex.page.locator('.reply .edited-note');
  await note.waitFor({ timeout: 10_000 });
  t.match(await note.textContent(), 'Edited by Mia Manager before posting.', 'the answer says who edited it');
  t.match(await note.locator('xpath=..').textContent(), 'Turn on HDMI-CEC in Settings', 'above it, what was sent');
  await note.getByText('What you wrote').click();
  t.equal(await note.locator('details .qtext').textContent(), original, 'and what the expert had written');

  const message = reviewMessage(
    { id, author: { handle: 'casey_c' } } as Parameters<typeof reviewMessage>[0],
    true,
    null,
    'Mia Manager',
  );
  t.equal(message.payload.title, 'Mia Manager edited your answer and approved it', 'a push notification says so too');
});

t.test('an approval without changes says nothing of an edit', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, jane.email, jane.password, '#/inbox');
  await waitLive(ex.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/review');
  server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  await ex.page.locator('article.offer').waitFor({ timeout: 20_000 });
  const id = await ex.page.evaluate(async () => (await (await fetch('/api/me/offers')).json()).items[0].question.id);
  await send(ex.page, `/api/questions/${id}/claim`);
  const text = 'Turn on HDMI-CEC in Settings.';
  const submitted = await send(ex.page, `/api/questions/${id}/replies`, { text });
  t.equal((await send(mg.page, `/api/replies/${submitted.json.reply.id}/approve`, { text })).status, 200);
  await ex.page.evaluate((id) => {
    location.hash = `#/q/${encodeURIComponent(id)}`;
  }, id);
  await ex.page.locator('.reply').first().waitFor({ timeout: 10_000 });
  t.equal(await ex.page.locator('.edited-note').count(), 0, 'the same words are not an edit');
});
