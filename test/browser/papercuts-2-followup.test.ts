// A reopened question says so where experts and managers pick work: the inbox card and the review card lead with the
// customer's follow-up, marked, and the question it follows sits below.
import type { Page } from 'playwright-core';
import t from 'tap';
import { waitFor } from '../helpers/app.js';
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

t.test('a follow-up leads the inbox and review cards', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { app, fakeX } = server;
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available' },
  });
  const mia = await server.createUser('manager', { name: 'Mia Manager' });
  const user = { id: jane.id, email: jane.email, name: jane.name, role: 'expert' as const };
  const manager = { id: mia.id, email: mia.email, name: mia.name, role: 'manager' as const };

  const first = fakeX.addMention({ text: 'my tv has no sound over hdmi', author: { username: 'casey' } });
  const question = await waitFor(
    async () => (await app.services.questions.list(manager, { limit: 5 })).items[0],
    'the mention to be ingested',
  );
  t.equal(question.followUp, null, 'a new question is no follow-up');
  await app.services.questions.assign(manager, question.id, jane.id);
  const reply = await app.services.replies.submit(user, question.id, 'Turn on HDMI-CEC and use the ARC port.');
  if (reply.status === 'in_review') await app.services.replies.approve(manager, reply.id);
  const brandReply = await waitFor(() => fakeX.brandReplies(first.id)[0], 'the brand reply on X');

  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, jane.email, jane.password, '#/inbox');
  await waitLive(ex.page);
  fakeX.addMention({
    text: 'did that, still silent. next step?',
    author: { username: 'casey' },
    inReplyToTweetId: brandReply.id,
  });

  const card = ex.page.locator('article.offer', { hasText: 'still silent' });
  await card.waitFor({ timeout: 20_000 });
  const texts = await card.locator('.qtext, .followup-of').allTextContents();
  t.match(texts[0], /^Follow-up (@AcmeHelp )?did that, still silent\. next step\?$/, 'the new message first, marked');
  t.match(texts[1], /^Following up on: (@AcmeHelp )?my tv has no sound over hdmi$/, 'then the question it follows');

  t.equal((await send(ex.page, `/api/questions/${question.id}/claim`)).status, 200);
  const again = await send(ex.page, `/api/questions/${question.id}/replies`, { text: 'Try another HDMI cable.' });
  t.equal(again.status, 201);
  if (again.json.reply.status === 'in_review') {
    const mg = await openPage(browser, server.url, DESKTOP);
    await signIn(mg.page, mia.email, mia.password, '#/review');
    const review = mg.page.locator('article.review', { hasText: 'Try another HDMI cable' });
    await review.waitFor({ timeout: 10_000 });
    t.match(
      await review.locator('.qtext').first().textContent(),
      /^Follow-up · being answered (@AcmeHelp )?did that, still silent/,
      'review shows what the reply answers',
    );
    t.match(await review.locator('.followup-of').textContent(), 'my tv has no sound over hdmi');
    await send(mg.page, `/api/replies/${again.json.reply.id}/approve`);
  } else t.pass('the review policy let this reply through: nothing to review');
  await waitFor(
    async () =>
      ['answered', 'approved'].includes((await app.services.questions.detail(manager, question.id)).status) ||
      undefined,
    'the answer to go',
  );
  t.equal(
    (await app.services.questions.detail(manager, question.id)).followUp,
    null,
    'answered, it is no longer waiting',
  );
});
