// The review loop in the browser: a manager sends a reply back with feedback, the expert sees it live and edits,
// and the manager edits once more while approving; what X receives is the manager's final text, signed.
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('reject with feedback, edit, then edit and approve', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const expert = await server.createUser('expert', {
    name: 'Rita Reyes',
    profile: { signature: 'Rita', skills: [{ tag: 'laptops', level: 5 }], availability: 'available' },
  });
  const manager = await server.createUser('manager', { name: 'Max Manager' });

  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  await waitLive(ex.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/review');
  await waitLive(mg.page);

  await mg.page.evaluate(async () => {
    const { csrfToken } = await (await fetch('/api/me')).json();
    await fetch('/api/snippets', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
      body: JSON.stringify({ title: 'Fan noise', tag: 'laptops', text: 'Fans speed up under load; that is normal.' }),
    });
  });

  const tweet = server.fakeX.addMention({
    text: 'my laptop fan is loud all the time, normal?',
    author: { username: 'sam_q' },
  });
  const offer = ex.page.locator('article.offer', { hasText: 'laptop fan' });
  await offer.waitFor({ timeout: 20_000 });
  await offer.getByRole('button', { name: /Claim/ }).click();
  await ex.page.getByText('Reuse a past answer or a snippet').click();
  await ex.page.getByRole('button', { name: 'Insert snippet Fan noise' }).click();
  t.equal(
    await ex.page.getByLabel('Your reply').inputValue(),
    'Fans speed up under load; that is normal.',
    'a snippet for the tag goes into the reply',
  );

  await ex.page.getByLabel('Internal note').fill('@Max Manager is a fan replacement covered?');
  await ex.page.getByRole('button', { name: 'Add note' }).click();
  await mg.page.locator('.toast', { hasText: 'Rita Reyes mentioned you' }).waitFor({ timeout: 10_000 });
  t.pass('a mention in a team note reaches the manager live');
  await ex.page.locator('.note-item', { hasText: 'fan replacement' }).waitFor();

  await ex.page.getByLabel('Your reply').fill('Probably dust.');
  await ex.page.getByRole('button', { name: 'Send reply' }).click();
  await ex.page.getByText('waiting for a community manager').waitFor();

  const card = mg.page.locator('article.review', { hasText: 'laptop fan' });
  await card.waitFor({ timeout: 10_000 });
  await card.focus();
  await mg.page.keyboard.press('r');
  const feedback = mg.page.getByLabel('Feedback for the expert');
  await feedback.waitFor();
  t.ok(await feedback.evaluate((el) => el === document.activeElement), 'r opens the feedback box with the focus in it');
  await feedback.fill('Say how to clean the vents and when to book a repair.');
  await mg.page.getByRole('button', { name: 'Send back' }).click();
  await card.waitFor({ state: 'detached' });

  await ex.page.getByText('A community manager asked for changes').waitFor({ timeout: 10_000 });
  t.match(
    await ex.page.locator('section', { hasText: 'Edit your reply' }).locator('.feedback').first().textContent(),
    'Say how to clean the vents',
    'the expert sees the feedback live',
  );
  t.equal(await ex.page.getByLabel('Your reply').inputValue(), 'Probably dust.', 'the rejected text is there to edit');
  await ex.page
    .getByLabel('Your reply')
    .fill('Probably dust: blow out the vents with compressed air. Still loud after that? Book a repair.');
  await ex.page.getByRole('button', { name: 'Send reply' }).click();
  await ex.page.getByText('waiting for a community manager').waitFor();

  await card.waitFor({ timeout: 10_000 });
  await card.getByText('Sent back before').waitFor();
  t.match(
    await card.textContent(),
    'Their earlier text: Probably dust.',
    'the reviewer sees what was sent back before, and why',
  );
  await card.focus();
  await mg.page.keyboard.press('e');
  const edit = mg.page.getByLabel('Edit the reply');
  await edit.fill(
    'Usually dust: blow out the vents with compressed air. Still loud after that? Book a repair with us.',
  );
  t.match(
    await card.locator('.compose .tweet-text').textContent(),
    /Book a repair with us\. \^Rita$/,
    'the edited preview keeps the signature',
  );
  await mg.page.getByRole('button', { name: 'Approve edited' }).click();
  await card.waitFor({ state: 'detached' });

  await ex.page.locator('.question-page .badge.st-answered').first().waitFor({ timeout: 20_000 });
  const posted = server.fakeX.brandReplies(tweet.id);
  t.same(
    posted.map((p) => p.text),
    ['Usually dust: blow out the vents with compressed air. Still loud after that? Book a repair with us. ^Rita'],
    'X gets the approved edit, signed',
  );
  t.same([...ex.dialogs, ...mg.dialogs], [], 'no dialogs');
  t.same(
    [...ex.errors, ...mg.errors].filter((e) => !/401/.test(e)),
    [],
    'no script errors',
  );
});
