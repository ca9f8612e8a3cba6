// The queue shows how each customer felt at a glance: in words and a mark, the colour only repeating them, and a
// strongly negative question first in the urgent order.
import t from 'tap';
import { launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('the queue names each question’s sentiment and puts the angry one first', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { app } = server;
  const ask = (externalId: string, text: string) =>
    app.services.ingest.ingest({ channel: 'api', externalId, text, author: { handle: externalId } });
  const calm = await ask('calm', 'which hdmi port does the soundbar use?');
  const happy = await ask('happy', 'love the new tv, thank you, great picture!');
  const angry = await ask('angry', 'my tv is broken again, terrible awful service, I hate this useless junk');

  const manager = await server.createUser('manager', { name: 'Casey Manager' });
  const { page, errors } = await openPage(browser, server.url);
  await signIn(page, manager.email, manager.password, '#/queue');
  const row = (id: string) => page.locator(`li[data-question="${id}"]`);
  await row(angry.question.id).waitFor();

  t.equal((await row(angry.question.id).locator('.sentiment').innerText()).trim(), '▼ Very negative');
  t.equal((await row(happy.question.id).locator('.sentiment').innerText()).trim(), '▲ Positive');
  t.equal((await row(calm.question.id).locator('.sentiment').innerText()).trim(), '● Neutral');
  t.equal(
    await row(angry.question.id).locator('.sentiment [aria-hidden="true"]').count(),
    1,
    'the mark is decoration: a screen reader hears the words',
  );
  const colours = await page
    .locator('.sentiment')
    .evaluateAll((els) => els.map((el) => getComputedStyle(el).backgroundColor));
  t.equal(new Set(colours).size, 3, 'each sentiment has its own colour as well');

  const firstRow = await page.locator('li[data-question]').first().getAttribute('data-question');
  t.equal(firstRow, angry.question.id, 'the strongly negative question leads the urgent order');
  t.same(
    errors.filter((e) => !/status of 401/.test(e)),
    [],
    'no page errors (the 401 is the signed-out /api/me before login)',
  );
});
