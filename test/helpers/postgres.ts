// The test run's PostgreSQL server (started once for the whole run by test/helpers/postgres-before.ts) and a fresh
// database per test, copied from a migrated template. A suite runs on PostgreSQL when HELPFORCE_TEST_ENGINE is
// `postgres`: test/pg/ runs the storage and API suites that way, beside their SQLite runs.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Test } from 'tap';
import { savedCluster, testStateFile } from '../../scripts/postgres-cluster.js';

export const TEMPLATE_DATABASE = 'helpforce_template';

export function testEngine(): 'sqlite' | 'postgres' {
  return process.env.HELPFORCE_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

/** The admin URL of the run's server; a test that needs PostgreSQL fails here if none was started. */
export function clusterUrl(): string {
  const cluster = savedCluster(testStateFile);
  if (!cluster) throw new Error('no PostgreSQL server for this test run (test/helpers/postgres-before.ts starts one)');
  return cluster.url;
}

export function databaseUrl(name: string): string {
  const url = new URL(clusterUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** A new, migrated database for this test, dropped when it ends. */
export async function freshPostgresDatabase(t: Test): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin(`create database ${name} template ${TEMPLATE_DATABASE}`);
  t.teardown(() => admin(`drop database if exists ${name} with (force)`));
  return databaseUrl(name);
}

export async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: clusterUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
