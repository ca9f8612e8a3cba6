// `npm run load -- [--seconds 60] [--rate 20] [--experts 1000] [--clients N] [--claim-probability 0.7] [--seed 1]`
// The real app (buildApp on a temp SQLite file, background timers on, the X channel pointed at a fake X over
// loopback), 1,000 experts on their own WebSockets, and a steady stream of questions through POST /api/questions.
// Offered experts claim (sometimes several at once) and reply, the manager approves, the outbox posts to the fake X.
// Prints progress on stderr and one JSON object as the last line of stdout: errors, offer events lost or doubled
// against the offers table, ingest→offer and claim latency. Loopback only, bounded in time.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.js';
import { defaultRoutingConfig } from '../server/config.js';
import { CUSTOMER_HANDLES, SAMPLE_QUESTIONS } from '../dev/demo/catalog.js';
import { startFakeX } from '../dev/fake-x/index.js';
import { bump, call, connectActors, createLedger } from './load/actors.js';
import { LOOP_SAMPLE_MS, reconcileOffers, summary } from './load/report.js';
import { seededRandom, seedRoster } from './load/seed.js';

const { values: flags } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    rate: { type: 'string', default: '20' },
    experts: { type: 'string', default: '1000' },
    clients: { type: 'string' },
    'claim-probability': { type: 'string', default: '0.7' },
    seed: { type: 'string', default: '1' },
  },
});
const seconds = Number(flags.seconds);
const rate = Number(flags.rate);
const expertCount = Number(flags.experts);
const clientCount = Math.min(expertCount, Number(flags.clients ?? expertCount));
const claimProbability = Number(flags['claim-probability']);
if (![seconds, rate, expertCount, clientCount, claimProbability].every((n) => Number.isFinite(n) && n > 0)) {
  console.error(
    'usage: npm run load -- [--seconds 60] [--rate 20] [--experts 1000] [--clients N] [--claim-probability 0.7] [--seed 1]',
  );
  process.exit(1);
}
const log = (message: string) => console.error(`[load] ${message}`);
const DRAIN_LIMIT_MS = 30_000;

// However the run goes, the process ends: setup, the run, a bounded drain and a margin.
setTimeout(
  () => {
    console.error('[load] did not finish in time; aborting');
    process.exit(2);
  },
  (seconds + 240) * 1000,
).unref();

async function main() {
  const random = seededRandom(Number(flags.seed));
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-load-'));
  const fakeX = await startFakeX({ brand: { id: '1000', username: 'AcmeHelp', name: 'Acme Support' } });
  // The poller only runs once at start (nothing to read yet): questions come in through the ingest API, so the
  // latency measured is the API's, while replies still go out through twitter-api-v2 to the fake X.
  const app = await buildApp(
    {
      databasePath: join(dir, 'helpforce.db'),
      logLevel: 'warn',
      secureCookies: false,
      x: { baseUrl: fakeX.url, credentials: fakeX.credentials, pollIntervalMs: 3_600_000 },
      routing: defaultRoutingConfig(),
      // The whole load comes through one token: its ingest limit must not be what is measured.
      ingestRateLimitPerMinute: Math.ceil(rate * 60 * 2),
    },
    { logger: { level: 'warn', stream: process.stderr }, timers: true },
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  let started = performance.now();
  const roster = await seedRoster(app.services, expertCount, random);
  log(`${expertCount} experts seeded in ${Math.round(performance.now() - started)} ms`);
  started = performance.now();
  const ledger = createLedger();
  const actors = await connectActors(roster.experts.slice(0, clientCount), roster.manager, roster.token, {
    base,
    ledger,
    random,
    claimProbability,
  });
  log(`${clientCount} expert sockets and 1 manager socket connected in ${Math.round(performance.now() - started)} ms`);

  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  loopDelay.enable();
  let sent = 0;
  const ingests: Promise<void>[] = [];
  const ingest = async (n: number) => {
    const text = `${SAMPLE_QUESTIONS[Math.floor(random() * SAMPLE_QUESTIONS.length)]} (#${n})`;
    const handle = `${CUSTOMER_HANDLES[n % CUSTOMER_HANDLES.length]}${n}`;
    const tweet = fakeX.addMention({ text, author: { username: handle } });
    ledger.sentAt.set(tweet.id, performance.now());
    const response = await call(
      base,
      'POST',
      '/api/questions',
      { token: roster.token },
      { channel: 'x', externalId: tweet.id, text: tweet.text, author: { handle } },
    );
    ledger.ingestMs.push(response.ms);
    if (response.status === 201) bump(ledger.counts, 'created');
    else bump(ledger.errors, `ingest ${response.status} ${response.body.error?.code ?? ''}`.trim());
  };
  const runStarted = performance.now();
  await new Promise<void>((resolve) => {
    const pace = setInterval(() => {
      const elapsed = (performance.now() - runStarted) / 1000;
      const due = Math.min(Math.floor(elapsed * rate), Math.round(seconds * rate));
      while (sent < due) ingests.push(ingest(sent++));
      if (elapsed >= seconds) {
        clearInterval(pace);
        resolve();
      }
    }, 10);
    const progress = setInterval(() => {
      if (performance.now() - runStarted >= seconds * 1000) return clearInterval(progress);
      log(
        `${sent} sent, ${ledger.counts.claimsWon ?? 0} claimed, ${ledger.counts.approved ?? 0} approved, ${Object.values(ledger.errors).reduce((a, b) => a + b, 0)} errors`,
      );
    }, 10_000);
  });
  const runSeconds = (performance.now() - runStarted) / 1000;
  await Promise.all(ingests);

  // Let what is already under way finish: claims, replies, approvals and the outbox.
  const drainStarted = performance.now();
  while (
    performance.now() - drainStarted < DRAIN_LIMIT_MS &&
    (ledger.inflight > 0 || (await app.services.outbox.counts()).pending > 0)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const drained = ledger.inflight === 0 && (await app.services.outbox.counts()).pending === 0;
  log(`drained in ${Math.round(performance.now() - drainStarted)} ms${drained ? '' : ' (limit reached)'}`);
  loopDelay.disable();

  // An offer made by a dispatcher tick a moment ago may still be on the wire: look again before calling it missing.
  const connected = new Set(roster.experts.slice(0, clientCount).map((e) => e.userId));
  let offers = reconcileOffers(app.services.db, ledger.offerEvents, connected);
  for (let i = 0; i < 3 && offers.missing > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    offers = reconcileOffers(app.services.db, ledger.offerEvents, connected);
  }
  const result = summary({
    seconds,
    rate,
    experts: expertCount,
    clients: clientCount,
    runSeconds,
    sent,
    drained,
    ledger,
    offers,
    fakeX,
    outbox: await app.services.outbox.counts(),
    hub: app.services.hub.stats(),
    unexpectedCloses: actors.unexpectedCloses(),
    loopDelay,
    statuses: app.services.db.$client.prepare('select status, count(*) n from questions group by status').all() as {
      status: string;
      n: number;
    }[],
  });
  actors.close();
  await app.close();
  await fakeX.close();
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify(result));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
