// WAL checkpoints off the event loop. By default SQLite copies the write-ahead log back into the database file inside
// the commit that takes it past 1,000 pages: with synchronous=NORMAL that commit also waits for two fsyncs, and under a
// steady ingest that happens often enough that every request in flight keeps waiting on it
// (docs/architecture.md#why-some-rules-are-so). Here the main connection never checkpoints; a worker thread with its
// own connection does, every `intervalMs`. If the worker fails, the main connection goes back to checkpointing itself,
// so the WAL never grows without bound.
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

export interface CheckpointerLog {
  warn(details: object, message: string): void;
}

export interface Checkpointer {
  /** Where checkpoints happen now: on the worker thread, or inline in commits (no worker, or it failed). */
  mode(): 'background' | 'inline';
  stop(): Promise<void>;
}

const DEFAULT_AUTOCHECKPOINT = 1000;

export function startCheckpointer(sqlite: Database.Database, log: CheckpointerLog, intervalMs = 100): Checkpointer {
  if (sqlite.memory) return { mode: () => 'inline', stop: async () => {} };
  let mode: 'background' | 'inline' = 'background';
  let stopping = false;
  sqlite.pragma('wal_autocheckpoint = 0');
  const fallBack = (details: object) => {
    if (mode === 'inline') return;
    mode = 'inline';
    if (sqlite.open) sqlite.pragma(`wal_autocheckpoint = ${DEFAULT_AUTOCHECKPOINT}`);
    if (!stopping) log.warn(details, 'WAL checkpoint thread stopped; checkpointing in commits again');
  };
  // execArgv: [] keeps the parent's loader flags (tsx) out of the thread: it runs one plain module.
  const worker = new Worker(new URL('./checkpoint-worker.mjs', import.meta.url), {
    workerData: { path: sqlite.name, intervalMs },
    execArgv: [],
  });
  worker.unref();
  worker.on('message', (message: { type: string; message?: string }) => {
    if (message.type === 'error') log.warn({ error: message.message }, 'WAL checkpoint failed; retrying');
  });
  worker.on('error', (error) => fallBack({ err: error }));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', (code) => {
      fallBack({ code });
      resolve();
    }),
  );
  return {
    mode: () => mode,
    async stop() {
      stopping = true;
      worker.ref(); // keeps the process alive until the thread's last checkpoint is done
      worker.postMessage('stop');
      await exited;
    },
  };
}
