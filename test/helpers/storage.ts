// The repositories and a unit of work with no app around them, on the engine the suite runs on (HELPFORCE_TEST_ENGINE,
// test/helpers/postgres.ts): SQLite in memory, or a fresh PostgreSQL database. `sql` lets a test arrange rows and read
// them back in plain SQL that both engines accept, written with `?` placeholders.
import type { Test } from 'tap';
import { createEventBus } from '../../server/events/unit-of-work.js';
import { readSides } from '../../server/repositories/index.js';
import { closeStorage, openStorage, repositoriesOf, type Storage } from '../../server/storage.js';
import { freshPostgresDatabase, testEngine } from './postgres.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

export interface Sql {
  all<Row = Record<string, unknown>>(query: string, ...params: unknown[]): Promise<Row[]>;
  /** The first column of the first row: a count or a single value. Integers come back as numbers on both engines. */
  value(query: string, ...params: unknown[]): Promise<unknown>;
  /** The first column of every row. */
  column(query: string, ...params: unknown[]): Promise<unknown[]>;
  run(query: string, ...params: unknown[]): Promise<void>;
}

export async function storageHarness(t: Test) {
  const storage = await openStorage({
    databasePath: ':memory:',
    databaseUrl: testEngine() === 'postgres' ? await freshPostgresDatabase(t) : undefined,
  });
  t.teardown(() => closeStorage(storage));
  const { repositories, uow } = repositoriesOf(storage, createEventBus(silent));
  return { storage, repositories, data: readSides(repositories), uow, sql: sqlOf(storage) };
}

function sqlOf(storage: Storage): Sql {
  if (storage.engine === 'sqlite') {
    const sqlite = storage.db.$client;
    return {
      all: async <Row>(query: string, ...params: unknown[]) => sqlite.prepare(query).all(...params) as Row[],
      value: async (query, ...params) =>
        sqlite
          .prepare(query)
          .pluck()
          .get(...params),
      column: async (query, ...params) =>
        sqlite
          .prepare(query)
          .pluck()
          .all(...params),
      run: async (query, ...params) => void sqlite.prepare(query).run(...params),
    };
  }
  const pool = storage.db.$client;
  const numbered = (query: string) => {
    let n = 0;
    return query.replace(/\?/g, () => `$${++n}`);
  };
  const rows = async (query: string, params: unknown[]) => {
    // node-postgres returns bigint columns (counts, times) as strings, lest they lose precision; these are small.
    const result = await pool.query({ text: numbered(query), values: params });
    return result.rows.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          typeof value === 'string' && /^-?\d+$/.test(value) && isBigint(result.fields, key) ? Number(value) : value,
        ]),
      ),
    );
  };
  return {
    all: async <Row>(query: string, ...params: unknown[]) => (await rows(query, params)) as Row[],
    value: async (query, ...params) => {
      const [first] = await rows(query, params);
      return first ? Object.values(first)[0] : undefined;
    },
    column: async (query, ...params) => (await rows(query, params)).map((row) => Object.values(row)[0]),
    run: async (query, ...params) => void (await rows(query, params)),
  };
}

const INT8 = 20;
const isBigint = (fields: { name: string; dataTypeID: number }[], name: string) =>
  fields.some((field) => field.name === name && field.dataTypeID === INT8);
