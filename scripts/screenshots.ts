// Redraws the README's screenshots from the running demo: starts `server/index.ts` in demo mode on a scratch
// database, lets the simulated experts and customers work for a while, and captures the manager's queue and
// metrics at desktop size and the expert's inbox on a phone.
//   npm run screenshots [-- --warm=40]   (seconds of demo activity before the pictures; default 40)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_ACCOUNTS } from '../dev/demo/seed.js';
import { DESKTOP, launchBrowser, openPage, PHONE, signIn, waitLive } from '../test/helpers/browser.js';
import { freePort } from '../test/helpers/child-server.js';

const warmS = Number(process.argv.find((a) => a.startsWith('--warm='))?.slice(7) ?? 40);
const dir = mkdtempSync(join(tmpdir(), 'helpforce-screenshots-'));
const port = await freePort();
const server = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
  env: {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    DATABASE_PATH: join(dir, 'helpforce.db'),
    DEMO: 'true',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const url = `http://127.0.0.1:${port}`;
try {
  for (let i = 0; ; i++) {
    if ((await fetch(`${url}/health`).catch(() => null))?.ok) break;
    if (i > 600) throw new Error('the demo did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  console.error(`demo up at ${url}; letting it run for ${warmS} s…`);
  await new Promise((r) => setTimeout(r, warmS * 1000));
  const browser = await launchBrowser();
  try {
    const manager = await openPage(browser, url, DESKTOP);
    await signIn(manager.page, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password, '#/queue/status=open');
    await waitLive(manager.page);
    await manager.page.locator('.queue-row').first().waitFor();
    await manager.page.waitForTimeout(1000);
    await manager.page.screenshot({ path: 'web/screenshots/manager-queue.png' });
    await manager.page.evaluate(() => {
      location.hash = '#/metrics';
    });
    await manager.page.locator('canvas, svg').first().waitFor();
    await manager.page.waitForTimeout(2000);
    await manager.page.screenshot({ path: 'web/screenshots/manager-metrics.png' });

    const expert = await openPage(browser, url, PHONE);
    await signIn(expert.page, DEMO_ACCOUNTS.expert.email, DEMO_ACCOUNTS.expert.password, '#/inbox');
    await waitLive(expert.page);
    await expert.page.waitForTimeout(8000);
    await expert.page.screenshot({ path: 'web/screenshots/expert-phone-inbox.png' });
    console.error('web/screenshots/{manager-queue,manager-metrics,expert-phone-inbox}.png redrawn');
  } finally {
    await browser.close();
  }
} finally {
  server.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
