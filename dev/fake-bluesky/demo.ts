// The demo's Bluesky: the fake PDS in-process, the app pointed at it (unless a real account is configured), and a few
// customers' mentions from the demo catalog for the poller to find. Its posts live in memory: at each start the demo
// puts back the posts its database holds (dev/demo/fake-social-sync.ts), so an earlier run's questions can still be
// answered on it.
import type { AppConfig } from '../../server/config.js';
import { CUSTOMER_HANDLES, SAMPLE_QUESTIONS } from '../demo/catalog.js';
import { startFakeBluesky, type FakeBluesky } from './index.js';

export async function startDemoBluesky(config: AppConfig): Promise<FakeBluesky | undefined> {
  if (config.bluesky) return undefined;
  const fake = await startFakeBluesky({ brand: { handle: 'acmehelp.bsky.social', displayName: 'Acme Electronics' } });
  config.bluesky = { serviceUrl: fake.url, ...fake.credentials, pollIntervalMs: 5000 };
  return fake;
}

/** A few customers mention the brand, each with one of the catalog's questions. */
export function addDemoMentions(fake: FakeBluesky, count = 3): void {
  for (let i = 0; i < count; i++) {
    const question = SAMPLE_QUESTIONS[(i * 7) % SAMPLE_QUESTIONS.length];
    const handle = CUSTOMER_HANDLES[(i * 5 + 3) % CUSTOMER_HANDLES.length];
    if (!question || !handle) continue;
    // A Bluesky handle is a domain name: letters, digits and hyphens.
    const name = handle
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
    fake.addMention({ author: { handle: `${name}.bsky.social` }, text: question });
  }
}
