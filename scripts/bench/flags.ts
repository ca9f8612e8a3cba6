// Command-line flags of `npm run bench`. Every duration and size is a flag so a quick run (`--quick`) fits in a minute
// or two while the default run measures the sustained figures the README reports.
export const SECTIONS = [
  'reference',
  'routing',
  'ingest',
  'floor',
  'claims',
  'posting',
  'db',
  'postgres',
  'postgres-db',
] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchFlags {
  quick: boolean;
  durationS: number;
  warmupS: number;
  referenceS: number;
  rate: number;
  connections: number;
  experts: number;
  online: number;
  pollMs: number;
  burst: number;
  routingQuestions: number;
  routingSizes: number[];
  stormExperts: number;
  stormRounds: number;
  posts: number;
  faultRate: number;
  dbRows: number;
  dbRequests: number;
  sections: Set<Section>;
  profile: boolean;
  keep: boolean;
  statementCache: boolean;
}

const USAGE = `usage: npm run bench -- [--quick] [--duration=S] [--warmup=S] [--rate=Q/S] [--experts=N] [--online=N] [--db-rows=N]
  [--db-requests=N] [--posts=N] [--storm=N] [--only=${SECTIONS.join(',')}] [--skip=…] [--profile] [--keep] [--statement-cache]`;

export function parseFlags(argv: string[]): BenchFlags {
  const given = new Map<string, string>();
  for (const arg of argv) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match) throw new Error(`unknown argument ${arg}\n${USAGE}`);
    given.set(match[1]!, match[2] ?? 'true');
  }
  const quick = given.get('quick') === 'true';
  const number = (name: string, full: number, fast: number) => {
    const raw = given.get(name);
    given.delete(name);
    const value = raw === undefined ? (quick ? fast : full) : Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number\n${USAGE}`);
    return value;
  };
  const list = (name: string) => {
    const raw = given.get(name);
    given.delete(name);
    return raw
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : null;
  };
  const flags: BenchFlags = {
    quick,
    durationS: number('duration', 30, 5),
    warmupS: number('warmup', 3, 1),
    referenceS: number('reference-duration', 10, 3),
    rate: number('rate', 200, 200),
    connections: number('connections', 10, 10),
    experts: number('experts', 10_000, 10_000),
    online: number('online', 1000, 1000),
    pollMs: number('poll-ms', 100, 100),
    burst: number('burst', 800, 800),
    routingQuestions: number('routing-questions', 3000, 600),
    routingSizes: (list('routing-sizes') ?? ['1000', '10000', '100000']).map(Number),
    stormExperts: number('storm', 200, 200),
    stormRounds: number('storm-rounds', 5, 2),
    posts: number('posts', 1000, 200),
    faultRate: number('fault-rate', 0.05, 0.05),
    dbRows: number('db-rows', 1_000_000, 1_000_000),
    dbRequests: number('db-requests', 50, 10),
    sections: new Set(SECTIONS),
    profile: given.get('profile') === 'true',
    keep: given.get('keep') === 'true',
    statementCache: given.get('statement-cache') === 'true',
  };
  const only = list('only');
  const skip = list('skip');
  for (const name of [...(only ?? []), ...(skip ?? [])]) {
    if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section ${name}\n${USAGE}`);
  }
  if (only) flags.sections = new Set(only as Section[]);
  for (const name of skip ?? []) flags.sections.delete(name as Section);
  for (const name of ['quick', 'profile', 'keep', 'statement-cache']) given.delete(name);
  if (given.size > 0) throw new Error(`unknown flag --${[...given.keys()][0]}\n${USAGE}`);
  if (flags.online > flags.experts) throw new Error('--online cannot exceed --experts');
  return flags;
}
