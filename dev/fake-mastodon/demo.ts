// The demo's Mastodon: the fake server in-process, the app pointed at it (unless a real account is configured), and
// a few customers' mentions from the demo catalog — local and on other servers — for the poller to find at each
// start. Its statuses live in memory: at each start the demo puts back the statuses its database holds
// (dev/demo/fake-social-sync.ts), so an earlier run's questions can still be answered, and the new mentions are read
// (their ids grow with time, past the poller's cursor).
import type { AppConfig } from '../../server/config.js';
import { CUSTOMER_HANDLES, SAMPLE_QUESTIONS } from '../demo/catalog.js';
import { startFakeMastodon, type FakeMastodon } from './index.js';

export async function startDemoMastodon(config: AppConfig): Promise<FakeMastodon | undefined> {
  if (config.mastodon) return undefined;
  const fake = await startFakeMastodon({ brand: { username: 'acmehelp', displayName: 'Acme Electronics' } });
  config.mastodon = { url: fake.url, accessToken: fake.accessToken, pollIntervalMs: 5000 };
  return fake;
}

/** A few customers mention the brand, each with one of the catalog's questions; every other one from another server. */
export function addDemoMastodonMentions(fake: FakeMastodon, count = 3): void {
  for (let i = 0; i < count; i++) {
    const question = SAMPLE_QUESTIONS[(i * 11 + 2) % SAMPLE_QUESTIONS.length];
    const handle = CUSTOMER_HANDLES[(i * 3 + 1) % CUSTOMER_HANDLES.length];
    if (!question || !handle) continue;
    const username = handle.toLowerCase().replace(/[^a-z0-9_]+/g, '_');
    fake.addMention({
      text: question,
      account: { username, ...(i % 2 === 1 ? { domain: 'social.example' } : {}) },
    });
  }
}
