import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { JWTAuthenticationBackend } from '../lib';
import { renderChart } from './chart';
import { BENCH_ALGORITHMS, type BenchAlgorithm, KEY_FILES, SCENARIOS, type Scenario, type VariantId } from './config';
import { describeEnvironment, type Environment } from './environment';
import { runPlan } from './measure';
import { runMemory } from './memory';
import { buildPlan, estimateSeconds, poolSize, QUICK_CELLS, type Settings } from './plan';
import { firstPoolToken, generatePools } from './pools';
import { compileBench, REPO_ROOT } from './paths';
import { choosePinning, command, startLoadGenerator } from './processes';
import { writeReadmeBlock } from './readme';
import { renderBlock, renderSpeed } from './report';
import { readStoredResults, type SpeedResults, storeResults } from './results-store';
import { type Measurement, median, metricsMedian, spread, summarise } from './stats';
import { evaluateTargets } from './targets';
import { readTokenFile, writeKeysAndTokens } from './tokens';
import { projectOptions } from './variants/project';

/**
 * `npm run bench [-- options]`: the throughput benchmark (default, ~25 minutes), `--quick`
 * (~2 minutes, HS256, the targets' cells only), `--memory` (a million distinct tokens), each
 * writing its results into bench/results.json, bench/results.svg and bench/README.md's block.
 */

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    memory: { type: 'boolean', default: false },
    micro: { type: 'boolean' },
    'no-write': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    'report-only': { type: 'boolean', default: false },
    repeats: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    'server-warmup': { type: 'string' },
    connections: { type: 'string' },
    algorithms: { type: 'string' },
    scenarios: { type: 'string' },
    variants: { type: 'string' },
    requests: { type: 'string' },
  },
});

function list<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: readonly T[]): readonly T[] {
  if (value === undefined) return fallback;
  const items = value.split(',').map((item) => item.trim());
  for (const item of items) if (!(allowed as readonly string[]).includes(item)) throw new TypeError(`--${name}: "${item}" is not one of ${allowed.join(', ')}`);
  return items as T[];
}

function number(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new TypeError(`--${name} must be a number`);
  return parsed;
}

const PROJECT_WITH_CACHE: readonly VariantId[] = ['project-cache-on', 'project-cache-off'];
const ALL_VARIANTS: readonly VariantId[] = ['floor-noop', 'floor-props', 'express-jwt', 'passport-jwt', 'oauth2-bearer', ...PROJECT_WITH_CACHE];

/** Whether this build of the library has the `cacheSize` option; checked once. */
function cacheOptionExists(secret: string): boolean {
  try {
    new JWTAuthenticationBackend(projectOptions({ algorithm: 'HS256', key: secret, cacheSize: 0 }));
    return true;
  } catch (err) {
    if (err instanceof TypeError && err.message.includes('unknown option "cacheSize"')) return false;
    throw err;
  }
}

function readSettings(hasCache: boolean): Settings {
  const quick = args.quick === true;
  const variants = list('variants', args.variants, [...ALL_VARIANTS, 'project'], ALL_VARIANTS)
    .flatMap((variant) => (!hasCache && PROJECT_WITH_CACHE.includes(variant) ? ['project' as const] : [variant]));
  return {
    mode: quick ? 'quick' : 'full',
    repeats: Math.max(1, Math.round(number('repeats', args.repeats, 3))),
    durationSec: number('duration', args.duration, quick ? 1.5 : 4),
    warmupSec: number('warmup', args.warmup, quick ? 0.5 : 1),
    serverWarmupSec: number('server-warmup', args['server-warmup'], quick ? 0.5 : 2),
    connections: Math.round(number('connections', args.connections, 50)),
    algorithms: list<BenchAlgorithm>('algorithms', args.algorithms, BENCH_ALGORITHMS, quick ? ['HS256'] : BENCH_ALGORITHMS),
    scenarios: list<Scenario>('scenarios', args.scenarios, SCENARIOS, SCENARIOS),
    variants: [...new Set(variants)],
    ...(quick && args.variants === undefined && args.scenarios === undefined ? { cells: QUICK_CELLS } : {}),
  };
}

function runMicro(pinningCpu: string | undefined, write: boolean): Promise<void> {
  const [file, argv] = command(pinningCpu, 'micro.ts', write ? [] : ['--no-write']);
  const child = spawn(file, argv, { cwd: REPO_ROOT, stdio: 'inherit' });
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`micro.ts exited with ${code}`)))));
}

/** Everything reported about a speed run, from its measurements. */
function speedResults(settings: Settings, measurements: readonly Measurement[], notes: readonly string[], environment: Environment): SpeedResults {
  const summaries = summarise(measurements);
  const bares = measurements.filter((item) => item.variant === 'bare' && item.problems.length === 0);
  const bareRps = (role: string): number => median(bares.filter((item) => item.bareRole === role).map((item) => item.rps));
  const projects = settings.variants.filter((variant) => variant.startsWith('project'));
  const caption = `express-jwt-auth and its peers, ${settings.mode} run, ${environment.date}`;
  return {
    environment,
    settings,
    caption,
    summaries,
    measurements,
    targets: Object.fromEntries(projects.map((project) => [project, evaluateTargets(project, summaries, measurements)])),
    bare: {
      all: metricsMedian(bares),
      spread: spread(bares.map((item) => item.rps)),
      roundStart: bareRps('round-start'),
      afterProject: bareRps('after-project'),
      count: bares.length,
    },
    notes,
  };
}

/** `--report-only`: recomputes the report, the chart and bench/README.md's block from bench/results.json, without measuring. */
function reportOnly(): void {
  const stored = readStoredResults();
  if (stored.speed !== undefined) {
    const { settings, measurements, notes, environment } = stored.speed;
    const speed = speedResults(settings, measurements, notes, environment);
    writeFileSync(join(REPO_ROOT, 'bench', 'results.svg'), renderChart(speed.summaries, speed.caption));
    storeResults({ speed });
  }
  const block = renderBlock(readStoredResults());
  console.log(block);
  writeReadmeBlock(block);
}

async function main(): Promise<void> {
  if (args['report-only'] === true) return reportOnly();
  const started = Date.now();
  const loadAtStart = loadavg()[0];
  if (loadAtStart > availableParallelism() / 2) {
    console.log(`warning: the machine is busy (load average ${loadAtStart.toFixed(1)} on ${availableParallelism()} CPUs); results will be noisier than usual.`);
  }
  const write = args['no-write'] !== true;
  compileBench();
  const keysDir = mkdtempSync(join(tmpdir(), 'express-jwt-auth-bench-'));
  const nowSec = Math.floor(Date.now() / 1000);
  writeKeysAndTokens(keysDir, nowSec);
  const notes: string[] = [];
  const hasCache = cacheOptionExists(readFileSync(join(keysDir, KEY_FILES.secret), 'utf8'));
  if (!hasCache) notes.push('This build of the library has no `cacheSize` option yet: the project is measured once, as it is, instead of with the cache on and off.');
  for (const note of notes) console.log(`note: ${note}`);
  const settings = readSettings(hasCache);
  const pinning = choosePinning();
  const pinningText = pinning.server === undefined ? 'server and load generator not pinned (one CPU or no taskset)' : `server pinned to CPU ${pinning.server}, load generator to CPU ${pinning.load}`;
  const tokens = readTokenFile(keysDir);
  const load = await startLoadGenerator(pinning);
  try {
    if (args.memory === true) {
      const projects = settings.variants.filter((variant) => variant.startsWith('project'));
      const memory = await runMemory({
        keysDir, tokens, pinning, load, pinningText, loadAtStart, variants: ['bare', ...projects],
        requests: Math.round(number('requests', args.requests, 1_000_000)),
        connections: settings.connections,
        log: (line) => console.log(line),
      });
      const stored = write ? storeResults({ memory }) : { memory };
      console.log(`\n${renderBlock({ memory: stored.memory })}\n`);
      if (write) writeReadmeBlock(renderBlock(stored));
      return;
    }
    const plan = buildPlan(settings);
    const needsPools = settings.algorithms.filter((algorithm) => plan.some((block) => block.algorithm === algorithm && block.scenarios.includes('fresh')));
    console.log(`${settings.mode} run: ${plan.length} servers, ${plan.reduce((sum, block) => sum + block.scenarios.length, 0)} measurements, about ${(estimateSeconds(settings, plan) / 60).toFixed(1)} minutes of load (${pinningText}).`);
    if (args['dry-run'] === true) {
      for (const block of plan) console.log(`round ${block.round + 1} ${block.algorithm} ${block.variant}${block.bareRole === undefined ? '' : ` (${block.bareRole})`}: ${block.scenarios.join(', ')}`);
      return;
    }
    console.log(`signing ${poolSize(settings).toLocaleString('en-US')} fresh tokens for ${needsPools.join(', ') || 'no algorithm'}...`);
    await generatePools(keysDir, needsPools, poolSize(settings), nowSec);
    const measurements: Measurement[] = [];
    const total = plan.reduce((sum, block) => sum + block.scenarios.length, 0);
    await runPlan({
      settings, keysDir, tokens, pinning, load,
      firstFresh: Object.fromEntries(needsPools.map((algorithm) => [algorithm, firstPoolToken(keysDir, algorithm)])),
      onMeasurement: (item, index) => {
        measurements.push(item);
        const problems = item.problems.length > 0 ? `  ⚠ ${item.problems.join('; ')}` : '';
        console.log(`[${index}/${total}] round ${item.round + 1} ${item.algorithm} ${item.variant} ${item.scenario}: ${Math.round(item.rps)} req/s, p50 ${item.p50Ms} ms, p99 ${item.p99Ms} ms, RSS ${(item.rssBytes / 2 ** 20).toFixed(0)} MB${problems}`);
      },
      onNote: (note) => {
        console.log(`note: ${note}`);
        notes.push(note);
      },
    }, plan);
    const speed = speedResults(settings, measurements, notes, describeEnvironment(pinningText, loadAtStart));
    console.log(`\n${renderSpeed(speed).join('\n')}\n`);
    if (write) {
      const stored = storeResults({ speed });
      writeFileSync(join(REPO_ROOT, 'bench', 'results.svg'), renderChart(speed.summaries, speed.caption));
      writeReadmeBlock(renderBlock(stored));
    }
    const micro = args.micro ?? settings.mode === 'full';
    if (micro) await runMicro(pinning.server, write);
  } finally {
    await load.stop();
    rmSync(keysDir, { recursive: true, force: true });
    console.log(`done in ${((Date.now() - started) / 60_000).toFixed(1)} minutes.`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
