// tap's `before`: one PostgreSQL server for the whole test run, with a migrated template database that each test
// copies (test/helpers/postgres.ts). Stopped by postgres-after.ts.
import { rmSync, writeFileSync } from 'node:fs';
import { openPostgres } from '../../db/pg/client.js';
import {
  abandonedTestStates,
  savedCluster,
  startCluster,
  stopCluster,
  testStateFile,
} from '../../scripts/postgres-cluster.js';
import { admin, databaseUrl, TEMPLATE_DATABASE } from './postgres.js';

for (const file of abandonedTestStates()) {
  const stale = savedCluster(file);
  if (stale) stopCluster(stale);
  rmSync(file, { force: true });
}
const cluster = await startCluster();
writeFileSync(testStateFile, JSON.stringify(cluster));
await admin(`create database ${TEMPLATE_DATABASE}`);
const template = await openPostgres(databaseUrl(TEMPLATE_DATABASE));
await template.$client.end();
