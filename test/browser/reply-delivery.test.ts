// A reply on a channel with no delivery configured (a question pushed over the ingest API on "api") is shown as
// recorded, not sent, with no "Posted" and no link to X, on the question page and in the expert's answers.
import type { Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
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

t.test('a reply on a channel with no delivery says it was recorded, not sent', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', { name: 'Jane Doe', profile: { signature: 'JD' } });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const ex = await openPage(browser, server.url, DESKTOP);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');

  const asked = await send(mg.page, '/api/questions', {
    channel: 'api',
    externalId: 'ticket-4711',
    text: 'My TV has no sound over HDMI',
    author: { handle: 'maria@example.com' },
  });
  const id = asked.json.question.id as string;
  t.equal((await send(mg.page, `/api/questions/${id}/assign`, { expertId: expert.id })).status, 200);
  const submitted = await send(ex.page, `/api/questions/${id}/replies`, { text: 'Turn on HDMI-CEC.' });
  t.equal(submitted.status, 201);
  if (submitted.json.reply.status === 'in_review')
    t.equal((await send(mg.page, `/api/replies/${submitted.json.reply.id}/approve`)).status, 200);

  await mg.page.evaluate((id) => {
    location.hash = `#/q/${encodeURIComponent(id)}`;
  }, id);
  const note = mg.page.locator('.replies .delivery-none');
  await note.waitFor({ timeout: 20_000 });
  t.equal(await note.textContent(), 'Recorded, not sent: no delivery configured for channel api');
  const card = mg.page.locator('.replies li.reply').first();
  t.equal(await card.locator('.badge').first().textContent(), 'Recorded', 'the badge does not say Posted');
  t.equal(await mg.page.getByRole('link', { name: 'open on X' }).count(), 0, 'and nothing links to X');

  await ex.page.evaluate(() => {
    location.hash = '#/answers';
  });
  const mine = ex.page.locator('li.card.reply', { hasText: 'Turn on HDMI-CEC.' });
  await mine.waitFor({ timeout: 20_000 });
  t.equal(await mine.locator('.badge').first().textContent(), 'Recorded, not sent', "the expert's answers say so too");
  t.equal(await mine.getByRole('link', { name: 'Public post' }).count(), 0);

  const errors = [...mg.errors, ...ex.errors].filter((e) => !e.includes('401')); // the sign-in page asks /api/me first
  t.same(errors, [], 'no page errors');
});
