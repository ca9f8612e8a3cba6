// npx tsx scripts/bench/push-latency.ts [--experts 1000] [--rate 20] [--seconds 20]
// Does a slow push service delay ingest? The real app (timers on, listening on loopback, temp SQLite file) with N
// experts who are all push-reachable and none connected, and the push service stand-in answering every push after
// 0 ms, then after 500 ms (the stand-in runs in a child process, as a real push service is elsewhere). Questions are ingested over HTTP at a fixed rate by an open-loop sender; ingest→offer is
// the POST's latency (a question is committed already offered). Also: how long pushes took to reach the stand-in.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { buildApp } from '../../server/app.js';
import { defaultRoutingConfig, DEFAULT_VAPID_SUBJECT } from '../../server/config.js';
import { SAMPLE_QUESTIONS } from '../../dev/demo/catalog.js';
import { newId } from '../../server/domain/ids.js';
import { ensureTags, seedExperts } from './roster.js';
import { distribution, round, sleep } from './stats.js';

const { values } = parseArgs({
  options: {
    experts: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
  },
});
const EXPERTS = Number(values.experts);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const ADMIN = { email: 'admin@bench.helpforce.test', password: 'bench-admin-password' };

/** The stand-in in a child process, driven by one JSON line per command (dev/push-service-cli.ts). */
async function pushServiceProcess() {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', new URL('../../dev/push-service-cli.ts', import.meta.url).pathname],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse((await lines.next()).value as string);
  const ask = async (command: unknown) => {
    child.stdin!.write(`${JSON.stringify(command)}\n`);
    return next();
  };
  const { url, ca } = (await next()) as { url: string; ca: string };
  return {
    url,
    ca,
    ask,
    close: () => {
      child.kill();
    },
  };
}

/** `pushDelayMs` null: notifications are queued but the sender is stopped (what ingest costs without sending). */
async function run(pushDelayMs: number | null, seconds = SECONDS) {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-push-bench-'));
  const service = await pushServiceProcess();
  await service.ask({ answer: { status: 201, delayMs: pushDelayMs ?? 0 } });
  const app = await buildApp(
    {
      databasePath: join(dir, 'bench.db'),
      logLevel: 'silent',
      secureCookies: false,
      admin: ADMIN,
      routing: defaultRoutingConfig(),
      ingestRateLimitPerMinute: 1_000_000,
      push: { allowLocalEndpoints: true, extraCa: service.ca, vapid: { subject: DEFAULT_VAPID_SUBJECT } },
    },
    { logger: false, timers: true },
  );
  await app.ready();
  await ensureTags(app.services);
  const experts = await seedExperts(app.services, EXPERTS, EXPERTS);
  const insert = app.services.db.$client.prepare(
    'insert into push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at, failures) values (?, ?, ?, ?, ?, ?, 0)',
  );
  const { subscriptions } = (await service.ask({ subscribe: experts.length })) as {
    subscriptions: { endpoint: string; keys: { p256dh: string; auth: string } }[];
  };
  // The fixture is written raw, for speed, but inside a unit: no other unit's transaction is open meanwhile (the
  // app's timers run), so none can take these rows with it if it rolls back.
  await app.services.uow.run(async () => {
    experts.forEach((expert, i) =>
      insert.run(
        newId(),
        expert.id,
        subscriptions[i]!.endpoint,
        subscriptions[i]!.keys.p256dh,
        subscriptions[i]!.keys.auth,
        Date.now(),
      ),
    );
  });
  await app.services.experts.loadRoster();
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };

  if (pushDelayMs === null) await app.services.push.sender.stop();
  const cpu = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const latencies: number[] = [];
  const sentAt = new Map<string, number>();
  let offered = 0;
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let i = 0; i < RATE * seconds; i++) {
    const due = started + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(
      (async () => {
        const t0 = performance.now();
        const response = await fetch(`${base}/api/questions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
          body: JSON.stringify({
            channel: 'bench',
            externalId: `b-${i}-${Math.random()}`,
            text: SAMPLE_QUESTIONS[i % SAMPLE_QUESTIONS.length],
            author: { handle: 'cust' },
          }),
        });
        latencies.push(performance.now() - t0);
        if (response.status !== 201 && response.status !== 200) {
          errors++;
          return;
        }
        const { question } = (await response.json()) as { question: { id: string; status: string } };
        if (question.status === 'offered') offered++;
        sentAt.set(question.id, Date.now());
      })(),
    );
  }
  await Promise.all(inFlight);
  loopDelay.disable();
  const cpuUsed = process.cpuUsage(cpu);
  const pushes = app.services.db.$client
    .prepare('select count(*) from offers o join push_subscriptions s on s.user_id = o.expert_id')
    .pluck()
    .get() as number;
  let received: [string, number][] = [];
  let refused = 0;
  for (
    const until = Date.now() + (pushDelayMs === null ? 0 : 60_000);
    Date.now() < until && received.length < pushes;
    await sleep(200)
  ) {
    ({ received, refused } = (await service.ask({ received: true })) as {
      received: [string, number][];
      refused: number;
    });
  }
  const reach = received.map(([questionId, at]) => at - (sentAt.get(questionId) ?? at));
  const result = {
    pushDelayMs,
    experts: EXPERTS,
    subscribed: EXPERTS,
    connected: 0,
    questions: RATE * seconds,
    ratePerS: RATE,
    offered,
    errors,
    ingestToOffer: {
      p50: round(distribution(latencies).p50),
      p99: round(distribution(latencies).p99),
      max: round(distribution(latencies).max),
    },
    pushes: { queued: pushes, received: received.length, refused },
    offerToPhone: { p50: round(distribution(reach).p50, 0), p99: round(distribution(reach).p99, 0) },
    serverCpuMsPerQuestion: round((cpuUsed.user + cpuUsed.system) / 1000 / (RATE * seconds)),
    eventLoopDelayMs: {
      p50: round(loopDelay.percentile(50) / 1e6),
      p99: round(loopDelay.percentile(99) / 1e6),
      max: round(loopDelay.max / 1e6),
    },
  };
  await app.close();
  service.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

if (process.env.PUSH_BENCH_ONLY === '500') {
  console.log(JSON.stringify(await run(500)));
  process.exit(0);
}
await run(0, 3); // warm-up: JIT, TLS sessions, the first statements
const queued = await run(null);
const fast = await run(0);
const slow = await run(500);
console.log('queued, not sent (baseline):    ', JSON.stringify(queued));
console.log('push service answers at once:   ', JSON.stringify(fast));
console.log('push service answers in 500 ms: ', JSON.stringify(slow));
console.log(
  `ingest→offer p99: ${queued.ingestToOffer.p99} ms queued only, ${fast.ingestToOffer.p99} ms with an instant push service, ${slow.ingestToOffer.p99} ms with a 500 ms one (target < 50 ms)`,
);
process.exit(0);
