// The other half of db/checkpointer.ts: copies the WAL back into the database file on a thread of its own, through a
// connection of its own. Plain JavaScript, so the thread starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.path, { fileMustExist: true });

// PASSIVE: copy what is committed without waiting for the writer or readers; the writer starts the WAL over once
// everything in it has been copied. An error is reported and the next tick tries again.
function checkpoint() {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
}

const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
