// The PostgreSQL repositories' handle on the database. A unit of work runs in a transaction on one connection of the
// pool, and every query made inside it, by a repository's write or read side alike, must go to that connection; a
// query made anywhere else goes to the pool. The handle finds the unit it is called from through AsyncLocalStorage, so
// the repositories are built once and written as if there were one connection, as the SQLite ones are.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PgDb } from '../../../db/pg/client.js';

/** A transaction or savepoint drizzle handed to a unit, while the unit is under way. */
export interface UnitConnection {
  tx: Omit<PgDb, '$client'>;
  /** False once the unit has ended: anything it left running falls back to the pool, not to a released connection. */
  open: boolean;
}

export function createPgConnection(root: PgDb) {
  const units = new AsyncLocalStorage<UnitConnection>();
  const current = () => {
    const unit = units.getStore();
    return unit?.open ? unit.tx : root;
  };
  const db = new Proxy(root, {
    get(_target, property) {
      const target = current() as PgDb;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as PgDb;
  return {
    /** What repositories query through. */
    db,
    root,
    /** Runs `work` with the repositories' queries going to `tx`. */
    within<T>(tx: UnitConnection['tx'], work: () => Promise<T>): Promise<T> {
      const unit: UnitConnection = { tx, open: true };
      return units.run(unit, work).finally(() => {
        unit.open = false;
      });
    },
  };
}
export type PgConnection = ReturnType<typeof createPgConnection>;
