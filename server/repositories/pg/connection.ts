// The PostgreSQL repositories' handle on the database. A unit of work runs in a transaction on one connection of the
// pool, and every query made inside it, by a repository's write or read side alike, must go to that connection; a
// query made anywhere else goes to the pool. The handle finds the unit it is called from through AsyncLocalStorage, so
// the repositories are built once and written as if there were one connection, as the SQLite ones are.
//
// A query the repositories make on every question (ingest's) is prepared once (`prepared` below): drizzle otherwise
// builds its SQL text again on each run, a fifth of a busy node's CPU in the bench, and the server parses it again.
// Prepared, it runs on whichever connection is the caller's, through a client that routes each query as `db` does.
// A repository's own `db.transaction(async (tx) => …)` (a read snapshot) is not a unit: inside it, query through `tx`
// only, as a prepared query or `db` would run outside the snapshot.
import { AsyncLocalStorage } from 'node:async_hooks';
import { getTableColumns, type Placeholder, sql, type Table } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import type { PgDb } from '../../../db/pg/client.js';
import * as schema from '../../../db/pg/schema.js';

/** A transaction or savepoint drizzle handed to a unit, while the unit is under way. */
export interface UnitConnection {
  tx: Omit<PgDb, '$client'>;
  /** The pooled connection the unit's transaction holds. */
  client: Pick<pg.PoolClient, 'query'>;
  /** False once the unit has ended: anything it left running falls back to the pool, not to a released connection. */
  open: boolean;
}

const PREPARE = Symbol('prepare');
const QUERY = Symbol('query');
type Preparer = <Q>(name: string, build: (db: PgDb) => { prepare(name: string): Q }) => Q;

/**
 * A query built once, named `name` (one name per statement text), run on the caller's unit's connection or the pool.
 * `build` gets a handle to build with, not to run queries on.
 */
export function prepared<Q>(db: PgDb, name: string, build: (db: PgDb) => { prepare(name: string): Q }): Q {
  const prepare = (db as PgDb & { [PREPARE]?: Preparer })[PREPARE];
  return prepare ? prepare(name, build) : build(db).prepare(name);
}

type Query = (config: pg.QueryConfig) => Promise<pg.QueryResult>;

/**
 * A statement drizzle cannot build (several inserts in one, say), written in SQL with `$1…` parameters and prepared
 * once per connection under `name`; run, like `prepared`'s, on the caller's unit's connection or the pool.
 */
export function namedStatement(db: PgDb, name: string, text: string): (values: unknown[]) => Promise<pg.QueryResult> {
  const query: Query = (db as PgDb & { [QUERY]?: Query })[QUERY] ?? ((config) => db.$client.query(config));
  return (values) => query({ name, text, values });
}

type Session = { client?: UnitConnection['client'] };
const ONE_AT_A_TIME = Symbol('one query at a time');

/**
 * The connection drizzle's transaction runs on (its session's client: drizzle keeps it there, undeclared), made to
 * take one query at a time. Code inside a unit may read several things at once (a question's tags and names, say);
 * one connection runs one query at a time, and node-postgres queues the rest itself only until pg 9, warning
 * meanwhile. The transaction's own statements (its commit included) go through the same queue.
 */
type Send = (config: unknown, values?: unknown) => Promise<unknown>;

/** `send`, made to run one call at a time, each after the one before has settled; `settled` waits for the last. */
function oneAtATime(send: Send): { send: Send; settled: () => Promise<unknown> } {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    send(config, values) {
      const run = tail.then(() => send(config, values));
      tail = run.catch(() => undefined);
      return run;
    },
    settled: () => tail,
  };
}

function clientOf(tx: UnitConnection['tx']): UnitConnection['client'] {
  const session = (tx as { session?: Session }).session;
  const client = session?.client;
  if (!session || typeof client?.query !== 'function')
    throw new Error("drizzle's transaction no longer exposes its connection");
  if (ONE_AT_A_TIME in client) return client; // a savepoint shares its transaction's session
  const query = oneAtATime((config, values) => client.query(config as pg.QueryConfig, values as unknown[])).send;
  // Everything else (release, at the transaction's end) is the connection's own.
  session.client = new Proxy(client, {
    get(target, property) {
      if (property === 'query') return query;
      if (property === ONE_AT_A_TIME) return true;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    has: (target, property) => property === ONE_AT_A_TIME || Reflect.has(target, property),
  });
  return session.client;
}

/**
 * What a statement is to a unit of one write: a read, the start or end of a transaction (which such a unit must not
 * open: its one write would then wait for a commit that never comes), or anything else, counted as a write.
 */
function statementKind(config: unknown): 'read' | 'transaction' | 'write' {
  const text = typeof config === 'string' ? config : ((config as { text?: string }).text ?? '');
  if (/^\s*select\b/i.test(text)) return 'read';
  if (/^\s*(begin|start|commit|end|rollback|abort|savepoint|release)\b/i.test(text)) return 'transaction';
  return 'write';
}

export function createPgConnection(root: PgDb) {
  const units = new AsyncLocalStorage<UnitConnection>();
  const current = () => {
    const unit = units.getStore();
    return unit?.open ? unit.tx : root;
  };
  const routing = {
    query(config: unknown, values?: unknown) {
      const unit = units.getStore();
      const client = unit?.open ? unit.client : root.$client;
      return client.query(config as pg.QueryConfig, values as unknown[]);
    },
  };
  const builder = drizzle(routing as unknown as pg.Pool, { schema }) as unknown as PgDb;
  const prepare: Preparer = (name, build) => build(builder).prepare(name);
  const db = new Proxy(root, {
    get(_target, property) {
      if (property === PREPARE) return prepare;
      if (property === QUERY) return routing.query;
      const target = current() as PgDb;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as PgDb;
  return {
    /** What repositories query through. */
    db,
    root,
    /**
     * Runs `work` in no transaction: each of its queries on its own, and a second write refused before it is sent (a
     * unit of one write: `oneWrite` in ../../events/unit-of-work.ts). It holds one connection throughout, as a
     * transaction does: taking one from the pool for each query put a question's second statement behind every
     * other question's first whenever the pool was short, and a backlog's questions all finished late together.
     */
    async withoutTransaction<T>(work: () => Promise<T>): Promise<T> {
      // A connection the server drops while held is heard by the pool's own listener (db/pg/client.ts) and, no longer
      // queryable, closed when it goes back.
      const pooled = await root.$client.connect();
      // One query at a time on the connection, as a transaction's (`clientOf`).
      const queue = oneAtATime((config, values) => pooled.query(config as pg.QueryConfig, values as unknown[]));
      let broken: Error | undefined;
      let wrote = false;
      const client = {
        query(config: unknown, values?: unknown) {
          const kind = statementKind(config);
          if (kind === 'transaction')
            return Promise.reject(new Error('a unit of one write runs no transaction: run it as a unit of its own'));
          if (kind === 'write') {
            if (wrote) return Promise.reject(new Error('a unit of one write wrote twice: run it as a transaction'));
            wrote = true;
          }
          return queue.send(config, values);
        },
      } as UnitConnection['client'];
      const unit: UnitConnection = { tx: builder, client, open: true };
      try {
        return await units.run(unit, work);
      } catch (error) {
        // The connection may be in a state nobody should inherit (a query cut off, say): close it.
        broken ??= error as Error;
        throw error;
      } finally {
        unit.open = false;
        await queue.settled(); // a query the work left running ends before the connection goes back
        pooled.release(broken);
      }
    },
    /** Runs `work` with the repositories' queries going to `tx`. */
    within<T>(tx: UnitConnection['tx'], work: () => Promise<T>): Promise<T> {
      const unit: UnitConnection = { tx, client: clientOf(tx), open: true };
      return units.run(unit, work).finally(() => {
        unit.open = false;
      });
    },
  };
}
export type PgConnection = ReturnType<typeof createPgConnection>;

/** A placeholder for every column of `table`, named as the column's key: an insert of a whole row, prepared once. */
export function placeholdersFor<T extends Table>(table: T): Record<keyof T['_']['columns'], Placeholder> {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, sql.placeholder(key)])) as Record<
    keyof T['_']['columns'],
    Placeholder
  >;
}

/** `row` with every column it leaves out set to null, as a prepared insert of a whole row needs a value for each. */
export function withNulls<T extends Table>(table: T, row: object): Record<string, unknown> {
  const full: Record<string, unknown> = {};
  for (const key of Object.keys(getTableColumns(table))) full[key] = (row as Record<string, unknown>)[key] ?? null;
  return full;
}

/**
 * An insert of a few rows of `table` at once, prepared once per number of rows (up to `most`; more rows are built
 * each time): a wave's offers or one change's log entries are a few rows, so there are few statements. `columns` are
 * the keys every row gives.
 */
export function preparedRowsInsert(db: PgDb, table: PgTable, name: string, columns: readonly string[], most = 8) {
  const byCount = new Map<number, { execute(values: Record<string, unknown>): Promise<unknown> }>();
  const statementFor = (count: number) => {
    let statement = byCount.get(count);
    if (!statement) {
      const rows = Array.from({ length: count }, (_, i) =>
        Object.fromEntries(columns.map((column) => [column, sql.placeholder(`${i}.${column}`)])),
      );
      statement = prepared(db, `${name}_${count}`, (b) => b.insert(table).values(rows as never));
      byCount.set(count, statement);
    }
    return statement;
  };
  return async (rows: readonly Record<string, unknown>[]): Promise<void> => {
    if (rows.length === 0) return;
    if (rows.length > most) {
      await db.insert(table).values(rows as never);
      return;
    }
    const values: Record<string, unknown> = {};
    rows.forEach((row, i) => {
      for (const column of columns) values[`${i}.${column}`] = row[column];
    });
    await statementFor(rows.length).execute(values);
  };
}
