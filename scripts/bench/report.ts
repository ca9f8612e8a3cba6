// Turns the sections' results into the printed table and the one-line JSON: ratios against the bare Fastify
// reference, and each target from the issue with whether this run met it.
import type { ClaimStormResult } from './claim-storm.js';
import type { GcStats } from './app-server.js';
import { DASHBOARD_EXPERTS, type DbGrowthResult } from './db-growth.js';
import type { BenchFlags } from './flags.js';
import type { FloorRun } from './floor.js';
import type { IngestRun } from './ingest.js';
import type { PgDbGrowthResult } from './pg-db-growth.js';
import type { PgNodesResult } from './pg-nodes.js';
import type { PostingRun } from './posting.js';
import type { ReferenceResult } from './reference.js';
import type { RoutingCost } from './routing-cost.js';
import type { ScoringCost } from './scoring-cost.js';
import { fmt, formatTable, ratio, round, type Distribution, type Row } from './stats.js';

export interface BenchResults {
  flags: BenchFlags;
  notes: string[];
  reference?: ReferenceResult;
  routingCost?: {
    bySize: RoutingCost[];
    growth: { experts: number | null; cpu: number | null } | null;
    subLinear: boolean | null;
  };
  scoringCost?: ScoringCost;
  server?: { seedMs: number; startupMs: number; peakRssMb?: number; hub?: unknown };
  ingest?: { http: IngestRun; httpMax: IngestRun; x: IngestRun; xBurst: IngestRun };
  floor?: FloorRun;
  claimStorm?: ClaimStormResult;
  posting?: { clean: PostingRun; faults: PostingRun; exactlyOnce: boolean };
  dbGrowth?: DbGrowthResult;
  postgres?: PgNodesResult;
  postgresDbGrowth?: PgDbGrowthResult;
}

const mark = (ok: boolean | null | undefined) => (ok === null || ok === undefined ? '' : ok ? 'met' : 'MISSED');

export function buildReport(r: BenchResults, machine: { node: string; cpus: number; cpuModel: string }) {
  const bare = r.reference?.requestsPerSecond ?? null;
  const at10k = r.routingCost?.bySize.find((s) => s.experts === 10_000)?.cpuUsPerQuestion ?? null;
  const storm = r.claimStorm;
  const stormRate = storm?.settleMs.p50 ? round(storm.experts / (storm.settleMs.p50 / 1000), 0) : null;
  const db = r.dbGrowth;
  const pgDb = r.postgresDbGrowth;
  const worstP99 = (d: DbGrowthResult | undefined) =>
    d
      ? Math.max(
          ...[
            d.queueMs,
            d.metrics7dMs,
            d.metrics30dMs,
            d.dashboard7dMs,
            d.dashboard30dMs,
            d.queueDuringDigestMs as Distribution,
          ].map((x) => x.p99 ?? Infinity),
        )
      : null;
  const dbP99 = worstP99(db);
  const pgDbP99 = worstP99(pgDb);
  // The closed loop is read against the reference measured around it when there is one (ingest.ts).
  const around = r.ingest?.httpMax.bareAround;
  const bareAroundIngest = around ? Math.round((around.before + around.after) / 2) : bare;
  const pgAround = r.postgres?.closedLoop.bareAround;
  const bareAroundPg = pgAround ? Math.round((pgAround.before + pgAround.after) / 2) : bare;
  const floorAround = r.floor?.bareAround;
  const bareAroundFloor = floorAround ? Math.round((floorAround.before + floorAround.after) / 2) : bare;
  const ratios = {
    ingestToOfferVsBareFastify: ratio(r.ingest?.httpMax.questionsPerSecond ?? null, bareAroundIngest),
    /** The same against the reference at the start of the run, as reported before the bracketing measurements. */
    ingestToOfferVsBareFastifyAtStart: ratio(r.ingest?.httpMax.questionsPerSecond ?? null, bare),
    /** The floor (floor-server.ts: the required rows and frames, none of Helpforce's code) against bare around it. */
    floorVsBareFastify: ratio(r.floor?.questionsPerSecond ?? null, bareAroundFloor),
    xPollerBurstVsBareFastify: ratio(r.ingest?.xBurst.questionsPerSecond ?? null, bare),
    claimsVsBareFastify: ratio(stormRate, bare),
    postsVsBareFastify: ratio(r.posting?.clean.postsPerSecond ?? null, bare),
    /** Two nodes on PostgreSQL, ingest into one of them, against bare around it (pg-nodes.ts). */
    postgresIngestVsBareFastify: ratio(r.postgres?.closedLoop.questionsPerSecond ?? null, bareAroundPg),
  };
  const targets = {
    ingestP99Under50msAt200PerSecond: r.ingest
      ? (r.ingest.http.ingestToOfferMs.p99 ?? Infinity) < 50 && r.ingest.http.offered === r.ingest.http.sent
      : null,
    routingUnder1msAt10kExperts: at10k === null ? null : at10k < 1000,
    routingSubLinear: r.routingCost?.subLinear ?? null,
    scoringUnder50Us: r.scoringCost ? r.scoringCost.totalUs < 50 : null,
    claimStormExactlyOneWinner: storm ? storm.exactlyOneWinner : null,
    claimStormOthersGet409: storm ? storm.othersGot409 : null,
    postingNoneLostOrDoubled: r.posting ? r.posting.exactlyOnce : null,
    dbQueriesP99Under100ms: dbP99 === null ? null : dbP99 < 100,
    postgresDbQueriesP99Under100ms: pgDbP99 === null ? null : pgDbP99 < 100,
    serverRssUnder300Mb: r.server?.peakRssMb ? r.server.peakRssMb < 300 : null,
    postgresTwoNodesP99Under50msAt200PerSecond: r.postgres
      ? (r.postgres.steady.ingestToOfferMs.p99 ?? Infinity) < 50 && r.postgres.steady.offered === r.postgres.steady.sent
      : null,
  };
  // CPU the server spent per question in the closed loop: the figure a faster machine or a second core would divide.
  const cpuPerQuestionUs = (run: IngestRun | undefined) =>
    run?.serverCpuPct && run.questionsPerSecond
      ? round(((run.serverCpuPct / 100) * 1e6) / run.questionsPerSecond, 0)
      : null;

  const rows: Row[] = [['measure', 'value', 'target']];
  if (r.reference)
    rows.push([
      'bare Fastify hello (autocannon, ' + r.reference.connections + ' conns)',
      `${fmt(bare)} req/s`,
      `p99 ${r.reference.p99Ms} ms`,
    ]);
  if (r.ingest) {
    const { http, httpMax, x, xBurst } = r.ingest;
    rows.push(
      [
        `ingest→offer, HTTP at ${r.flags.rate}/s for ${r.flags.durationS} s`,
        `${fmt(http.questionsPerSecond)} q/s`,
        `${http.offered}/${http.sent} offered`,
      ],
      [
        '  latency p50 / p99',
        `${fmt(http.ingestToOfferMs.p50)} / ${fmt(http.ingestToOfferMs.p99)} ms`,
        `p99 < 50 ms: ${mark(targets.ingestP99Under50msAt200PerSecond)}`,
      ],
      [
        '  server event-loop delay p99 / max; GC longest pause',
        `${fmt(http.server?.loopDelay.p99Ms)} / ${fmt(http.server?.loopDelay.maxMs)}; ${fmt(http.server?.gc.maxMs)} ms`,
        `GC: ${fmt(http.server?.gc.majorCount)} major of ${fmt(http.server?.gc.count)}, ${fmt(http.server?.gc.totalMs)} ms`,
      ],
      [
        `ingest→offer, HTTP closed loop (${httpMax.connections} conns)`,
        `${fmt(httpMax.questionsPerSecond)} q/s`,
        `${fmt((ratios.ingestToOfferVsBareFastify ?? 0) * 100)}% of bare; ${r.floor?.questionsPerSecond && httpMax.questionsPerSecond ? `${fmt(Math.round((httpMax.questionsPerSecond / r.floor.questionsPerSecond) * 100))}% of the floor` : 'read against the floor (--only=…,floor)'}`,
      ],
      ...(around
        ? [
            [
              `  bare Fastify right before / after it`,
              `${fmt(around.before)} / ${fmt(around.after)} req/s`,
              `ratio vs their mean; vs the start: ${fmt((ratios.ingestToOfferVsBareFastifyAtStart ?? 0) * 100)}%`,
            ] as Row,
          ]
        : []),
      [
        '  latency p50 / p99, server CPU',
        `${fmt(httpMax.ingestToOfferMs.p50)} / ${fmt(httpMax.ingestToOfferMs.p99)} ms`,
        `${httpMax.serverCpuPct}% of a core, ${fmt(cpuPerQuestionUs(httpMax))} µs/question`,
      ],
      [
        `  load generator + ${fmt(r.flags.online)} sockets (bench process)`,
        `${httpMax.benchCpuPct}% of a core`,
        `machine: ${machine.cpus} cores`,
      ],
      [
        `ingest→offer, X poller at ${r.flags.rate}/s (poll ${r.flags.pollMs} ms)`,
        `${fmt(x.questionsPerSecond)} q/s`,
        `${x.offered}/${x.sent} offered`,
      ],
      [
        '  latency p50 / p99 (includes the poll wait)',
        `${fmt(x.ingestToOfferMs.p50)} / ${fmt(x.ingestToOfferMs.p99)} ms`,
        '',
      ],
      [
        `X poller burst of ${xBurst.sent}`,
        `${fmt(xBurst.questionsPerSecond)} q/s`,
        `${xBurst.offered}/${xBurst.sent} offered, last after ${fmt(xBurst.ingestToOfferMs.max)} ms`,
      ],
    );
  }
  if (r.floor) {
    const { floor } = r;
    rows.push(
      [
        `floor: the same closed loop, required writes and frames alone`,
        `${fmt(floor.questionsPerSecond)} q/s`,
        `${fmt((ratios.floorVsBareFastify ?? 0) * 100)}% of bare; ${floor.offered}/${floor.answered} offered`,
      ],
      ...(floorAround
        ? [
            [
              `  bare Fastify right before / after it`,
              `${fmt(floorAround.before)} / ${fmt(floorAround.after)} req/s`,
              'ratio vs their mean',
            ] as Row,
          ]
        : []),
      [
        '  latency p50 / p99, server CPU',
        `${fmt(floor.httpMs.p50)} / ${fmt(floor.httpMs.p99)} ms`,
        `${floor.serverCpuPct}% of a core, ${fmt(floor.cpuUsPerQuestion)} µs/question`,
      ],
      [
        `  load generator + ${fmt(r.flags.online)} sockets (bench process)`,
        `${floor.benchCpuPct}% of a core`,
        `machine: ${machine.cpus} cores`,
      ],
    );
  }
  for (const size of r.routingCost?.bySize ?? []) {
    rows.push([
      `routing CPU per question, ${fmt(size.experts)} experts`,
      `${fmt(size.cpuUsPerQuestion)} µs`,
      size.experts === 10_000 ? `< 1 ms: ${mark(targets.routingUnder1msAt10kExperts)}` : '',
    ]);
  }
  if (r.scoringCost)
    rows.push([
      'scoring a question at ingest (sentiment + spam)',
      `${fmt(r.scoringCost.totalUs)} µs (${fmt(r.scoringCost.sentimentUs)} + ${fmt(r.scoringCost.spamUs)})`,
      `< 50 µs: ${mark(targets.scoringUnder50Us)}`,
    ]);
  if (r.routingCost?.growth)
    rows.push([
      '  growth over the sizes',
      `×${r.routingCost.growth.cpu} for ×${r.routingCost.growth.experts}`,
      `sub-linear: ${mark(targets.routingSubLinear)}`,
    ]);
  if (storm) {
    rows.push([
      `claim storm: ${storm.experts} experts × ${storm.rounds} rounds`,
      Object.entries(storm.statuses)
        .map(([s, n]) => `${n}×${s}`)
        .join(' '),
      `one 200: ${mark(targets.claimStormExactlyOneWinner)}, rest 409: ${mark(targets.claimStormOthersGet409)}`,
    ]);
    rows.push(['  time to settle p50 / max', `${fmt(storm.settleMs.p50)} / ${fmt(storm.settleMs.max)} ms`, '']);
  }
  if (r.posting) {
    const { clean, faults } = r.posting;
    rows.push([
      `posting ${clean.posts} replies through the outbox`,
      `${fmt(clean.postsPerSecond)} posts/s`,
      `lost ${clean.lost}, doubled ${clean.doubled}`,
    ]);
    rows.push([
      `  with ${faults.faultRate * 100}% 503 (${faults.injected503} injected)`,
      `drained in ${fmt(faults.drainMs / 1000)} s`,
      `lost ${faults.lost}, doubled ${faults.doubled}: ${mark(targets.postingNoneLostOrDoubled)}`,
    ]);
  }
  if (db) {
    rows.push([
      `db: ${fmt(db.questions)} questions, ${fmt(db.replies)} replies`,
      `listening ${fmt(db.startupMs / 1000)} s, routing ${fmt((db.routingReadyMs as number) / 1000)} s, answers ${fmt((db.answersIndexedMs as number) / 1000)} s, metrics ${fmt((db.metricsWarmMs as number) / 1000)} s`,
      `peak RSS ${fmt(db.peakRssMb)} MB`,
    ]);
    rows.push([
      '  manager queue p50 / p99',
      `${fmt(db.queueMs.p50)} / ${fmt(db.queueMs.p99)} ms`,
      `p99 < 100 ms: ${mark((db.queueMs.p99 ?? Infinity) < 100)}`,
    ]);
    rows.push([
      `  metrics, 7 days (${fmt(db.questionsIn7d as number)} q) p50 / p99`,
      `${fmt(db.metrics7dMs.p50)} / ${fmt(db.metrics7dMs.p99)} ms`,
      `p99 < 100 ms: ${mark((db.metrics7dMs.p99 ?? Infinity) < 100)}`,
    ]);
    rows.push([
      `  metrics, 30 days (${fmt(db.questionsIn30d as number)} q) p50 / p99`,
      `${fmt(db.metrics30dMs.p50)} / ${fmt(db.metrics30dMs.p99)} ms`,
      `p99 < 100 ms: ${mark((db.metrics30dMs.p99 ?? Infinity) < 100)}`,
    ]);
    const bytes = db.metricsBytes as Record<'full7d' | 'full30d' | 'dashboard7d' | 'dashboard30d', number>;
    const kb = (n: number) => `${fmt(Math.round(n / 1024))} kB`;
    rows.push(['  … answer size, all experts (7 d / 30 d)', `${kb(bytes.full7d)} / ${kb(bytes.full30d)}`, '']);
    rows.push([
      `  metrics page (top ${DASHBOARD_EXPERTS} experts), 7 d p50 / p99`,
      `${fmt(db.dashboard7dMs.p50)} / ${fmt(db.dashboard7dMs.p99)} ms`,
      `p99 < 100 ms: ${mark((db.dashboard7dMs.p99 ?? Infinity) < 100)}`,
    ]);
    rows.push([
      `  metrics page (top ${DASHBOARD_EXPERTS} experts), 30 d p50 / p99`,
      `${fmt(db.dashboard30dMs.p50)} / ${fmt(db.dashboard30dMs.p99)} ms`,
      `p99 < 100 ms: ${mark((db.dashboard30dMs.p99 ?? Infinity) < 100)}`,
    ]);
    rows.push([
      '  … answer size, top experts (7 d / 30 d)',
      `${kb(bytes.dashboard7d)} / ${kb(bytes.dashboard30d)}`,
      '',
    ]);
    const list = (values: number[]) => values.map((v) => fmt(v)).join(' / ');
    rows.push([
      '  metrics page: insight digest, 7 d (each request)',
      `${list(db.digest7dMs as number[])} ms`,
      'analytics thread',
    ]);
    rows.push([
      '  metrics page: recognition (top 15), 7 d (each request)',
      `${list(db.recognition7dMs as number[])} ms`,
      'analytics thread',
    ]);
    const during = db.queueDuringDigestMs as Distribution;
    rows.push([
      `  manager queue p50 / p99 during a 30-day digest (${fmt(Math.round((db.digest30dMs as number) / 100) / 10)} s)`,
      `${fmt(during.p50)} / ${fmt(during.p99)} ms`,
      `p99 < 100 ms: ${mark((during.p99 ?? Infinity) < 100)}${db.digestOutlastedQueue ? '' : ' (the digest ended first)'}`,
    ]);
    rows.push([
      '  first request after start, once warm (7 d / 30 d)',
      `${fmt(db.firstMetrics7dMs as number)} / ${fmt(db.firstMetrics30dMs as number)} ms`,
      '',
    ]);
    const server = db.serverMs as Record<
      'queue' | 'metrics7d' | 'metrics30d' | 'dashboard7d' | 'dashboard30d',
      Distribution
    >;
    rows.push([
      '  … timed inside the server, p99: queue / 7 d / 30 d',
      `${fmt(server.queue.p99)} / ${fmt(server.metrics7d.p99)} / ${fmt(server.metrics30d.p99)} ms`,
      '',
    ]);
    rows.push([
      '  … and the metrics page, 7 d / 30 d',
      `${fmt(server.dashboard7d.p99)} / ${fmt(server.dashboard30d.p99)} ms`,
      '',
    ]);
    const gc = db.serverGc as GcStats;
    rows.push([
      '  server GC: longest pause / longest major',
      `${fmt(gc.maxMs)} / ${fmt(gc.majorMaxMs)} ms`,
      `${fmt(gc.majorCount)} major of ${fmt(gc.count)}`,
    ]);
  }
  if (r.postgres) {
    const { steady, online } = r.postgres;
    rows.push([
      `postgres: 2 nodes, ${fmt(r.postgres.experts)} experts, sockets ${fmt(online.a)} on A + ${fmt(online.b)} on B`,
      `${fmt(steady.ingestToOfferMs.p50)} / ${fmt(steady.ingestToOfferMs.p99)} ms p50 / p99`,
      `${fmt(steady.offered)} of ${fmt(steady.sent)} offered at ${fmt(r.flags.rate)} q/s; p99 < 50 ms: ${mark(targets.postgresTwoNodesP99Under50msAt200PerSecond)}`,
    ]);
    const loop = r.postgres.closedLoop;
    rows.push([
      `  closed loop into A (${fmt(loop.connections as number)} conns): q/s, p50 / p99`,
      `${fmt(loop.questionsPerSecond)} q/s, ${fmt(loop.ingestToOfferMs.p50)} / ${fmt(loop.ingestToOfferMs.p99)} ms`,
      r.reference
        ? `${fmt((ratios.postgresIngestVsBareFastify ?? 0) * 100)}% of bare (${pgAround ? `${fmt(pgAround.before)} / ${fmt(pgAround.after)} req/s around it` : 'at the start'}); CPU ${fmt(loop.serverCpuPct)} %`
        : 'read against bare with --only=reference,postgres',
    ]);
    rows.push([
      '  offers delivered on node B / CPU of both nodes',
      `${fmt(r.postgres.crossNodeOffers)} / ${fmt(steady.serverCpuPct)} %`,
      `peak RSS A ${fmt(r.postgres.peakRssMb.a)} MB, B ${fmt(r.postgres.peakRssMb.b)} MB`,
    ]);
  }
  if (pgDb) {
    // Each figure beside the SQLite one of the same run, when the `db` section ran too.
    const p50p99 = (d: Distribution | undefined) => (d ? `${fmt(d.p50)} / ${fmt(d.p99)}` : '–');
    const beside = (d: Distribution | undefined) => (db ? `; SQLite ${p50p99(d)} ms` : '');
    const timed = (label: string, pick: (d: DbGrowthResult) => Distribution) =>
      rows.push([
        `  ${label} p50 / p99`,
        `${p50p99(pick(pgDb))} ms`,
        `p99 < 100 ms: ${mark((pick(pgDb).p99 ?? Infinity) < 100)}${beside(db && pick(db))}`,
      ]);
    rows.push([
      `postgres-db: ${fmt(pgDb.questions)} questions, ${fmt(pgDb.replies)} replies`,
      `listening ${fmt(pgDb.startupMs / 1000)} s, routing ${fmt((pgDb.routingReadyMs as number) / 1000)} s, answers ${fmt((pgDb.answersIndexedMs as number) / 1000)} s, metrics ${fmt((pgDb.metricsWarmMs as number) / 1000)} s`,
      `peak RSS ${fmt(pgDb.peakRssMb)} MB${pgDb.pgCached ? '' : `; loaded in ${fmt(Math.round(pgDb.pgBuildMs / 1000))} s`}`,
    ]);
    timed('manager queue', (d) => d.queueMs);
    timed(`metrics, 7 days (${fmt(pgDb.questionsIn7d as number)} q)`, (d) => d.metrics7dMs);
    timed(`metrics, 30 days (${fmt(pgDb.questionsIn30d as number)} q)`, (d) => d.metrics30dMs);
    timed(`metrics page (top ${DASHBOARD_EXPERTS} experts), 7 d`, (d) => d.dashboard7dMs);
    timed(`metrics page (top ${DASHBOARD_EXPERTS} experts), 30 d`, (d) => d.dashboard30dMs);
    const list = (values: unknown) => (values as number[]).map((v) => fmt(v)).join(' / ');
    rows.push([
      '  insight digest / recognition, 7 d (each request)',
      `${list(pgDb.digest7dMs)} / ${list(pgDb.recognition7dMs)} ms`,
      db ? `SQLite ${list(db.digest7dMs)} / ${list(db.recognition7dMs)} ms` : '',
    ]);
    timed(
      `manager queue during a 30-day digest (${fmt(Math.round((pgDb.digest30dMs as number) / 100) / 10)} s)`,
      (d) => d.queueDuringDigestMs as Distribution,
    );
    const server = pgDb.serverMs as Record<'queue' | 'metrics7d' | 'metrics30d', Distribution>;
    rows.push([
      '  … timed inside the server, p99: queue / 7 d / 30 d',
      `${fmt(server.queue.p99)} / ${fmt(server.metrics7d.p99)} / ${fmt(server.metrics30d.p99)} ms`,
      '',
    ]);
  }
  if (r.server?.peakRssMb)
    rows.push([
      `server peak RSS (${fmt(r.flags.experts)} experts, ${fmt(r.flags.online)} sockets)`,
      `${fmt(r.server.peakRssMb)} MB`,
      `< 300 MB: ${mark(targets.serverRssUnder300Mb)}`,
    ]);

  const json = {
    bench: 'helpforce',
    at: new Date().toISOString(),
    quick: r.flags.quick,
    machine,
    settings: {
      durationS: r.flags.durationS,
      rate: r.flags.rate,
      connections: r.flags.connections,
      experts: r.flags.experts,
      online: r.flags.online,
      pollMs: r.flags.pollMs,
    },
    reference: r.reference ?? null,
    ratios,
    targets,
    serverCpuUsPerQuestion: { http: cpuPerQuestionUs(r.ingest?.httpMax), xBurst: cpuPerQuestionUs(r.ingest?.xBurst) },
    ingestToOffer: r.ingest ?? null,
    floor: r.floor ?? null,
    routingCost: r.routingCost ?? null,
    claimStorm: storm ?? null,
    posting: r.posting ?? null,
    dbGrowth: db ?? null,
    postgres: r.postgres ?? null,
    postgresDbGrowth: pgDb ?? null,
    peakRssMb: r.server?.peakRssMb ?? null,
    server: r.server ?? null,
    notes: r.notes,
  };
  const notes = r.notes.map((n) => `note: ${n}`).join('\n');
  return { table: `${formatTable(rows)}${notes ? `\n${notes}` : ''}`, json };
}
