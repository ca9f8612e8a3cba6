// npx tsx scripts/bench/push-reach.ts [--file ../shared/data/tweets/twcs_first5000.csv] [--experts 200] [--connected 10]
//   [--subscribed 120] [--limit 300] [--rate 10]
// What routing by reachability changes, measured with the replay tool: the real app (timers on, a temp database)
// with a volunteer roster where few have the app open (`connected`, a live socket) and more have a phone subscribed
// to push; real customer tweets go through the ingest API with scripts/replay.ts. Run twice: with offers only for an
// open tab (the rule before push), then for a tab or a push subscription. Prints one JSON line per run.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../../server/app.js';
import { defaultRoutingConfig, DEFAULT_VAPID_SUBJECT } from '../../server/config.js';
import { newId } from '../../server/domain/ids.js';
import { startPushService } from '../../dev/push-service.js';
import { ensureTags, seedExperts } from './roster.js';
import { sleep } from './stats.js';

const { values } = parseArgs({
  options: {
    file: { type: 'string', default: '../shared/data/tweets/twcs_first5000.csv' },
    experts: { type: 'string', default: '200' },
    connected: { type: 'string', default: '10' },
    subscribed: { type: 'string', default: '120' },
    limit: { type: 'string', default: '300' },
    rate: { type: 'string', default: '10' },
  },
});
const ADMIN = { email: 'admin@reach.helpforce.test', password: 'reach-admin-password' };
const idle = { send() {}, close() {}, bufferedAmount: 0 };

async function run(push: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-reach-'));
  const service = await startPushService({ keep: 0 });
  const app = await buildApp(
    {
      databasePath: join(dir, 'reach.db'),
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
  const experts = await seedExperts(app.services, Number(values.experts), Number(values.experts));
  const connected = experts.slice(0, Number(values.connected));
  const subscribed = push ? experts.slice(connected.length, connected.length + Number(values.subscribed)) : [];
  const insert = app.services.db.$client.prepare(
    'insert into push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at, failures) values (?, ?, ?, ?, ?, ?, 0)',
  );
  // The fixture is written raw, for speed, but inside a unit: no other unit's transaction is open meanwhile (the
  // app's timers run), so none can take these rows with it if it rolls back.
  await app.services.uow.run(async () => {
    for (const expert of subscribed) {
      const device = service.subscribe();
      insert.run(newId(), expert.id, device.endpoint, device.keys.p256dh, device.keys.auth, Date.now());
    }
  });
  await app.services.experts.loadRoster();
  for (const expert of connected) app.services.hub.connect(idle, expert.id, 'expert');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  const created = await fetch(`${base}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'replay', role: 'manager' }),
  });
  const { token } = (await created.json()) as { token: string };

  const replay = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('../replay.ts', import.meta.url).pathname,
      '--file',
      values.file!,
      '--url',
      base,
      '--token',
      token,
      '--limit',
      values.limit!,
      '--rate',
      values.rate!,
      '--channel',
      'replay',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let replayed = '';
  replay.stdout!.on('data', (chunk: Buffer) => {
    replayed += chunk;
  });
  await new Promise((resolve) => replay.on('exit', resolve));
  await sleep(2000);

  const sql = app.services.db.$client;
  const one = (query: string, ...params: unknown[]) =>
    sql
      .prepare(query)
      .pluck()
      .get(...params) as number;
  const questions = one('select count(*) from questions');
  const connectedIds = new Set(connected.map((e) => e.id));
  const perExpert = sql.prepare('select expert_id as id, count(*) as n from offers group by expert_id').all() as {
    id: string;
    n: number;
  }[];
  const offers = perExpert.reduce((sum, e) => sum + e.n, 0);
  const result = {
    mode: push ? 'tab or push' : 'tab only',
    experts: experts.length,
    connected: connected.length,
    subscribed: subscribed.length,
    replay: JSON.parse(replayed.trim().split('\n').at(-1)!),
    questions,
    offeredOnArrival: one(
      "select count(*) from events where type = 'question.offered' and json_extract(data, '$.wave') = 1 and json_array_length(json_extract(data, '$.experts')) > 0",
    ),
    withNobodyToOffer: one("select count(*) from questions where flag = 'no-expert'"),
    skilledPool: one(
      "select count(*) from events where type = 'question.offered' and json_extract(data, '$.wave') = 1 and json_extract(data, '$.pool') = 'skilled'",
    ),
    firstWaveSize: Number(
      (
        one(
          "select avg(json_array_length(json_extract(data, '$.experts'))) from events where type = 'question.offered' and json_extract(data, '$.wave') = 1",
        ) ?? 0
      ).toFixed(2),
    ),
    offers,
    offersToConnected: perExpert.filter((e) => connectedIds.has(e.id)).reduce((sum, e) => sum + e.n, 0),
    expertsOffered: perExpert.length,
    maxOffersPerExpert: Math.max(0, ...perExpert.map((e) => e.n)),
    atHourlyCap: perExpert.filter((e) => e.n >= defaultRoutingConfig().maxOffersPerHour).length,
    pushesSent: one("select count(*) from notification_deliveries where state = 'sent'"),
    pushRefused: service.refused.length,
  };
  await app.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
  return result;
}

console.log(JSON.stringify(await run(false)));
console.log(JSON.stringify(await run(true)));
process.exit(0);
