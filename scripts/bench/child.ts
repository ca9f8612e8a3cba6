// Servers under test run in their own process, so the load generator and the 1,000 WebSocket clients do not share
// the server's event loop and its peak RSS is its own. Parent and child talk over the IPC channel: the child sends
// `ready` once listening, then answers commands by id.
import { fork } from 'node:child_process';
import { openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Message =
  | { type: 'ready'; data: unknown }
  | { type: 'failed'; message: string }
  | { id: number; result?: unknown; error?: string };

export interface ChildHandle<Ready> {
  ready: Ready;
  pid: number;
  call<T>(command: string, args?: unknown): Promise<T>;
  stop(): Promise<void>;
}

export interface ChildOptions {
  logFile: string;
  cpuProfileDir?: string;
  heapMb?: number;
}

export async function startChild<Ready>(
  entry: string,
  options: unknown,
  { logFile, cpuProfileDir, heapMb }: ChildOptions,
): Promise<ChildHandle<Ready>> {
  const out = openSync(logFile, 'a');
  // BENCH_NODE_FLAGS (space-separated) reaches the children's node, for trying V8 settings: --trace-gc, heap sizes.
  const execArgv = ['--import', 'tsx', ...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? [])];
  if (cpuProfileDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`);
  if (heapMb) execArgv.push(`--max-old-space-size=${heapMb}`);
  const child = fork(fileURLToPath(new URL(entry, import.meta.url)), [], {
    execArgv,
    env: { ...process.env, BENCH_CHILD_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', out, out, 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then((code) => {
    for (const waiter of pending.values())
      waiter.reject(new Error(`${entry} exited with code ${code} (log: ${logFile})`));
    pending.clear();
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.on('message', (message: Message) => {
      if ('type' in message) {
        if (message.type === 'ready') resolve(message.data as Ready);
        else reject(new Error(`${entry} failed to start: ${message.message} (log: ${logFile})`));
        return;
      }
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`${entry}: ${message.error}`));
      else waiter?.resolve(message.result);
    });
    void exited.then((code) =>
      reject(new Error(`${entry} exited with code ${code} before it was ready (log: ${logFile})`)),
    );
  });
  return {
    ready,
    pid: child.pid!,
    call<T>(command: string, args?: unknown) {
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, command, args });
      });
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ id: 0, command: 'stop' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Child side: report readiness, then run each command; `stop` runs `onStop` and exits (flushing a CPU profile). */
export function answerParent(
  ready: unknown,
  commands: Record<string, (args: never) => unknown>,
  onStop: () => Promise<void>,
) {
  process.on('message', async ({ id, command, args }: { id: number; command: string; args: never }) => {
    if (command === 'stop') {
      await onStop().catch(() => undefined);
      process.exit(0);
    }
    try {
      const handler = commands[command];
      if (!handler) throw new Error(`unknown command ${command}`);
      process.send!({ id, result: await handler(args) });
    } catch (error) {
      process.send!({ id, error: (error as Error).stack ?? String(error) });
    }
  });
  process.send!({ type: 'ready', data: ready });
}

export function childOptions<T>(): T {
  return JSON.parse(process.env.BENCH_CHILD_OPTIONS ?? '{}') as T;
}

export function failStart(error: unknown): never {
  console.error(error);
  process.send?.({ type: 'failed', message: (error as Error).message ?? String(error) });
  process.exit(1);
}

/** Peak resident set size of this process so far, in MB (getrusage ru_maxrss). */
export const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
