import autocannon from 'autocannon';
import { type ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, waitForLine } from './child-output';

/**
 * npm run bench:revocation: the repeated-token throughput of a backend checking revocations
 * shared through Redis against the same backend without a store (target: at least 0.95), and
 * how long a revocation takes to reach another process. Starts its own redis-server (Debian's
 * package) on a free loopback port; prints one JSON line of results.
 */

const DURATION_SEC = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PROPAGATION_SAMPLES = 100;

function token(secret: string, sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub, jti: randomUUID(), iat: now, exp: now + 3600 })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

async function startServer(secret: string, url?: string, seed = false): Promise<{ child: ChildProcess; origin: string }> {
  const args = [require.resolve('tsx/cli'), path.join(__dirname, 'revocation-server.ts'), secret, ...(url === undefined ? [] : [url])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_SEED: seed ? '1' : '0' } });
  const [, port] = await waitForLine(child, /ready (\d+)/);
  return { child, origin: `http://127.0.0.1:${port}` };
}

async function throughput(origin: string, bearer: string): Promise<number> {
  const run = (duration: number): Promise<autocannon.Result> => autocannon({
    url: `${origin}/protected`, connections: 10, duration, headers: { Authorization: `Bearer ${bearer}` },
  });
  await run(1);
  const result = await run(DURATION_SEC);
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${origin}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quantile = (values: readonly number[], q: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];

async function propagation(secret: string, revoker: string, observer: string): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < PROPAGATION_SAMPLES; i++) {
    const headers = { Authorization: `Bearer ${token(secret, `propagation-${i}`)}` };
    await (await fetch(`${observer}/protected`, { headers })).arrayBuffer();
    const start = performance.now();
    await (await fetch(`${revoker}/revoke`, { method: 'POST', headers })).arrayBuffer();
    for (;;) {
      const res = await fetch(`${observer}/protected`, { headers });
      await res.arrayBuffer();
      if (res.status === 401) break;
    }
    samples.push(performance.now() - start);
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ejwt-bench-redis-'));
  const port = await freePort();
  const redis = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const children: ChildProcess[] = [redis];
  try {
    await waitForLine(redis, /Ready to accept connections/);
    const url = `redis://127.0.0.1:${port}`;
    const secret = randomBytes(32).toString('base64url');
    const plain = await startServer(secret);
    const shared = await startServer(secret, url, true);
    const observer = await startServer(secret, url);
    children.push(plain.child, shared.child, observer.child);
    const bearer = token(secret, 'bench-user');
    const without: number[] = [];
    const withStore: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      without.push(await throughput(plain.origin, bearer));
      withStore.push(await throughput(shared.origin, bearer));
    }
    const samples = await propagation(secret, shared.origin, observer.origin);
    const round = (value: number): number => Math.round(value * 100) / 100;
    console.log(JSON.stringify({
      durationSec: DURATION_SEC,
      rounds: ROUNDS,
      requestsPerSec: { withoutStore: without.map(Math.round), redisStore: withStore.map(Math.round) },
      ratio: round(median(withStore) / median(without)),
      propagationMs: { samples: samples.length, p50: round(quantile(samples, 0.5)), p90: round(quantile(samples, 0.9)), p99: round(quantile(samples, 0.99)), max: round(Math.max(...samples)) },
    }));
  } finally {
    for (const child of children) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
