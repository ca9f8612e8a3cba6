// The demo runs every network it can fake: customers on X, Bluesky and Mastodon become questions, each answered on
// its own network.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { FakeX } from '../dev/fake-x/index.js';
import { DEMO_ACCOUNTS } from '../dev/demo/seed.js';
import { eventually, httpAs, httpLogin, startChildServer } from './helpers/child-server.js';

const unusedX = {
  url: 'http://127.0.0.1:9',
  credentials: { appKey: 'unused', appSecret: 'unused', accessToken: 'unused', accessSecret: 'unused' },
} as FakeX;

t.test('the demo takes questions from X, Bluesky and Mastodon', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-demo-channels-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const server = await startChildServer({
    databasePath: join(dir, 'helpforce.db'),
    fakeX: unusedX,
    env: { DEMO: 'true', DEMO_INTERVAL_S: '0.5', LOG_LEVEL: 'warn' },
  });
  t.teardown(() => server.kill('SIGKILL'));
  const manager = await httpLogin(server.url, DEMO_ACCOUNTS.manager.email, DEMO_ACCOUNTS.manager.password);
  for (const channel of ['x', 'bluesky', 'mastodon']) {
    const found = await eventually(
      async () => {
        const page = await httpAs(server.url, manager).get(`/api/questions?limit=5&channel=${channel}`);
        return page.body.items?.length > 0 ? page.body.items : undefined;
      },
      `a ${channel} question`,
      30_000,
    );
    t.ok(
      found.every((q: { channel: string }) => q.channel === channel),
      `customers on ${channel} become questions`,
    );
  }
  for (const channel of ['bluesky', 'mastodon']) {
    await eventually(
      async () => {
        const page = await httpAs(server.url, manager).get(`/api/questions?limit=5&channel=${channel}&status=answered`);
        return page.body.items?.length > 0;
      },
      `a ${channel} question answered on ${channel}`,
      90_000,
      500,
    );
    t.pass(`a simulated expert's answer is posted on ${channel}`);
  }
});
