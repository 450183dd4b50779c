import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { BenchAlgorithm, VariantId } from './config';
import type { LoadCommand, LoadReply, LoadRequest, LoadResult } from './load-protocol';
import { compiledScript, REPO_ROOT } from './paths';

/**
 * Starting, pinning and ending the two kinds of child process: the server under test and the
 * load generator. Both run compiled (see `compileBench`) with plain `node`: one process each,
 * so the pid is the server's own and its RSS can be read from /proc. With two CPUs or more
 * each is pinned to its own with `taskset`, which execs the command and so keeps the pid.
 */

/** The CPUs of the server and of the load generator, or `undefined` where they cannot be separated. */
export interface Pinning {
  readonly server?: string;
  readonly load?: string;
}

export function choosePinning(): Pinning {
  // Two CPUs: the server gets one, the load generator the other. With one, they share it.
  if (availableParallelism() < 2 || !['/usr/bin/taskset', '/bin/taskset'].some((path) => existsSync(path))) return {};
  return { server: '0', load: '1' };
}

/** `node <compiled script> <args>`, behind `taskset -c <cpu>` when pinned. */
export function command(cpu: string | undefined, script: string, args: readonly string[], nodeFlags: readonly string[] = []): [string, string[]] {
  const node = [process.execPath, ...nodeFlags, compiledScript(script), ...args];
  return cpu === undefined ? [node[0], node.slice(1)] : ['taskset', ['-c', cpu, ...node]];
}

export interface RunningServer {
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Thrown when a variant refuses its configuration (e.g. an option this build lacks). */
export class ServerConfigurationError extends Error {}

/**
 * Starts `server.ts` for one variant and algorithm and resolves once it prints `ready <port>`.
 * `gcRoute` adds `GET /__gc` (with `--expose-gc`), which collects garbage and answers
 * `process.memoryUsage()`; only the memory mode uses it, after its traffic.
 */
export function startServer(variant: VariantId, algorithm: BenchAlgorithm, keysDir: string, pinning: Pinning, gcRoute = false): Promise<RunningServer> {
  const [file, args] = command(pinning.server, 'server.ts', [variant, algorithm, keysDir], gcRoute ? ['--expose-gc'] : []);
  const env = { ...process.env, NODE_ENV: 'production', ...(gcRoute ? { BENCH_GC_ROUTE: '1' } : {}) };
  const child = spawn(file, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'], env });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${variant} ${algorithm}: the server did not print "ready" within 30 s`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const error = /^error (.*)$/m.exec(output)?.[1];
      reject(error === undefined ? new Error(`${variant} ${algorithm}: the server exited with ${code}`) : new ServerConfigurationError(error));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready === null) return;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ port: Number(ready[1]), pid: child.pid ?? -1, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The resident set size of a process (or its peak, `VmHWM`), in bytes, from /proc (`undefined` where there is none). */
export function residentBytes(pid: number, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]) * 1024;
  } catch {
    return undefined;
  }
}

// Linux reports process times in clock ticks of USER_HZ, which is 100 on every architecture it runs on.
const TICKS_PER_SECOND = 100;

/** The CPU time (user and system) a process has used so far, in microseconds, from /proc (`undefined` where there is none). */
export function cpuMicros(pid: number): number | undefined {
  try {
    // The command name is in parentheses and may hold spaces and parentheses itself: read after the last one.
    // From there on, utime and stime (fields 14 and 15 of proc(5)) are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1_000_000 / TICKS_PER_SECOND);
  } catch {
    return undefined;
  }
}

/** The load generator process, driven over IPC. */
export interface LoadGenerator {
  run(request: Omit<LoadRequest, 'type' | 'id'>): Promise<LoadResult>;
  reset(): void;
  stop(): Promise<void>;
}

export function startLoadGenerator(pinning: Pinning): Promise<LoadGenerator> {
  const [file, args] = command(pinning.load, 'load.ts', []);
  const child = spawn(file, args, { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map<number, { resolve: (result: LoadResult) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  const send = (command: LoadCommand): void => {
    child.send(command);
  };
  const generator: LoadGenerator = {
    run(request) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send({ type: 'run', id, ...request });
      });
    },
    reset: () => send({ type: 'reset' }),
    stop: () => stopChild(child),
  };
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const err = new Error(`the load generator exited with ${code}`);
      reject(err);
      for (const waiter of pending.values()) waiter.reject(err);
    });
    child.on('message', (message: LoadReply) => {
      if (message.type === 'ready') return resolve(generator);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.type === 'result') waiter?.resolve(message.result);
      else waiter?.reject(new Error(message.message));
    });
  });
}
