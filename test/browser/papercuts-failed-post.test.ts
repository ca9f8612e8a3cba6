// A post X refused, as the manager sees it: what happened in plain words and what to do next (retry, or dismiss),
// with X's own message kept as a detail; the retry posts it.
import type { Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn } from '../helpers/browser.js';
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

t.test('a failed post says what happened and what to do', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });
  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue');

  const tweet = server.fakeX.addMention({ text: 'My TV has no sound over HDMI', author: { username: 'casey_c' } });
  await ex.page.locator('article.offer', { hasText: 'no sound over HDMI' }).waitFor({ timeout: 20_000 });
  const id = await ex.page.evaluate(async () => (await (await fetch('/api/me/offers')).json()).items[0].question.id);
  t.equal((await send(ex.page, `/api/questions/${id}/claim`)).status, 200);
  const submitted = await send(ex.page, `/api/questions/${id}/replies`, { text: 'Turn on HDMI-CEC in the settings.' });
  server.fakeX.injectFault({ method: 'POST', path: '/2/tweets', status: 400, times: 1 });
  t.equal((await send(mg.page, `/api/replies/${submitted.json.reply.id}/approve`)).status, 200);

  await mg.page.evaluate((id) => {
    location.hash = `#/q/${encodeURIComponent(id)}`;
  }, id);
  const block = mg.page.locator('.manage .failed-post');
  await block.waitFor({ timeout: 20_000 });
  const text = (await block.textContent()) ?? '';
  t.match(text, 'The answer was not posted.', 'says what happened');
  t.match(text, 'X refused the reply as it was sent.', 'in plain words');
  t.match(text, /Next: Retry once; if X refuses it again, dismiss the question/, 'with the next step');
  t.notOk(await block.locator('code').isVisible(), "X's own message is a detail, folded away");
  t.notMatch((await block.locator('p').allTextContents()).join(' '), /X API|400/, 'and not the message');
  await block.getByText('Technical detail').click();
  t.match(await block.locator('code').textContent(), /^X API 400/, 'still there for whoever reports it');
  t.ok(await mg.page.getByRole('button', { name: 'Dismiss' }).isVisible(), 'dismissing is at hand too');

  await block.getByRole('button', { name: 'Retry posting' }).click();
  await mg.page.locator('.question-page .badge.st-answered').first().waitFor({ timeout: 20_000 });
  t.equal(server.fakeX.brandReplies(tweet.id).length, 1, 'the retry posted the answer once');
  t.equal(await block.count(), 0, 'and the failure note is gone');
});
