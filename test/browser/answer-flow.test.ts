// The product as people use it, in a real browser against the real app: an expert gets an offer live, claims it,
// writes the reply with the live counter; a manager approves it from the review queue; both screens show the
// question answered without a reload.
import t from 'tap';
import { buildPreview } from '../../server/domain/attribution.js';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('an expert answers a live offer and the manager approves it', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());

  const expert = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }], availability: 'available', capacity: 3 },
  });
  const rival = await server.createUser('expert', {
    name: 'Omar Ali',
    profile: { signature: 'OA', skills: [{ tag: 'tv', level: 4 }], availability: 'available', capacity: 3 },
  });
  const manager = await server.createUser('manager', { name: 'Mia Manager' });

  const ex = await openPage(browser, server.url, PHONE);
  await signIn(ex.page, expert.email, expert.password, '#/inbox');
  await waitLive(ex.page);
  const other = await openPage(browser, server.url, PHONE);
  await signIn(other.page, rival.email, rival.password, '#/inbox');
  await waitLive(other.page);
  const mg = await openPage(browser, server.url, DESKTOP);
  await signIn(mg.page, manager.email, manager.password, '#/queue/status=any');
  await waitLive(mg.page);
  const queueWatcher = await openPage(browser, server.url, DESKTOP);
  await signIn(queueWatcher.page, manager.email, manager.password, '#/queue/status=any');
  await waitLive(queueWatcher.page);
  for (const p of [ex.page, mg.page, queueWatcher.page])
    await p.evaluate(() => {
      (window as any).__noReload = true;
    });

  const tweet = server.fakeX.addMention({
    text: 'My new TV has no sound over HDMI, what should I check?',
    author: { username: 'casey_c', name: 'Casey' },
  });

  const offer = ex.page.locator('article.offer', { hasText: 'no sound over HDMI' });
  await offer.waitFor({ timeout: 20_000 });
  t.pass('the offer arrives in the inbox without a reload');
  t.match(await offer.textContent(), /@casey_c/, 'the offer shows the author');
  t.match(await offer.locator('.chips').textContent(), /tv/, 'and its tags');
  await offer.getByText('Why you').click();
  t.ok((await offer.locator('.reasons li').count()) > 0, 'and why it was offered');
  t.match(await ex.page.locator('nav .count').textContent(), /1/, 'the nav counts open offers');

  await queueWatcher.page.locator('.queue-row', { hasText: 'no sound over HDMI' }).waitFor({ timeout: 10_000 });
  t.pass('the manager queue shows the new question live');

  const rivalOffer = other.page.locator('article.offer', { hasText: 'no sound over HDMI' });
  await rivalOffer.waitFor({ timeout: 10_000 });
  await offer.getByRole('button', { name: /Claim/ }).click();
  await ex.page.waitForURL(/#\/q\//);
  await rivalOffer.getByText('Jane Doe took this one.').waitFor({ timeout: 10_000 });
  t.ok(
    (await rivalOffer.getByRole('button', { name: /Claim/ }).count()) === 0,
    'the other expert is told who took it, and cannot claim',
  );
  const questionId = decodeURIComponent(ex.page.url().split('#/q/')[1]!);
  const box = ex.page.getByLabel('Your reply');
  await box.waitFor();

  const withLink = 'See https://example.com/a/very/long/support/article/path/that/is/long for the steps 👍';
  await box.fill(withLink);
  const expected = buildPreview(withLink, 'JD');
  t.equal(
    (await ex.page.locator('.counter-text').textContent())?.trim(),
    `${expected.weightedLength} / 280`,
    'the counter weighs links and emoji as X does',
  );
  t.equal(
    await ex.page.locator('.compose .tweet-text').textContent(),
    expected.preview,
    'the preview is the exact public text with the signature',
  );
  for (const sample of [
    '日本語で説明します：設定を確認してください',
    'Family emoji 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷 count as X counts them',
    'café vs cafe\u0301, www.example.co.uk and example.com/path',
  ]) {
    await box.fill(sample);
    t.equal(
      (await ex.page.locator('.counter-text').textContent())?.trim(),
      `${buildPreview(sample, 'JD').weightedLength} / 280`,
      `browser and server agree on: ${sample.slice(0, 24)}…`,
    );
  }

  await box.fill('x'.repeat(265));
  t.match(
    await ex.page.locator('.compose .warn').textContent(),
    /Close to the limit/,
    'a warning comes before the limit',
  );
  t.ok(await ex.page.getByRole('button', { name: 'Send reply' }).isEnabled(), 'still sendable near the limit');
  await box.fill('x'.repeat(290));
  t.match(await ex.page.locator('.compose .warn').textContent(), /Too long by/, 'over the limit says by how much');
  t.ok(await ex.page.getByRole('button', { name: 'Send reply' }).isDisabled(), 'and cannot be sent');

  const text = 'Set the TV audio output to HDMI ARC and turn on HDMI-CEC, then restart both.';
  await box.fill(text);
  await ex.page.getByRole('button', { name: 'Send reply' }).click();
  await ex.page.getByText('waiting for a community manager').waitFor();
  t.pass('the expert sees the reply is in review');

  await mg.page.evaluate(() => {
    location.hash = '#/review';
  });
  const card = mg.page.locator('article.review', { hasText: 'no sound over HDMI' });
  await card.waitFor({ timeout: 10_000 });
  t.equal(await card.locator('.tweet-text').textContent(), `${text} ^JD`, 'the reviewer sees the exact public text');
  await mg.page.locator('body').click({ position: { x: 5, y: 5 } });
  await mg.page.keyboard.press('a');
  await card.waitFor({ state: 'detached', timeout: 10_000 });
  t.pass('the a shortcut approves and the card leaves the queue');

  await ex.page.locator('.question-page .badge.st-answered').first().waitFor({ timeout: 20_000 });
  t.pass('the expert screen turns answered without a reload');
  const row = queueWatcher.page.locator('.queue-row', { hasText: 'no sound over HDMI' });
  await row.locator('.badge.st-answered').waitFor({ timeout: 10_000 });
  t.pass('the manager queue turns answered without a reload');

  const posted = server.fakeX.brandReplies(tweet.id);
  t.equal(posted.length, 1, 'one brand reply on X');
  t.equal(posted[0]?.text, `${text} ^JD`, 'signed by the expert');
  const link = ex.page.locator('.replies a', { hasText: 'open on X' });
  t.equal(
    await link.getAttribute('href'),
    `https://x.com/i/web/status/${posted[0]!.id}`,
    'the expert gets a link to the public post',
  );

  await ex.page.evaluate(() => {
    location.hash = '#/answers';
  });
  const mine = ex.page.locator('.reply', { hasText: 'HDMI ARC' });
  await mine.waitFor();
  t.match(await mine.locator('.badge').textContent(), 'Posted', 'my answers show the status');
  t.equal(
    await mine.getByRole('link', { name: 'Public post' }).getAttribute('href'),
    `https://x.com/i/web/status/${posted[0]!.id}`,
    'and link the public post',
  );
  t.match(
    await ex.page.locator('.tile', { hasText: 'Answered' }).textContent(),
    /Answered\s*1/,
    'and count it in my stats',
  );
  t.match(await ex.page.locator('.tile', { hasText: 'Approval rate' }).textContent(), /100%/, 'with my approval rate');

  const apiCalls: string[] = [];
  mg.page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/')) apiCalls.push(pathname);
  });
  const calls = (path: string) => apiCalls.filter((p) => p === path).length;
  await mg.page.evaluate(() => {
    location.hash = '#/metrics';
  });
  const answeredTile = mg.page.locator('.tile', { hasText: 'Answered' }).first();
  await answeredTile.waitFor();
  t.match(await answeredTile.textContent(), /Answered\s*1/, 'the metrics count the answer');
  const readCsv = async (button: string) => {
    const [download] = await Promise.all([
      mg.page.waitForEvent('download'),
      mg.page.getByRole('button', { name: button }).click(),
    ]);
    let text = '';
    for await (const chunk of await download.createReadStream()) text += String(chunk);
    return text;
  };
  t.match(await readCsv('Download summary as CSV'), /\r\nanswered,1\r\n/, 'the CSV export carries the figures');
  t.match(await readCsv('Download experts as CSV'), /\r\nJane Doe,1,/, 'per expert');
  const digest = mg.page.locator('figure', { hasText: 'What customers ask about' });
  await digest.waitFor();
  t.match(await digest.textContent(), /TVs/, 'the insight digest names what customers ask about');
  t.match(await mg.page.locator('.recognition').textContent(), /Jane Doe\s*1/, 'and recognition credits the expert');
  t.same([calls('/api/insights'), calls('/api/recognition')], [1, 1], 'the digest and recognition loaded once');
  // A write makes the server push metrics.tick; the page refreshes its numbers, and only those.
  const refreshed = mg.page.waitForResponse((response) => new URL(response.url()).pathname === '/api/metrics', {
    timeout: 15_000,
  });
  server.fakeX.addMention({
    text: 'Is there a warranty on the soundbar?',
    author: { username: 'dana_d', name: 'Dana' },
  });
  await refreshed;
  await mg.page.locator('.tile', { hasText: 'Questions' }).filter({ hasText: '2' }).first().waitFor();
  t.pass('the numbers refreshed live');
  t.same(
    [calls('/api/insights'), calls('/api/recognition')],
    [1, 1],
    'without reading the digest and recognition again',
  );
  t.match(await digest.textContent(), /TVs/, 'which are still shown');

  for (const p of [ex.page, mg.page, queueWatcher.page])
    t.equal(await p.evaluate(() => (window as any).__noReload), true, 'no page reloaded');
  t.same([...ex.dialogs, ...mg.dialogs], [], 'no dialogs');
  t.same(
    [...ex.errors, ...mg.errors, ...queueWatcher.errors, ...other.errors].filter((e) => !/401/.test(e)),
    [],
    'no script errors',
  );
  const status = await mg.page.evaluate(
    async (id) => (await (await fetch(`/api/questions/${encodeURIComponent(id)}`)).json()).question.status,
    questionId,
  );
  t.equal(status, 'answered', 'the page the expert watched is the question the API reports answered');
});
