// Hand-off in the browser: the expert holding a question passes it to a colleague with a note; the colleague is told
// live and finds it theirs, with the note on the question page.
import t from 'tap';
import { launchBrowser, openPage, PHONE, signIn, waitLive } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

t.test('an expert hands a question off to a colleague with a note', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const jane = await server.createUser('expert', {
    name: 'Jane Doe',
    profile: { signature: 'JD', skills: [{ tag: 'tv', level: 5 }] },
  });
  const omar = await server.createUser('expert', {
    name: 'Omar Ali',
    profile: { signature: 'OA', skills: [{ tag: 'laptops', level: 5 }] },
  });
  const { question } = await server.app.services.ingest.ingest({
    channel: 'api',
    externalId: 'h-1',
    text: 'my tv and laptop will not pair over bluetooth',
    author: { handle: 'sam' },
  });
  await server.app.services.questions.assign(
    { id: 'system', email: '', name: 'system', role: 'manager' },
    question.id,
    jane.id,
  );

  const omarPage = await openPage(browser, server.url, PHONE);
  await signIn(omarPage.page, omar.email, omar.password, '#/inbox');
  await waitLive(omarPage.page);
  const janePage = await openPage(browser, server.url, PHONE);
  await signIn(janePage.page, jane.email, jane.password, `#/q/${encodeURIComponent(question.id)}`);
  await waitLive(janePage.page);

  await janePage.page.getByText('Hand off to a colleague').click();
  const colleague = janePage.page.getByLabel('Colleague');
  await colleague.locator('option', { hasText: 'Omar Ali' }).waitFor({ state: 'attached', timeout: 10_000 });
  t.equal(await colleague.locator('option', { hasText: 'Jane Doe' }).count(), 0, 'you cannot hand off to yourself');
  await colleague.selectOption({ label: (await colleague.locator('option', { hasText: 'Omar Ali' }).textContent())! });
  await janePage.page.getByLabel('Note for them').fill('The TV side is fine; the laptop drivers look old.');
  await janePage.page.getByRole('button', { name: 'Hand off' }).click();
  await janePage.page.waitForURL(/#\/inbox/, { timeout: 10_000 });

  await omarPage.page.locator('.toast', { hasText: 'Jane Doe mentioned you' }).first().waitFor({ timeout: 10_000 });
  t.pass('the colleague is told live');
  const detail = await server.app.services.questions.detail(
    { id: omar.id, email: omar.email, name: omar.name, role: 'expert' },
    question.id,
  );
  t.equal(detail.assigneeId, omar.id, 'the colleague now holds it');
  await omarPage.page.goto(`${server.url}/#/q/${encodeURIComponent(question.id)}`);
  await omarPage.page
    .locator('.notes .qtext', { hasText: 'The TV side is fine; the laptop drivers look old.' })
    .waitFor({ timeout: 10_000 });
  t.pass('the note is on the question page for the colleague');
  t.ok((await omarPage.page.getByLabel('Your reply').count()) > 0, 'and they can write the reply');
  t.same(
    janePage.errors.filter((e) => !/status of 401/.test(e)),
    [],
    'no page errors (the 401 is the signed-out /api/me before login)',
  );
});
