// A throwaway PostgreSQL server for the tests and the bench: Debian's `postgresql` binaries, a fresh cluster in a temp
// directory, listening on loopback only, gone when stopped. As root (CI, this machine) the cluster belongs to the
// `postgres` user, because the server refuses to run as root.
//
//   tsx scripts/postgres-cluster.ts start [--durable]   prints the admin URL; state in $TMPDIR/helpforce-pg.json
//   tsx scripts/postgres-cluster.ts stop
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  chownSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  dir: string;
  port: number;
  /** Connects as the superuser to the `postgres` database. */
  url: string;
}

/** Where the running cluster is written down, for the processes that connect to it. */
export const stateFile = join(tmpdir(), 'helpforce-pg.json');
/**
 * The test run's cluster, named after the tap runner (the parent of the `before` script and of every test file), so
 * two runs on one machine, in one checkout or two, each have their own.
 */
export const testStateFile = join(tmpdir(), `helpforce-test-pg-${process.ppid}.json`);

/** Test runs' state files whose runner is gone: a run that was killed left its cluster running. */
export function abandonedTestStates(): string[] {
  return readdirSync(tmpdir())
    .map((name) => /^helpforce-test-pg-(\d+)\.json$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null && !alive(Number(match[1])))
    .map((match) => join(tmpdir(), match[0]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function postgresBinaries(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function asOwner(bin: string, args: string[]) {
  const root = process.getuid?.() === 0;
  const command = root ? 'runuser' : bin;
  const argv = root ? ['-u', 'postgres', '--', bin, ...args] : args;
  const result = spawnSync(command, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
}

/**
 * Starts a cluster. `durable: false` (the tests) turns off fsync and full-page writes: the data is thrown away anyway,
 * and a test run should not wait on the disk. The bench keeps them on, as a real server would. `from` starts it on a
 * copy of a data directory kept by saveCluster() instead of a new one.
 */
export async function startCluster(
  options: { durable?: boolean; maxConnections?: number; from?: string } = {},
): Promise<Cluster> {
  const bin = postgresBinaries();
  if (!bin) throw new Error("PostgreSQL is not installed: apt-get install -y postgresql (Debian's package)");
  const dir = mkdtempSync(join(tmpdir(), 'helpforce-pg-'));
  const root = process.getuid?.() === 0;
  if (root) {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const init = ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
  if (options.from) execFileSync('cp', ['-a', '--reflink=auto', options.from, data]);
  else asOwner(join(bin, 'initdb'), init);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    `-c max_connections=${options.maxConnections ?? 400}`,
    ...(options.durable ? [] : ['-c fsync=off', '-c full_page_writes=off', '-c synchronous_commit=off']),
  ].join(' ');
  asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', settings, '-l', join(dir, 'server.log'), '-w', 'start']);
  return { dir, port, url: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

export function stopCluster(cluster: Cluster): void {
  const bin = postgresBinaries();
  if (bin && existsSync(join(cluster.dir, 'data'))) {
    try {
      asOwner(join(bin, 'pg_ctl'), ['-D', join(cluster.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
    } catch {
      // Already stopped: the directory goes all the same.
    }
  }
  rmSync(cluster.dir, { recursive: true, force: true });
}

/** Stops the server cleanly (its last checkpoint written) and keeps its data directory at `to`, for `from`. */
export function saveCluster(cluster: Cluster, to: string): void {
  const bin = postgresBinaries();
  if (!bin) throw new Error('PostgreSQL is not installed');
  asOwner(join(bin, 'pg_ctl'), ['-D', join(cluster.dir, 'data'), '-m', 'fast', '-w', 'stop']);
  renameSync(join(cluster.dir, 'data'), to);
  rmSync(cluster.dir, { recursive: true, force: true });
}

export function savedCluster(file = stateFile): Cluster | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Cluster) : null;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv[2];
  if (command === 'start') {
    const cluster = await startCluster({ durable: process.argv.includes('--durable') });
    writeFileSync(stateFile, JSON.stringify(cluster));
    console.log(cluster.url);
  } else if (command === 'stop') {
    const cluster = savedCluster();
    if (cluster) stopCluster(cluster);
    rmSync(stateFile, { force: true });
  } else {
    console.error('usage: tsx scripts/postgres-cluster.ts start [--durable] | stop');
    process.exit(2);
  }
}
