// A use case's writes in one transaction, and its events published once that transaction has committed: a listener
// never tells anyone about a change that was rolled back, and no use case calls its bystanders by hand.
//
// Units are asynchronous, like every repository method, so that a storage engine whose calls wait on the network
// is one more implementation, not a rewrite. SQLite has one connection and one writer: units run one after another
// behind a write lock, each inside BEGIN IMMEDIATE … COMMIT. Writes are only reachable inside a unit (services hold
// the repositories' read side), so no write from elsewhere can slip into a transaction that is under way, and a unit
// can never wait on the lock it holds itself.
import type { Db } from '../../db/client.js';
import type { Repositories, UnitRepositories } from '../repositories/index.js';
import type { DomainEvent, DomainEventType, Emit } from './domain-events.js';

/** A listener that works asynchronously returns its promise, so its failure is logged like a thrown one. */
export type EventListener = (event: DomainEvent) => void | Promise<void>;

interface Logger {
  error(obj: object, msg?: string): void;
}

export function createEventBus(log: Logger) {
  const listeners: EventListener[] = [];
  return {
    /** Listeners run in the order they subscribed; one that throws is logged and the others still run. */
    subscribe(listener: EventListener) {
      listeners.push(listener);
    },
    publish(events: readonly DomainEvent[]) {
      for (const event of events) {
        for (const listener of listeners) {
          const failed = (error: unknown) => log.error({ err: error, event: event.type }, 'event listener failed');
          try {
            const done = listener(event);
            if (done instanceof Promise) done.catch(failed);
          } catch (error) {
            failed(error);
          }
        }
      }
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;

/** What a use case's work is given: every repository with its writes, the unit's events, and nested steps. */
export type Unit = UnitRepositories & {
  /** Records an event, published once the outermost unit commits; dropped if it rolls back. */
  emit: Emit;
  /**
   * A step that may fail alone: a savepoint whose writes and events are kept only if it returns. Ingest's group
   * commit writes a batch of questions in one transaction, one step each, so one bad question loses only itself.
   */
  step<T>(work: (unit: Unit) => Promise<T>): Promise<T>;
};

export interface UnitOptions {
  /**
   * PostgreSQL: READ COMMITTED instead of SERIALIZABLE, for a unit that decides nothing from what it reads that
   * another unit could change meanwhile (ingest: its rows are new, and a question stored twice is caught by a unique
   * index). SQLite runs every unit alone, so it ignores this.
   */
  isolation?: 'read committed';
  /**
   * The unit writes once, in one statement (a new question through `intake`), so that write is atomic alone and the
   * unit needs no transaction: PostgreSQL then runs each of its statements on its own, without `begin` and `commit`
   * (two round trips of a new question's four). Its reads see what is committed, as under READ COMMITTED. A second
   * write in such a unit throws, before it is sent; it has no steps. SQLite runs it as any other unit.
   */
  oneWrite?: true;
}

export interface UnitOfWork {
  run<T>(work: (unit: Unit) => Promise<T>, options?: UnitOptions): Promise<T>;
  /**
   * Whether units sharing one transaction cost less than a unit each. SQLite: yes, a commit is a flush of the file
   * and every unit waits on one lock, so ingest writes the questions that arrive together in one. PostgreSQL: no,
   * units run at once and a question alone is fewer round trips than a savepoint within a shared transaction.
   */
  readonly groupCommit: boolean;
}

/** A unit that lost a race to another (PostgreSQL's serialization failure or deadlock): run it again from the start. */
export function isConflict(error: unknown): boolean {
  const codes = errorCodes(error);
  return codes.includes('40001') || codes.includes('40P01');
}

/** A unique index refused a row another unit stored meanwhile (PostgreSQL; SQLite's units never overlap). */
export function isUniqueViolation(error: unknown): boolean {
  return errorCodes(error).includes('23505');
}

/** The error's code and its cause's: drizzle wraps the driver's error, whose `code` is PostgreSQL's SQLSTATE. */
function errorCodes(error: unknown): unknown[] {
  return [error, (error as { cause?: unknown } | null)?.cause].map((e) => (e as { code?: unknown } | null)?.code);
}

/** Every repository with its reads and writes, as a unit holds them. */
export function unitRepositories(repositories: Repositories): UnitRepositories {
  return Object.fromEntries(
    Object.entries(repositories).map(([name, repository]) => [name, { ...repository.read, ...repository.write }]),
  ) as UnitRepositories;
}

export function createUnitOfWork(db: Db, repositories: Repositories, bus: EventBus): UnitOfWork {
  const sqlite = db.$client;
  const begin = sqlite.prepare('BEGIN IMMEDIATE');
  const commit = sqlite.prepare('COMMIT');
  const rollback = sqlite.prepare('ROLLBACK');
  const writable = unitRepositories(repositories);

  // The write lock: each unit starts when the one before it has settled, whatever its outcome.
  let tail: Promise<unknown> = Promise.resolve();
  let savepoints = 0;

  function unitFor(events: DomainEvent[]): Unit {
    const emit = ((type: DomainEventType, data: unknown) => {
      events.push({ type, data } as DomainEvent);
    }) as Emit;
    return {
      ...writable,
      emit,
      async step(work) {
        // SQLite may have rolled the whole transaction back (disk full, I/O error): a step started now would run in
        // a transaction of its own and commit alone, so the unit must fail instead.
        if (!sqlite.inTransaction) throw new Error('the enclosing transaction was rolled back');
        const name = `step_${++savepoints}`;
        sqlite.exec(`SAVEPOINT ${name}`);
        const own: DomainEvent[] = [];
        try {
          const value = await work(unitFor(own));
          sqlite.exec(`RELEASE ${name}`);
          events.push(...own);
          return value;
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
          throw error;
        }
      },
    };
  }

  async function inTransaction<T>(work: (unit: Unit) => Promise<T>): Promise<T> {
    const events: DomainEvent[] = [];
    begin.run();
    let value: T;
    try {
      value = await work(unitFor(events));
      commit.run();
    } catch (error) {
      if (sqlite.inTransaction) rollback.run();
      throw error;
    }
    bus.publish(events);
    return value;
  }

  return {
    groupCommit: true,
    run(work) {
      const result = tail.then(() => inTransaction(work));
      tail = result.catch(() => undefined);
      return result;
    },
  };
}
