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

t.test('the metrics page shows how many negative threads an answer turned, with the CSV', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { app } = server;
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const system = { id: 'system', email: '', name: 'system', role: 'manager' as const };
  const expert = { id: jane.id, email: jane.email, name: jane.name, role: 'expert' as const };
  const { question } = await app.services.ingest.ingest({
    channel: 'api',
    externalId: 'angry-tv',
    text: 'my tv is broken again, terrible awful service, I hate this useless junk',
    author: { handle: 'casey' },
  });
  await app.services.questions.assign(system, question.id, jane.id);
  const reply = await app.services.replies.submit(expert, question.id, 'So sorry: a replacement is on its way.');
  if (reply.status === 'in_review') await app.services.replies.approve(system, reply.id);
  await app.services.outbox.run();
  await app.services.ingest.ingest({
    channel: 'api',
    externalId: 'angry-tv-thanks',
    text: 'Thank you so much, great help!',
    author: { handle: 'casey' },
    inReplyToExternalId: 'angry-tv',
    createdAt: new Date(Date.now() + 60_000).toISOString(),
  });

  const manager = await server.createUser('manager', { name: 'Casey Manager' });
  const { page, errors } = await openPage(browser, server.url);
  await signIn(page, manager.email, manager.password, '#/metrics');
  const section = page.locator('section.sentiment-metrics');
  const turned = section.locator('.tile', { hasText: 'Turned neutral or positive' });
  await turned.waitFor();
  t.match(await turned.innerText(), /100%[\s\S]*1 of 1 turned/);
  t.match(await section.locator('figure', { hasText: 'The shift by expert' }).innerText(), /Jane Doe/);
  t.match(
    await section.locator('a', { hasText: 'CSV' }).getAttribute('href'),
    /^\/api\/metrics\/sentiment\?.*format=csv/,
  );
  t.same(
    errors.filter((e) => !/status of 401/.test(e)),
    [],
    'no page errors (the 401 is the signed-out /api/me before login)',
  );
});

t.test('an admin sets the shorter SLA for strongly negative posts, and clears it', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const { page } = await openPage(browser, server.url);
  await signIn(page, server.admin.email, server.admin.password, '#/roster');
  const panel = page.locator('section', { hasText: 'Attribution template' });
  const minutes = panel.getByLabel('SLA for strongly negative posts (minutes)');
  await minutes.fill('10');
  await panel.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  t.equal(await server.app.services.settings.get().negativeSlaMinutes, 10, 'the server has it');

  await page
    .getByText('Settings saved.')
    .waitFor({ state: 'detached', timeout: 15_000 })
    .catch(() => {});
  await minutes.fill('');
  await panel.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Settings saved.').waitFor();
  t.equal(await server.app.services.settings.get().negativeSlaMinutes, null, 'empty: the same SLA as every question');
});
