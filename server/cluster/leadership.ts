// One node of several leads: it alone runs the work that must happen once, whatever the number of nodes (the
// channels' pollers, the dispatcher's waves and SLA watch). On PostgreSQL the leader is whoever holds a session-level
// advisory lock on a connection of its own. The lock is the server's to keep honest: when the leader's process dies,
// its connection closes and the lock is free, and another node takes it on its next try, within `retryMs`. A leader
// that loses its connection steps down at once, before anyone else can lead, so two never lead at the same time
// for longer than it takes the lost connection to be noticed.
import pg from 'pg';
import { LOCKS } from '../../db/pg/client.js';

export interface Leadership {
  readonly nodeId: string;
  isLeader(): boolean;
  /** Called with true when this node starts leading, false when it stops; at once with the current state. */
  onChange(listener: (leading: boolean) => void | Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface Log {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export function advisoryLeadership(options: {
  url: string;
  nodeId: string;
  log: Log;
  /** How often a follower tries for the lock, and a leader checks that its connection still holds it. */
  retryMs?: number;
}): Leadership {
  const { url, nodeId, log } = options;
  const retryMs = options.retryMs ?? 1000;
  const listeners: ((leading: boolean) => void | Promise<void>)[] = [];
  let client: pg.Client | null = null;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const tell = (value: boolean) => {
    if (leading === value) return;
    leading = value;
    log.info({ nodeId, leader: value }, value ? 'leading this cluster' : 'no longer leading');
    for (const listener of listeners) {
      Promise.resolve()
        .then(() => listener(value))
        .catch((error: unknown) => log.error({ err: error }, 'acting on a change of leader failed'));
    }
  };

  const drop = async () => {
    const lost = client;
    client = null;
    tell(false);
    await lost?.end().catch(() => undefined);
  };

  async function attempt(): Promise<void> {
    try {
      if (!client) {
        const connecting = new pg.Client({ connectionString: url, application_name: `helpforce ${nodeId} leader` });
        // A connection that fails later is an error event: it must not crash the process, and it ends leadership.
        connecting.on('error', (error) => {
          log.warn({ err: error }, 'the leadership connection failed');
          if (client === connecting) void drop();
        });
        await connecting.connect();
        client = connecting;
      }
      if (leading) {
        await client.query('select 1');
        return;
      }
      const { rows } = await client.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [
        LOCKS.leader,
      ]);
      if (rows[0]?.locked && !stopped) tell(true);
    } catch (error) {
      log.warn({ err: error }, 'leadership check failed; trying again');
      await drop();
    }
  }

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      void attempt().finally(schedule);
    }, retryMs);
    timer.unref();
  };

  return {
    nodeId,
    isLeader: () => leading,
    onChange(listener) {
      listeners.push(listener);
      void Promise.resolve(listener(leading)).catch((error: unknown) =>
        log.error({ err: error }, 'acting on a change of leader failed'),
      );
    },
    async start() {
      await attempt();
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      // Ending the session releases the lock, so another node leads on its next try.
      await drop();
    },
  };
}
