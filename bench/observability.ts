import { execFileSync } from 'node:child_process';
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import * as current from '../lib';
import { median, spread } from './stats';

/**
 * `npm run bench:observability`: what the diagnostics_channel events cost on the repeated-token
 * path, in one process, without HTTP. The middleware and an HS256 backend with its cache, given
 * the same token again and again, three ways, interleaved: the library before the events
 * (`--baseline`, a git ref, extracted to a temporary directory), the library now with nobody
 * subscribed, and now with a no-op subscriber on every channel. Medians of `--repeats`
 * measurements of `--ms` milliseconds each; the ratios are to the baseline of the same run.
 */

const { values: args } = parseArgs({ options: { baseline: { type: 'string' }, ms: { type: 'string' }, repeats: { type: 'string' } } });
const BASELINE_REF = args.baseline ?? '9ed62a4';
const MEASURE_MS = Number(args.ms ?? 500);
const REPEATS = Number(args.repeats ?? 7);
const SECRET = 'observability-bench-secret-0123456789abcdefghijklmnop';

type Library = Pick<typeof current, 'JWTAuthenticationBackend' | 'authenticationMiddleware'>;

/** The library's `lib/` at `ref`, extracted beside a link to this checkout's node_modules, so it resolves the same packages. */
async function loadBaseline(ref: string): Promise<{ library: Library; cleanup: () => void }> {
  const root = path.resolve(__dirname, '..');
  const dir = mkdtempSync(path.join(tmpdir(), 'express-jwt-auth-baseline-'));
  const archive = execFileSync('git', ['-C', root, 'archive', ref, 'lib']);
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  const library = (await import(path.join(dir, 'lib', 'index.ts'))) as Library;
  return { library, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `middleware` on new requests carrying `token` for `ms` milliseconds; returns calls per second. */
function measure(middleware: RequestHandler, token: string, ms: number, prototype: object): number {
  const res = {} as Response;
  let passed = 0;
  const next: NextFunction = () => {
    passed += 1;
  };
  const headers = { authorization: `Bearer ${token}` };
  let calls = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 1000; i++) {
      // A new request each time, as Express makes one per request, on the app's prototype.
      const req = Object.assign(Object.create(prototype) as Request, { headers, method: 'GET', url: '/', originalUrl: '/' });
      middleware(req, res, next);
    }
    calls += 1000;
    now = performance.now();
  }
  if (passed !== calls) throw new Error(`Only ${passed} of ${calls} requests were authenticated: the benchmark measures a refusal.`);
  return (calls * 1000) / (now - start);
}

function build(library: Library): { middleware: RequestHandler; token: string } {
  const backend = new library.JWTAuthenticationBackend({ secretKey: SECRET });
  return { middleware: library.authenticationMiddleware(backend), token: backend.createToken({ sub: 'alice', scope: 'read' }) };
}

function subscribeEverywhere(): () => void {
  const listener = (): void => undefined;
  const names = Object.values(current.CHANNELS);
  for (const name of names) diagnosticsChannel.subscribe(name, listener);
  return () => {
    for (const name of names) diagnosticsChannel.unsubscribe(name, listener);
  };
}

async function main(): Promise<void> {
  const { library, cleanup } = await loadBaseline(BASELINE_REF);
  try {
    const prototype = express().request as object;
    const before = build(library);
    const now = build(current);
    const samples = { baseline: [] as number[], silent: [] as number[], subscribed: [] as number[] };
    // Warm-up: every path compiled and the caches filled before anything is timed.
    measure(before.middleware, before.token, 300, prototype);
    measure(now.middleware, now.token, 300, prototype);
    const modes: readonly (() => void)[] = [
      () => samples.baseline.push(measure(before.middleware, before.token, MEASURE_MS, prototype)),
      () => samples.silent.push(measure(now.middleware, now.token, MEASURE_MS, prototype)),
      () => {
        const unsubscribe = subscribeEverywhere();
        samples.subscribed.push(measure(now.middleware, now.token, MEASURE_MS, prototype));
        unsubscribe();
      },
    ];
    const loadBefore = loadavg()[0];
    // Rotated order: no way is always measured first (or last) in a round on a busy machine.
    for (let round = 0; round < REPEATS; round++) {
      for (let i = 0; i < modes.length; i++) modes[(round + i) % modes.length]();
    }
    const loadAfter = loadavg()[0];
    const base = median(samples.baseline);
    const rows = [
      [`before the events (${BASELINE_REF})`, samples.baseline],
      ['events, nobody subscribed', samples.silent],
      ['events, a subscriber on every channel', samples.subscribed],
    ] as const;
    console.log(`Repeated HS256 token through authenticationMiddleware, no HTTP; ${REPEATS} rounds in rotated order, ${MEASURE_MS} ms each, medians;`
      + ` Node ${process.version}, ${cpus().length} CPUs, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}.`);
    console.log('| library | requests/s (median) | spread over rounds | ratio to before |\n|---|---:|---:|---:|');
    for (const [name, values] of rows) {
      const rate = median(values);
      console.log(`| ${name} | ${Math.round(rate).toLocaleString('en-US')} | ±${(spread(values) * 100).toFixed(0)}% | ${(rate / base).toFixed(3)} |`);
    }
  } finally {
    cleanup();
  }
}

void main();
