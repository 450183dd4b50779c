import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForLine } from './child-output';

/**
 * npm run bench:refresh: refreshes per second through `refreshHandler` with families on a
 * `memoryStore()` and on Redis (node-redis; its own redis-server from Debian's package on a free
 * loopback port). Closed loop: `BENCH_CLIENTS` clients (default 10), each with its own sign-in,
 * refresh one after the other for `BENCH_DURATION` seconds (default 5), each time with the token
 * the previous refresh returned, so every request is a real rotation (one GET and one
 * compare-and-swap on the store, a new signed access token). Prints one JSON line of results.
 */

const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

async function startServer(secret: string, url?: string): Promise<{ child: ChildProcess; origin: string }> {
  const args = [require.resolve('tsx/cli'), path.join(__dirname, 'refresh-server.ts'), secret, ...(url === undefined ? [] : [url])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const [, port] = await waitForLine(child, /ready (\d+)/);
  return { child, origin: `http://127.0.0.1:${port}` };
}

async function post(origin: string, route: string, body: object): Promise<Record<string, unknown>> {
  const res = await fetch(`${origin}${route}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const parsed = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${route}: ${res.status} ${JSON.stringify(parsed.error)}`);
  return parsed;
}

/** Refreshes per second of `CLIENTS` closed-loop clients over `seconds`. */
async function refreshesPerSecond(origin: string, seconds: number): Promise<number> {
  const tokens = await Promise.all(Array.from({ length: CLIENTS }, async (_, i) => (await post(origin, '/login', { sub: `bench-${i}` })).refresh_token as string));
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(tokens.map(async (first) => {
    let token = first;
    while (performance.now() < end) {
      token = (await post(origin, '/refresh', { refresh_token: token })).refresh_token as string;
      done++;
    }
  }));
  return done / ((performance.now() - start) / 1000);
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ejwt-bench-redis-'));
  const port = await freePort();
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const children: ChildProcess[] = [redis];
  try {
    await waitForLine(redis, /Ready to accept connections/);
    const secret = randomBytes(32).toString('base64url');
    const memory = await startServer(secret);
    const shared = await startServer(secret, `redis://127.0.0.1:${port}`);
    children.push(memory.child, shared.child);
    const results: Record<'memoryStore' | 'redisStore', number[]> = { memoryStore: [], redisStore: [] };
    for (let round = 0; round < ROUNDS; round++) {
      // A short warm-up before each measured run.
      await refreshesPerSecond(memory.origin, 1);
      results.memoryStore.push(Math.round(await refreshesPerSecond(memory.origin, DURATION_SEC)));
      await refreshesPerSecond(shared.origin, 1);
      results.redisStore.push(Math.round(await refreshesPerSecond(shared.origin, DURATION_SEC)));
    }
    console.log(JSON.stringify({
      durationSec: DURATION_SEC,
      rounds: ROUNDS,
      clients: CLIENTS,
      refreshesPerSec: results,
      median: { memoryStore: median(results.memoryStore), redisStore: median(results.redisStore) },
    }));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
