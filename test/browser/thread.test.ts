// The thread view: after a customer replies under the brand's answer, the expert sees the whole conversation in order
// (customer and brand posts) on the question page, and the question is back in their inbox.
import t from 'tap';
import { waitFor } from '../helpers/app.js';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('the question page shows the whole thread in order', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { app, fakeX } = server;
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const user = { id: jane.id, email: jane.email, name: jane.name, role: 'expert' as const };
  const manager = { id: 'system', email: '', name: 'system', role: 'manager' as const };

  const first = fakeX.addMention({ text: 'my tv has no sound over hdmi <b>help</b>', author: { username: 'casey' } });
  const question = await waitFor(
    async () => (await app.services.questions.list(manager, { limit: 5 })).items[0],
    'the mention to be ingested',
  );
  await app.services.questions.assign(manager, question.id, jane.id);
  const reply = await app.services.replies.submit(user, question.id, 'Turn on HDMI-CEC and use the ARC port.');
  if (reply.status === 'in_review') await app.services.replies.approve(manager, reply.id);
  const brandReply = await waitFor(() => fakeX.brandReplies(first.id)[0], 'the brand reply on X');
  fakeX.addMention({
    text: 'did that, still silent. next step?',
    author: { username: 'casey' },
    inReplyToTweetId: brandReply.id,
  });
  await waitFor(
    async () => (await app.services.questions.detail(manager, question.id)).thread.length === 3 || undefined,
    'the follow-up to attach',
  );

  const page = await openPage(browser, server.url, PHONE);
  await signIn(page.page, jane.email, jane.password, '#/inbox');
  await waitLive(page.page);
  await page.page.locator('article.offer', { hasText: 'no sound over hdmi' }).waitFor({ timeout: 10_000 });
  t.pass("the reopened question is back in the same expert's inbox");
  await page.page.goto(`${server.url}/#/q/${encodeURIComponent(question.id)}`);
  const thread = page.page.locator('ol.thread > li');
  await thread.first().waitFor({ timeout: 10_000 });
  const items = await thread.allTextContents();
  t.equal(items.length, 2, 'the brand reply and the follow-up are listed under the question');
  t.match(items[0], /Brand[\s\S]*Turn on HDMI-CEC and use the ARC port\. \^JD/, "first the brand's signed answer");
  t.match(items[1], /@casey[\s\S]*still silent/, "then the customer's follow-up");
  t.match(
    await page.page.locator('.question .qtext').first().textContent(),
    /<b>help<\/b>/,
    'customer markup shows as text',
  );
  t.equal(await page.page.locator('.question b').count(), 0, 'and is never parsed as HTML');
});
