// The unit of work on PostgreSQL: one transaction on one pooled connection, its events published once it has
// committed, exactly as on SQLite (./unit-of-work.ts), but with no lock in the process: units on this node and on
// every other node run at once.
//
// Units run SERIALIZABLE. On SQLite every unit runs alone, and use cases were written for that: they read, decide and
// write inside their unit ("is this endpoint subscribed already?", "is this the first profile?"). Under SERIALIZABLE
// PostgreSQL guarantees the same outcome as some serial order of the units, or fails one of them with a serialization
// failure (40001), which is retried from the start here: a unit's work only reads and writes through its repositories
// and records events that are published after the commit, so running it again is safe. Guarded transitions (a claim's
// `UPDATE … WHERE status IN …`) need none of this, and give one winner under READ COMMITTED as well.
import type { PgConnection } from '../repositories/pg/connection.js';
import type { Repositories } from '../repositories/index.js';
import type { DomainEvent, DomainEventType, Emit } from './domain-events.js';
import { type EventBus, isConflict, type Unit, type UnitOfWork, unitRepositories } from './unit-of-work.js';

const MAX_ATTEMPTS = 8;

/** serialization_failure and deadlock_detected: the unit lost a race and is run again. */
export const isRetryable = isConflict;

type Tx = Parameters<Parameters<PgConnection['root']['transaction']>[0]>[0];

export function createPgUnitOfWork(
  connection: PgConnection,
  repositories: Repositories,
  bus: EventBus,
  options: { isolation?: 'serializable' | 'read committed' } = {},
): UnitOfWork & { retries(): number } {
  const writable = unitRepositories(repositories);
  let retries = 0;

  const emitInto = (events: DomainEvent[]) =>
    ((type: DomainEventType, data: unknown) => {
      events.push({ type, data } as DomainEvent);
    }) as Emit;

  function unitFor(tx: Tx, events: DomainEvent[]): Unit {
    return {
      ...writable,
      emit: emitInto(events),
      async step(work) {
        const own: DomainEvent[] = [];
        // drizzle runs a nested transaction as a savepoint, rolled back alone if the work throws.
        const value = await tx.transaction((inner) => connection.within(inner, () => work(unitFor(inner, own))));
        events.push(...own);
        return value;
      },
    };
  }

  /** A unit of one write (`oneWrite`): no transaction, so nothing to nest a step in. */
  function oneWriteUnit(events: DomainEvent[]): Unit {
    return {
      ...writable,
      emit: emitInto(events),
      step() {
        return Promise.reject(new Error('a unit of one write has no steps: run it as a transaction'));
      },
    };
  }

  return {
    groupCommit: false,
    async run(work, unitOptions) {
      for (let attempt = 1; ; attempt++) {
        const events: DomainEvent[] = [];
        try {
          const value = unitOptions?.oneWrite
            ? await connection.withoutTransaction(() => work(oneWriteUnit(events)))
            : await connection.root.transaction((tx) => connection.within(tx, () => work(unitFor(tx, events))), {
                isolationLevel: unitOptions?.isolation ?? options.isolation ?? 'serializable',
              });
          bus.publish(events);
          return value;
        } catch (error) {
          if (!isRetryable(error) || attempt >= MAX_ATTEMPTS) throw error;
          retries++;
          // The units that collided retry at different moments, each later than the last.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 2 ** attempt));
        }
      }
    },
    retries: () => retries,
  };
}
