// WAL checkpoints run on a worker thread: the main connection never checkpoints inside a commit, the WAL still stays
// small under a steady stream of writes, and if the thread fails the main connection checkpoints again by itself.
import t from 'tap';
import { statSync, unlinkSync } from 'node:fs';
import { startCheckpointer } from '../db/checkpointer.js';
import { openDatabase } from '../db/client.js';
import { tempDatabasePath } from './helpers/app.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recordingLog() {
  const warnings: string[] = [];
  return {
    warnings,
    log: {
      warn: (_details: object, message: string) => {
        warnings.push(message);
      },
    },
  };
}

/** Thirty commits of ~200 pages each, 50 ms apart: ~24 MB through the WAL. */
async function steadyWrites(sqlite: import('better-sqlite3').Database) {
  sqlite.exec('create table if not exists filler (id integer primary key, body text)');
  const insert = sqlite.prepare('insert into filler (body) values (?)');
  const commit = sqlite.transaction((n: number) => {
    for (let i = 0; i < n; i++) insert.run('x'.repeat(3000));
  });
  for (let round = 0; round < 30; round++) {
    commit(200);
    await sleep(50);
  }
}

const walMb = (path: string) => statSync(`${path}-wal`).size / 1048576;

t.test('a steady stream of commits: checkpoints on the thread keep the WAL small', async (t) => {
  const path = tempDatabasePath(t);
  const db = openDatabase(path);
  const { log, warnings } = recordingLog();
  const checkpointer = startCheckpointer(db.$client, log, 50);
  t.equal(checkpointer.mode(), 'background');
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 0, 'commits never checkpoint');
  await steadyWrites(db.$client);
  t.ok(walMb(path) < 8, `the WAL file stayed small (${walMb(path).toFixed(1)} MB of ~24 MB written)`);
  await checkpointer.stop();
  db.$client.close();
  t.same(warnings, []);
});

t.test('without the thread the same writes pile up in the WAL (what the test above guards against)', async (t) => {
  const path = tempDatabasePath(t);
  const db = openDatabase(path);
  db.$client.pragma('wal_autocheckpoint = 0');
  await steadyWrites(db.$client);
  t.ok(walMb(path) > 16, `${walMb(path).toFixed(1)} MB`);
  db.$client.close();
});

t.test('if the thread cannot run, commits checkpoint again and a warning says so', async (t) => {
  const path = tempDatabasePath(t);
  const db = openDatabase(path);
  unlinkSync(path); // the open connection keeps working; the thread's own connection cannot open the file
  const { log, warnings } = recordingLog();
  const checkpointer = startCheckpointer(db.$client, log, 50);
  for (let i = 0; i < 100 && checkpointer.mode() === 'background'; i++) await sleep(20);
  t.equal(checkpointer.mode(), 'inline');
  t.equal(db.$client.pragma('wal_autocheckpoint', { simple: true }), 1000, "back to SQLite's own checkpoints");
  t.match(warnings, [/checkpoint thread stopped/]);
  await checkpointer.stop();
  db.$client.close();
});

t.test('an in-memory database has no WAL and no thread', async (t) => {
  const db = openDatabase(':memory:');
  const checkpointer = startCheckpointer(db.$client, recordingLog().log);
  t.equal(checkpointer.mode(), 'inline');
  await checkpointer.stop();
  db.$client.close();
});
