// The metrics page for a manager away from UTC: "24 hours" is the day up to now (not the calendar day with its
// future hours at zero), its times are the manager's own, and each table downloads as a CSV of its own.
import type { Download, Page } from 'playwright-core';
import t from 'tap';
import { DESKTOP, launchBrowser, signIn } from '../helpers/browser.js';
import { startTestServer } from '../helpers/server.js';

const HOUR = 3_600_000;
const ZONE = 'America/New_York';

async function downloaded(page: Page, button: string): Promise<{ name: string; rows: string[][] }> {
  const [file]: [Download, void] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const stream = await file.createReadStream();
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  // No cell in these files holds a comma or a quote: splitting on commas is enough to count the columns.
  const rows = text
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','));
  return { name: file.suggestedFilename(), rows };
}

t.test('the last 24 hours, in the manager’s time zone, one CSV per table', async (t) => {
  const server = await startTestServer();
  t.teardown(() => server.close());
  const browser = await launchBrowser();
  t.teardown(() => browser.close());
  const manager = await server.createUser('manager');
  const context = await browser.newContext({ baseURL: server.url, viewport: DESKTOP, timezoneId: ZONE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));

  await signIn(page, manager.email, manager.password, '#/queue/status=any');
  const ingested = await page.evaluate(async () => {
    const { csrfToken } = await (await fetch('/api/me')).json();
    const question = { channel: 'test', externalId: 'm-1', text: 'My TV has no sound', author: { handle: 'casey_c' } };
    const headers = { 'content-type': 'application/json', 'x-csrf-token': csrfToken };
    const res = await fetch('/api/questions', { method: 'POST', headers, body: JSON.stringify(question) });
    location.hash = '#/metrics';
    return `${res.status} ${await res.text()}`;
  });
  t.match(ingested, /^201 /, 'a question arrived a moment ago');
  await page.locator('.tile').first().waitFor();

  await t.test('"24 hours" ends now', async (t) => {
    const asked: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/metrics') asked.push(r.url());
    });
    await page.getByRole('button', { name: '24 hours' }).click();
    await page.waitForResponse((r) => new URL(r.url()).pathname === '/api/metrics');
    const url = new URL(asked.at(-1) ?? 'http://x/');
    const from = Date.parse(url.searchParams.get('from') ?? '');
    const to = Date.parse(url.searchParams.get('to') ?? '');
    t.equal(to - from, 24 * HOUR, 'a window of 24 hours');
    t.ok(Math.abs(Date.now() - to) < 60_000, 'ending now, not at midnight');
    await page.locator('.tile', { hasText: 'Questions' }).filter({ hasText: '1' }).waitFor();
    t.pass('and it holds the question that just arrived');
  });

  await t.test("times read in the manager's zone", async (t) => {
    t.match(await page.locator('.period-shown').textContent(), 'times in America/New York', 'the zone is named');
    const expected = await page.evaluate((zone) => {
      const hour = new Date();
      hour.setUTCMinutes(0, 0, 0);
      return hour.toLocaleString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: zone });
    }, ZONE);
    const ticks = await page
      .locator('.chart-box', { has: page.locator('svg[aria-label^="Volume per hour"]') })
      .locator('text.axis[text-anchor="end"]')
      .allTextContents();
    t.equal(ticks.at(-1), expected, 'the last hour on the chart is this hour in New York');
  });

  await t.test('each table is its own CSV', async (t) => {
    const files = new Map<string, string[][]>();
    for (const table of ['summary', 'volume', 'statuses', 'tags', 'experts']) {
      const { name, rows } = await downloaded(page, `Download ${table} as CSV`);
      t.match(name, new RegExp(`^helpforce-${table}-`), `${table}: named after its table`);
      t.ok(
        rows.every((row) => row.length === rows[0]?.length),
        `${table}: every row has the header's ${rows[0]?.length} columns`,
      );
      files.set(table, rows);
    }
    t.same(files.get('summary')?.[0], ['figure', 'value']);
    t.same(
      files.get('summary')?.find((r) => r[0] === 'questions'),
      ['questions', '1'],
    );
    t.same(files.get('tags')?.slice(1), [['tv', '1', '0', '']], 'the tags file lists the tags');
    t.equal(files.get('volume')?.[0]?.[1], `start_local (${ZONE})`, 'volume gives local times beside UTC');
  });
  t.same(errors, [], 'no page errors');
});
