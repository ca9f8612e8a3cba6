import { join } from 'node:path';
import type { BenchFlags } from './flags.js';

/** What every section gets: the flags, a temp dir for databases and child logs, and where CPU profiles go (--profile). */
export interface BenchContext {
  flags: BenchFlags;
  dir: string;
  logFile(name: string): string;
  cpuProfileDir: string | undefined;
}

export function createContext(flags: BenchFlags, dir: string): BenchContext {
  return {
    flags,
    dir,
    logFile: (name) => join(dir, `${name}.log`),
    cpuProfileDir: flags.profile ? join(dir, 'cpu-profiles') : undefined,
  };
}
