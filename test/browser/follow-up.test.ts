// A reopened question reads in time order: the customer's question, the brand's answer, then their follow-up, marked
// as what is being answered now — not the answer and the follow-up above the question as "earlier".
import t from 'tap';
import { waitFor } from '../helpers/app.js';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('a follow-up shows after the answer it follows, marked as the one being answered', async (t) => {
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

  const first = fakeX.addMention({ text: 'my tv has no sound over hdmi', author: { username: 'casey' } });
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

  const { page } = await openPage(browser, server.url, PHONE);
  await signIn(page, jane.email, jane.password, `#/q/${encodeURIComponent(question.id)}`);
  await waitLive(page);
  const followUp = page.locator('li.msg-followup');
  await followUp.waitFor({ timeout: 10_000 });
  t.equal(await page.locator('h1').textContent(), 'Follow-up from @casey', 'the heading says it is a follow-up');
  t.match(await followUp.textContent(), /Follow-up · being answered[\s\S]*still silent/);
  t.equal(await page.getByRole('heading', { name: 'Earlier in the thread' }).count(), 0, 'nothing is called earlier');

  const top = async (selector: string) => (await page.locator(selector).first().boundingBox())?.y ?? Number.NaN;
  const asked = await top('section.question');
  const answered = await top('li.msg-out');
  const followed = await top('li.msg-followup');
  t.ok(
    asked < answered && answered < followed,
    `in time order: question ${asked}, answer ${answered}, follow-up ${followed}`,
  );
});
