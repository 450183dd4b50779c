/**
 * The plumbing of the soak test: starting and stopping the soak server (`bench/soak-server.ts`)
 * as a child process, and plain node:http requests to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { type SoakRequest, type SoakServerStats, STATS_PATH } from './soak-scenarios';

const ROOT = join(__dirname, '..');

/** A response, read whole. */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** Sends one request over `agent` and reads the whole answer; rejects when none comes within 10 s. */
export function send(agent: http.Agent, port: number, request: Pick<SoakRequest, 'method' | 'path' | 'headers' | 'body'>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['Content-Length'] = Buffer.byteLength(request.body);
    const req = http.request({ host: '127.0.0.1', port, method: request.method, path: request.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(request.body);
  });
}

/** The soak server child process. */
export interface SoakServer {
  readonly port: number;
  readonly child: ChildProcess;
  /** The last 8 KiB the server wrote to stderr. */
  stderr(): string;
  stop(): Promise<void>;
}

/** Starts `bench/soak-server.ts` with the secret and API key, and resolves once it listens. */
export function startServer(secret: string, apiKey: string): Promise<SoakServer> {
  // tsx's CommonJS hook, no loader thread: one process whose memory is the server's own.
  const child = spawn(process.execPath, ['--expose-gc', '--require', 'tsx/cjs', join(ROOT, 'bench', 'soak-server.ts')], {
    cwd: ROOT,
    env: { ...process.env, SOAK_SECRET: secret, SOAK_API_KEY: apiKey, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = `${errors}${chunk.toString()}`.slice(-8192);
  });
  const stop = (): Promise<void> => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the soak server did not start within 30 s: ${errors}`));
    }, 30_000);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`the soak server exited with ${code} before it was ready: ${errors}`));
    };
    child.once('exit', onExit);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready === null) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      child.stdout?.removeAllListeners('data');
      child.stdout?.resume();
      resolve({ port: Number(ready[1]), child, stderr: () => errors, stop });
    });
  });
}

/** Asks the soak server for its counters and memory, after a garbage collection when `collect`. */
export async function serverStats(port: number, collect: boolean): Promise<SoakServerStats> {
  const agent = new http.Agent({ keepAlive: false });
  const answer = await send(agent, port, { method: 'GET', path: `${STATS_PATH}${collect ? '?gc=1' : ''}`, headers: {} });
  return JSON.parse(answer.body) as SoakServerStats;
}
