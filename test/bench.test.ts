// `npm run bench` end to end at toy sizes: every section runs against the real app (child processes, fake X over
// loopback, a generated history database) and the report's last line is JSON. The figures mean nothing at these
// sizes and on a machine busy with other tests; what must hold at any size is checked: every ingested question was
// offered, one claim of each storm won, no post was lost or doubled, the history has the rows asked for.
import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

const TOY = [
  '--quick',
  '--duration=2',
  '--warmup=1',
  '--reference-duration=1',
  '--rate=50',
  '--experts=300',
  '--online=40',
  '--burst=60',
  '--routing-sizes=200,2000',
  '--routing-questions=100',
  '--storm=20',
  '--storm-rounds=2',
  '--posts=30',
  '--db-rows=3000',
  '--db-requests=3',
];

function runBench(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

t.test('every bench section runs at toy sizes and reports what must hold at any size', async (t) => {
  const { code, stdout, stderr } = await runBench(TOY, { BENCH_CACHE_DIR: t.testdir() });
  t.equal(code, 0, `bench exits cleanly\n${stderr.slice(-2000)}`);
  const lines = stdout.trim().split('\n');
  t.match(lines[0], /measure/, 'a readable table comes first');
  const report = JSON.parse(lines[lines.length - 1]!);

  t.ok(report.reference.requestsPerSecond > 0, 'the bare Fastify reference ran');
  for (const name of ['http', 'x', 'xBurst'] as const) {
    const run = report.ingestToOffer[name];
    t.ok(
      run.sent > 0 && run.offered === run.sent,
      `${name}: all ${run.sent} ingested questions reached an expert's socket (${run.offered})`,
    );
  }
  const closed = report.ingestToOffer.httpMax;
  t.ok(
    closed.answered > 0 && closed.offered >= closed.answered,
    `closed loop: all ${closed.answered} answered questions reached a socket (${closed.offered})`,
  );
  t.ok(
    closed.sent - closed.offered <= closed.connections,
    `closed loop: at most one request per connection cut at the deadline (${closed.sent} sent)`,
  );
  t.same(report.ingestToOffer.http.statuses, { 201: report.ingestToOffer.http.sent }, 'every HTTP ingest answered 201');
  t.equal(report.ingestToOffer.httpMax.non2xx, 0);
  t.ok(report.ratios.ingestToOfferVsBareFastify > 0, 'the closed-loop ingest reads as a ratio of the reference');
  const around = closed.bareAround as { before: number; after: number };
  t.ok(around.before > 0 && around.after > 0, 'the reference was measured right before and after the closed loop');
  t.equal(
    report.ratios.ingestToOfferVsBareFastify,
    Math.round((closed.questionsPerSecond / Math.round((around.before + around.after) / 2)) * 1e4) / 1e4,
    'and the ratio is read against their mean',
  );

  const floor = report.floor as {
    answered: number;
    offered: number;
    non2xx: number;
    errors: number;
    bareAround: { before: number } | null;
  };
  t.ok(
    floor.answered > 0 && floor.offered >= floor.answered,
    `floor: all ${floor.answered} answered questions reached a socket (${floor.offered})`,
  );
  t.same([floor.non2xx, floor.errors], [0, 0], 'floor: no failed requests');
  t.equal(report.ratios.floorVsBareFastify > 0, true, 'the floor reads as a ratio of the reference around it');
  t.ok(floor.bareAround && floor.bareAround.before > 0, 'the reference was measured around the floor too');

  t.same(
    report.routingCost.bySize.map((s: { experts: number }) => s.experts),
    [200, 2000],
  );
  t.ok(
    report.routingCost.bySize.every(
      (s: { cpuUsPerQuestion: number; emptyRoutes: number }) => s.cpuUsPerQuestion > 0 && s.emptyRoutes < 100,
    ),
  );

  t.equal(report.targets.claimStormExactlyOneWinner, true, 'each storm had exactly one winner');
  t.equal(report.targets.claimStormOthersGet409, true, 'everyone else got 409');
  t.equal(report.targets.postingNoneLostOrDoubled, true, 'no reply lost or doubled, with injected 503s too');
  t.ok(report.posting.faults.injected503 > 0 || report.posting.faults.retried >= 0, 'the faulty run ran');

  t.equal(report.dbGrowth.questions, 3000, 'the generated history has the rows asked for');
  for (const name of ['queueMs', 'metrics7dMs', 'metrics30dMs', 'dashboard7dMs', 'dashboard30dMs'] as const)
    t.equal(report.dbGrowth[name].count, 3, `${name}: every timed request answered`);
  t.equal(
    (report.dbGrowth.queueDuringDigestMs as { count: number }).count,
    3,
    'the queue was timed while a digest was computed',
  );
  t.equal((report.dbGrowth.digest7dMs as number[]).length, 3, 'the digest was timed');
  const bytes = report.dbGrowth.metricsBytes as Record<string, number>;
  t.ok(
    bytes.dashboard7d! > 0 && bytes.dashboard7d! <= bytes.full7d!,
    'the metrics page asks for no more than the export',
  );
  const pgDb = report.postgresDbGrowth;
  t.equal(pgDb.questions, 3000, 'the PostgreSQL history holds the same rows');
  t.same(
    [pgDb.questionsIn7d, pgDb.questionsIn30d, pgDb.queueItems],
    [report.dbGrowth.questionsIn7d, report.dbGrowth.questionsIn30d, report.dbGrowth.queueItems],
    'and the same requests find the same questions on it',
  );
  for (const name of ['queueMs', 'metrics7dMs', 'metrics30dMs', 'dashboard7dMs', 'dashboard30dMs'] as const)
    t.equal(pgDb[name].count, 3, `PostgreSQL ${name}: every timed request answered`);
  t.ok(report.peakRssMb > 0, 'the server reported its peak RSS');
});

t.test('a bad flag stops the bench with its usage before anything starts', async (t) => {
  const { code, stderr } = await runBench(['--only=nonsense'], {});
  t.equal(code, 1);
  t.match(stderr, /unknown section nonsense/);
  t.match(stderr, /usage: npm run bench/);
});
