// The People page: called People for managers too, the experts in a table a manager can sort by any column; and a
// new tag's slug made from its name, still editable.
import type { Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, openPage, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

/** A write from the signed-in page, with its CSRF token, as the web client sends it. */
function send(page: Page, path: string, body: unknown): Promise<{ status: number; json: any }> {
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

t.test('a manager sorts the people who answer', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const skills = [{ tag: 'tv', level: 3 }];
  const mia = await server.createUser('expert', {
    name: 'Mia Middle',
    profile: { signature: 'MM', skills, availability: 'available', capacity: 4 },
  });
  await server.createUser('expert', {
    name: 'Abe Away',
    profile: { signature: 'AA', skills, availability: 'away', capacity: 4 },
  });
  await server.createUser('expert', {
    name: 'Zoe Zed',
    profile: { signature: 'ZZ', skills, availability: 'available', capacity: 4 },
  });
  const manager = await server.createUser('manager', { name: 'Max Manager' });
  const { page, errors } = await openPage(browser, server.url, DESKTOP);
  await signIn(page, manager.email, manager.password, '#/queue/status=any');

  const question = { channel: 'test', externalId: 'p-1', text: 'Soundbar pairing', author: { handle: 'pat' } };
  const asked = await send(page, '/api/questions', question);
  t.equal(asked.status, 201);
  const assigned = await send(page, `/api/questions/${asked.json.question.id}/assign`, { expertId: mia.id });
  t.equal(assigned.status, 200, 'Mia holds one question');

  await page.getByRole('link', { name: 'People' }).click();
  await page.getByRole('heading', { level: 1, name: 'People' }).waitFor();
  t.pass('the page is called People, as its link');
  const table = page.getByRole('table', { name: 'Experts' });
  await table.locator('tbody tr.expert').first().waitFor();
  await page.getByLabel('Search').fill('tv');
  const names = () => table.locator('tbody tr th[scope="row"] strong').allTextContents();

  await t.test('sort by name, then the other way', async (t) => {
    await table.getByRole('button', { name: 'Name' }).click();
    t.same(await names(), ['Abe Away', 'Mia Middle', 'Zoe Zed'], 'A to Z');
    t.equal(await table.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'), 'ascending');
    await table.getByRole('button', { name: 'Name' }).click();
    t.same(await names(), ['Zoe Zed', 'Mia Middle', 'Abe Away'], 'Z to A on a second click');
    t.equal(await table.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'), 'descending');
  });

  await t.test('sort by status and by load', async (t) => {
    await table.getByRole('button', { name: 'Status' }).click();
    t.same(await names(), ['Mia Middle', 'Zoe Zed', 'Abe Away'], 'available before away, then by name');
    await table.getByRole('button', { name: 'Load' }).click();
    t.same(await names(), ['Mia Middle', 'Abe Away', 'Zoe Zed'], 'the most loaded first');
    t.match(await table.locator('tr', { hasText: 'Mia Middle' }).textContent(), '1/4', 'with the load shown');
    t.equal(
      await table.getByRole('columnheader', { name: /Name/ }).getAttribute('aria-sort'),
      null,
      'only the sorted column says so',
    );
  });

  await t.test('the order holds when the manager comes back', async (t) => {
    await page.getByRole('link', { name: 'Metrics' }).click();
    await page.getByRole('link', { name: 'People' }).click();
    await table.locator('tbody tr.expert').first().waitFor();
    await page.getByLabel('Search').fill('tv');
    t.same(await names(), ['Mia Middle', 'Abe Away', 'Zoe Zed']);
  });

  await t.test("a new tag's slug comes from its name", async (t) => {
    await page.evaluate(() => {
      location.hash = '#/tags';
    });
    const form = page.locator('section', { hasText: 'New tag' });
    await form.getByLabel('Name').fill('Wi-Fi & Routers');
    t.equal(await form.getByLabel('Slug').inputValue(), 'wi-fi-routers', 'derived as the name is typed');
    await form.getByLabel('Slug').fill('wifi');
    await form.getByLabel('Name').fill('Wi-Fi and routers');
    t.equal(await form.getByLabel('Slug').inputValue(), 'wifi', 'an edited slug is kept');
    await form.getByRole('button', { name: 'Create tag' }).click();
    await page.locator('details.tag', { hasText: 'Wi-Fi and routers' }).waitFor();
    const slugs = await page.evaluate(async () =>
      (await (await fetch('/api/tags')).json()).items.map((x: { slug: string }) => x.slug),
    );
    t.ok(slugs.includes('wifi'), 'and is the one created');
    await form.getByLabel('Name').fill('Smart Home');
    t.equal(await form.getByLabel('Slug').inputValue(), 'smart-home', 'the next new tag derives its own again');
  });
  t.same(
    errors.filter((e) => !/401/.test(e)),
    [],
    'no page errors',
  );
});
