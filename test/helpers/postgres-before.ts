// tap's `before`: one PostgreSQL server for the whole test run, with a migrated template database that each test
// copies (test/helpers/postgres.ts). Stopped by postgres-after.ts.
import { writeFileSync } from 'node:fs';
import { openPostgres } from '../../db/pg/client.js';
import { savedCluster, startCluster, testStateFile, stopCluster } from '../../scripts/postgres-cluster.js';
import { admin, databaseUrl, TEMPLATE_DATABASE } from './postgres.js';

const stale = savedCluster(testStateFile);
if (stale) stopCluster(stale);
const cluster = await startCluster();
writeFileSync(testStateFile, JSON.stringify(cluster));
await admin(`create database ${TEMPLATE_DATABASE}`);
const template = await openPostgres(databaseUrl(TEMPLATE_DATABASE));
await template.$client.end();
