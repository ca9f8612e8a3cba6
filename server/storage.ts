// Which database the app runs on. SQLite (one file, one node) is the embedded default; with DATABASE_URL set it is
// PostgreSQL, which several nodes may share. Everything above this module sees the same repositories and units of
// work either way (server/repositories/index.ts); only the composition root and /health ask which engine it is.
//
// PostgreSQL's modules (the driver, its schema and repositories) are loaded only when it is configured: a SQLite
// server does not carry them.
import { type Db, openDatabase } from '../db/client.js';
import type { PgDb } from '../db/pg/client.js';
import type { createPgUnitOfWork } from './events/pg-unit-of-work.js';
import { createUnitOfWork, type EventBus, type UnitOfWork } from './events/unit-of-work.js';
import { createRepositories, type Repositories } from './repositories/index.js';
import type { PgConnection } from './repositories/pg/connection.js';
import type { createPgRepositories } from './repositories/pg/index.js';

export type Storage =
  | { engine: 'sqlite'; db: Db }
  | {
      engine: 'postgres';
      db: PgDb;
      connection: PgConnection;
      factories: { repositories: typeof createPgRepositories; unitOfWork: typeof createPgUnitOfWork };
    };

export type Engine = Storage['engine'];

export interface StorageConfig {
  databasePath: string;
  databaseUrl?: string;
  databasePoolSize?: number;
  nodeId?: string;
}

export async function openStorage(config: StorageConfig): Promise<Storage> {
  if (!config.databaseUrl) return { engine: 'sqlite', db: openDatabase(config.databasePath) };
  const [{ openPostgres }, { createPgConnection }, { createPgRepositories }, { createPgUnitOfWork }] =
    await Promise.all([
      import('../db/pg/client.js'),
      import('./repositories/pg/connection.js'),
      import('./repositories/pg/index.js'),
      import('./events/pg-unit-of-work.js'),
    ]);
  const db = await openPostgres(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    applicationName: `helpforce ${config.nodeId ?? ''}`.trim(),
  });
  return {
    engine: 'postgres',
    db,
    connection: createPgConnection(db),
    factories: { repositories: createPgRepositories, unitOfWork: createPgUnitOfWork },
  };
}

export async function closeStorage(storage: Storage): Promise<void> {
  if (storage.engine === 'sqlite') storage.db.$client.close();
  else await storage.db.$client.end();
}

/** The repositories over the storage, and units of work that publish their events on `bus`. */
export function repositoriesOf(
  storage: Storage,
  bus: EventBus,
  options: { sendingLeaseMs?: number } = {},
): { repositories: Repositories; uow: UnitOfWork } {
  if (storage.engine === 'sqlite') {
    const repositories = createRepositories(storage.db);
    return { repositories, uow: createUnitOfWork(storage.db, repositories, bus) };
  }
  const repositories = storage.factories.repositories(storage.connection.db, options);
  return { repositories, uow: storage.factories.unitOfWork(storage.connection, repositories, bus) };
}
