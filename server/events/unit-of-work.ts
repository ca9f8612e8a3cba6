// A use case's writes in one transaction, and its events published once that transaction has committed: a listener
// never tells anyone about a change that was rolled back, and no use case calls its bystanders by hand.
import type { Db } from '../../db/client.js';
import type { DomainEvent, DomainEventType, Emit } from './domain-events.js';

export type EventListener = (event: DomainEvent) => void;

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
          try {
            listener(event);
          } catch (error) {
            log.error({ err: error, event: event.type }, 'event listener failed');
          }
        }
      }
    },
  };
}
export type EventBus = ReturnType<typeof createEventBus>;

export function createUnitOfWork(db: Db, bus: EventBus) {
  // better-sqlite3 transactions are synchronous, so a unit's work cannot interleave with another's; one started
  // inside another becomes a savepoint whose events join the outer unit's only if the savepoint commits.
  const inTransaction = db.$client.transaction((work: (emit: Emit) => unknown) => work(emit));
  let pending: DomainEvent[] | null = null;

  function emit<K extends DomainEventType>(type: K, data: unknown) {
    if (!pending) throw new Error(`${type} emitted outside a unit of work`);
    pending.push({ type, data } as DomainEvent);
  }

  return {
    run<T>(work: (emit: Emit) => T): T {
      const outer = pending;
      // SQLite may have rolled the whole transaction back under an outer unit (disk full, I/O error): a step started
      // now would run in a transaction of its own and commit alone, so the outer unit must fail instead.
      if (outer && !db.$client.inTransaction) throw new Error('the enclosing transaction was rolled back');
      pending = [];
      let value: T;
      let events: DomainEvent[];
      try {
        value = (outer ? inTransaction(work) : inTransaction.immediate(work)) as T;
        events = pending;
      } finally {
        pending = outer;
      }
      if (outer) outer.push(...events);
      else bus.publish(events);
      return value;
    },
    /** Records an event in the unit under way (a step of a larger use case); outside one it throws. */
    emit: emit as Emit,
  };
}
export type UnitOfWork = ReturnType<typeof createUnitOfWork>;
