// Entry point: environment → config → app → listen, plus signals. With no X credentials it starts the demo: an
// in-process fake X API, seeded tags and experts, and a stream of sample customer questions.
import { loadConfig, type ServerConfig } from './config.js';
import { buildApp } from './app.js';
import { startFakeX, type FakeX } from './fake-x/index.js';
import { seedDemo, DEMO_ACCOUNTS } from './demo/seed.js';
import { startDemoSimulation } from './demo/simulator.js';
import { limitHeapGrowth } from './heap.js';

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
  if (config.demo.enabled) {
    fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme Electronics' } });
    config.app.x = { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 2000 };
    config.app.admin ??= DEMO_ACCOUNTS.admin;
  }

  const app = await buildApp(config.app);
  let stopSimulation: (() => Promise<void>) | undefined;
  if (fakeX) {
    await seedDemo(app.services);
    stopSimulation = startDemoSimulation(app.services, fakeX, { intervalMs: config.demo.intervalMs, log: app.log.child({ component: 'demo' }) });
  }
  await app.listen({ port: config.port, host: config.host });

  if (fakeX) {
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${(app.server.address() as { port: number }).port}`;
    app.log.info({ url, fakeX: fakeX.url }, 'demo running: customers post on the fake X, simulated experts (marked "sim") answer some questions');
    for (const [role, account] of Object.entries(DEMO_ACCOUNTS)) {
      app.log.info(`demo login (${role}): ${account.email} / ${account.password}  at ${url}`);
    }
    app.log.info(`the customer's view of the fake X: ${fakeX.url}/`);
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
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main().catch((error) => {
  console.error(error);
  process.exit(1);
});
