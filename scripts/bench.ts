// `npm run bench`: throughput, latency and scale of the real app over loopback, each read against a bare Fastify
// "hello" measured in the same run. Progress goes to stderr; stdout gets a readable table, then one JSON object as
// its last line. See `--help`-style usage in scripts/bench/flags.ts; `--quick` runs everything in about two minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_MAX_OFFERS_PER_HOUR, startAppEnv } from './bench/app-env.js';
import { runClaimStorm } from './bench/claim-storm.js';
import { createContext } from './bench/context.js';
import { runDbGrowth } from './bench/db-growth.js';
import { parseFlags } from './bench/flags.js';
import { runFloor } from './bench/floor.js';
import { runIngest } from './bench/ingest.js';
import { runPgDbGrowth } from './bench/pg-db-growth.js';
import { runPgNodes } from './bench/pg-nodes.js';
import { runPosting } from './bench/posting.js';
import { openReference, type Reference } from './bench/reference.js';
import { buildReport } from './bench/report.js';
import { runRoutingCost } from './bench/routing-cost.js';
import { measureScoringCost } from './bench/scoring-cost.js';

async function main() {
  const flags = parseFlags(process.argv.slice(2));
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-bench-'));
  const ctx = createContext(flags, dir);
  const results: Parameters<typeof buildReport>[0] = { flags, notes: [] };
  const note = (text: string) => results.notes.push(text);
  console.error(
    `helpforce bench (${flags.quick ? 'quick' : 'full'} run): ${[...flags.sections].join(', ')}; logs in ${dir}`,
  );
  let reference: Reference | undefined;
  try {
    if (flags.sections.has('reference')) {
      console.error('  reference: bare Fastify hello…');
      reference = await openReference(ctx);
      results.reference = await reference.measure(flags.referenceS);
    }
    if (flags.sections.has('routing')) {
      results.routingCost = runRoutingCost(flags.routingSizes, flags.routingQuestions);
      results.scoringCost = measureScoringCost(Math.max(5000, flags.routingQuestions * 10));
    }
    if (flags.sections.has('ingest') || flags.sections.has('claims') || flags.sections.has('posting')) {
      console.error(
        `  starting the server: ${flags.experts.toLocaleString('en-US')} experts in the roster, ${flags.online.toLocaleString('en-US')} connected…`,
      );
      const env = await startAppEnv(ctx);
      note(
        `${flags.experts} expert users inserted directly with one precomputed argon2 hash (not auth.createUser: ~50 ms each), profiles and skills with prepared inserts, then experts.loadRoster(); ${flags.experts} learned answers fed to router.learnAnswer`,
      );
      note(
        `routing maxOffersPerHour raised from 20 to ${BENCH_MAX_OFFERS_PER_HOUR} (the config maximum) so the fairness cap does not empty the pool; waves of 1 h and escalation after 2 h so the unclaimed bench questions are not re-offered all at once mid-run; LOG_LEVEL=warn`,
      );
      results.server = { seedMs: Math.round(env.ready.seedMs), startupMs: Math.round(env.ready.startupMs) };
      try {
        if (flags.sections.has('ingest')) results.ingest = await runIngest(ctx, env, reference);
        if (flags.sections.has('claims')) {
          console.error(
            `  claims: ${flags.stormExperts} experts claim one question at once, ${flags.stormRounds} rounds…`,
          );
          results.claimStorm = await runClaimStorm(ctx, env);
        }
        if (flags.sections.has('posting')) results.posting = await runPosting(ctx, env);
        const stats = await env.stats();
        results.server = { ...results.server, peakRssMb: stats.peakRssMb, hub: stats.hub };
      } finally {
        await env.close();
      }
    }
    if (flags.sections.has('floor')) {
      console.error(
        `  floor: the same closed loop against the required writes and frames alone, ${flags.connections} connections, ${flags.durationS} s…`,
      );
      results.floor = await runFloor(ctx, reference);
    }
    if (flags.sections.has('db')) results.dbGrowth = await runDbGrowth(ctx);
    if (flags.sections.has('postgres')) results.postgres = await runPgNodes(ctx, reference);
    if (flags.sections.has('postgres-db')) results.postgresDbGrowth = await runPgDbGrowth(ctx);
  } finally {
    await reference?.stop();
    if (!flags.keep && !flags.profile) rmSync(dir, { recursive: true, force: true });
    else console.error(`  kept ${dir}${flags.profile ? ' (CPU profiles in cpu-profiles/)' : ''}`);
  }
  const { table, json } = buildReport(results, {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
  });
  console.log(table);
  console.log(JSON.stringify(json));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
