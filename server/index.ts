// Entry point: environment → config → app → listen, plus signals. With no X credentials it starts the demo: an
// in-process fake X API, seeded tags and experts, and a stream of sample customer questions.
import { loadConfig, type ServerConfig } from './config.js';
import { buildApp } from './app.js';
import { startFakeX, type FakeX } from '../dev/fake-x/index.js';
import { seedDemo, demoBanner, demoRouting, DEMO_ACCOUNTS } from '../dev/demo/seed.js';
import { startDemoSimulation } from '../dev/demo/simulator.js';
import { fakeXStateFor, syncFakeXWithDatabase } from '../dev/demo/fake-x-sync.js';
import { syncFakeSocialWithDatabase } from '../dev/demo/fake-social-sync.js';
import { limitHeapGrowth } from './heap.js';
import { startDemoPush, subscribeSimulatedExperts } from '../dev/demo-push.js';
import type { PushServiceStandIn } from '../dev/push-service.js';
import { addDemoMentions, startDemoBluesky } from '../dev/fake-bluesky/demo.js';
import type { FakeBluesky } from '../dev/fake-bluesky/index.js';
import { addDemoMastodonMentions, startDemoMastodon } from '../dev/fake-mastodon/demo.js';
import type { FakeMastodon } from '../dev/fake-mastodon/index.js';

async function main() {
  limitHeapGrowth();
  let config: ServerConfig;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }

  let fakeX: FakeX | undefined;
  let demoPush: PushServiceStandIn | undefined;
  let fakeBluesky: FakeBluesky | undefined;
  let fakeMastodon: FakeMastodon | undefined;
  if (config.demo.enabled) {
    fakeX = await startFakeX({
      brand: { id: '1000', username: 'AcmeHelp', name: 'Acme Electronics' },
      stateFile: fakeXStateFor(config.app.databasePath),
    });
    config.app.x = { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 2000 };
    config.app.admin ??= DEMO_ACCOUNTS.admin;
    config.app.routing = demoRouting(config.app.routing, config.demo.intervalMs, process.env);
    demoPush = await startDemoPush(config.app);
    fakeBluesky = await startDemoBluesky(config.app);
    fakeMastodon = await startDemoMastodon(config.app);
  }

  // A person at a terminal reads pretty lines; a log collector (production, a pipe) gets JSON.
  config.app.prettyLogs ??= process.stdout.isTTY === true && process.env.NODE_ENV !== 'production';
  const app = await buildApp(config.app);
  let stopSimulation: (() => Promise<void>) | undefined;
  if (fakeX) {
    const { history, historyMs } = await seedDemo(app.services, { routing: config.app.routing });
    if (history > 0) app.log.info({ questions: history, ms: historyMs }, 'demo: weeks of answered questions seeded');
    await subscribeSimulatedExperts(app.services, demoPush!);
    const { restored } = syncFakeXWithDatabase(app.services.db, fakeX);
    if (restored > 0) app.log.info({ restored }, 'demo: posts the database knows were put back on the fake X');
    const social = syncFakeSocialWithDatabase(app.services.db, { bluesky: fakeBluesky, mastodon: fakeMastodon });
    if (social.bluesky + social.mastodon > 0)
      app.log.info(social, 'demo: posts the database knows were put back on the fake Bluesky and Mastodon');
    stopSimulation = startDemoSimulation(app.services, fakeX, {
      intervalMs: config.demo.intervalMs,
      log: app.log.child({ component: 'demo' }),
    });
    // The starter mentions on a first run only: after a restart they are in the database, and put back above.
    if (fakeBluesky && social.bluesky === 0) addDemoMentions(fakeBluesky);
    if (fakeMastodon && social.mastodon === 0) addDemoMastodonMentions(fakeMastodon);
  }
  await app.listen({ port: config.port, host: config.host });

  if (fakeX) {
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${(app.server.address() as { port: number }).port}`;
    app.log.info(
      { url, fakeX: fakeX.url, fakeBluesky: fakeBluesky?.url, fakeMastodon: fakeMastodon?.url },
      'demo running',
    );
    console.log(demoBanner(url, fakeX.url, config.app.admin?.email));
  }

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await stopSimulation?.();
    await app.close();
    await fakeX?.close();
    await demoPush?.close();
    await fakeBluesky?.close();
    await fakeMastodon?.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
