import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BENCH_ALGORITHMS, type BenchAlgorithm, KEY_FILES } from './config';
import { describeEnvironment, environmentLine } from './environment';
import { type InProcessCell, inProcessTasks, renderCallgrind, renderTimes } from './in-process-report';
import type { InProcessResult, InProcessTask } from './in-process-worker';
import { compileBench, compiledScript, REPO_ROOT } from './paths';
import { writeReadmeBlock } from './readme';
import { poolTokens, readSigningKey, writeKeysAndTokens } from './tokens';

/**
 * `npm run bench:in-process [-- --callgrind]`: the per-request cost of each variant without
 * sockets (see in-process-driver.ts), in µs of CPU per request over interleaved rounds, or with
 * `--callgrind` in instructions per request counted by valgrind's callgrind (deterministic,
 * whatever else the machine runs). Each variant and algorithm runs in a process of its own,
 * compiled, with `NODE_ENV=production`. `--write` puts the table into bench/README.md.
 */

const { values: args } = parseArgs({
  options: {
    callgrind: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    count: { type: 'string' },
    algorithms: { type: 'string' },
    parallel: { type: 'string' },
  },
});

const CALLGRIND = args.callgrind === true;
const ROUNDS = CALLGRIND ? 1 : Number(args.rounds ?? 3);
// Under callgrind everything runs about 50 times slower: fewer requests, still past the JIT's warm-up.
const WARMUP = Number(args.warmup ?? (CALLGRIND ? 2000 : 5000));
const COUNT = Number(args.count ?? (CALLGRIND ? 1000 : 5000));
const PARALLEL = Number(args.parallel ?? (CALLGRIND ? 2 : 1));
const ALGORITHMS = (args.algorithms?.split(',') ?? BENCH_ALGORITHMS) as readonly BenchAlgorithm[];
for (const algorithm of ALGORITHMS) {
  if (!(BENCH_ALGORITHMS as readonly string[]).includes(algorithm)) throw new TypeError(`--algorithms: "${algorithm}" is not one of ${BENCH_ALGORITHMS.join(', ')}`);
}

function runWorker(task: InProcessTask, callgrindFile?: string): Promise<InProcessResult[]> {
  const node = [process.execPath, ...(callgrindFile === undefined ? [] : ['--single-threaded']), compiledScript('in-process-worker.ts'), JSON.stringify(task)];
  const [file, argv] = callgrindFile === undefined ? [node[0], node.slice(1)]
    : ['valgrind', ['--tool=callgrind', `--callgrind-out-file=${callgrindFile}`, '--zero-before=uv_os_getpriority', '--dump-before=uv_get_free_memory', ...node]];
  const child = spawn(file, argv, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production' } });
  let output = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${task.variant} ${task.algorithm} exited with ${code}:\n${errors.slice(-2000)}`));
      resolve([...output.matchAll(/^result (.*)$/gm)].map((match) => JSON.parse(match[1]) as InProcessResult));
    });
  });
}

/** The instructions of each dump callgrind wrote (`<file>.1`, `.2`, ...): one per measured scenario. */
function dumpedInstructions(file: string, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => {
    const dump = `${file}.${index + 1}`;
    const summary = existsSync(dump) ? /^summary: (\d+)$/m.exec(readFileSync(dump, 'utf8'))?.[1] : undefined;
    if (summary === undefined) throw new Error(`callgrind wrote no dump ${dump}`);
    return Number(summary);
  });
}

async function inPool<T>(items: readonly T[], parallel: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, lane));
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0];
  compileBench();
  const keysDir = mkdtempSync(join(tmpdir(), 'express-jwt-auth-in-process-'));
  try {
    const nowSec = Math.floor(Date.now() / 1000);
    writeKeysAndTokens(keysDir, nowSec);
    for (const algorithm of ALGORITHMS) {
      writeFileSync(join(keysDir, KEY_FILES.pool(algorithm)), poolTokens(readSigningKey(keysDir, algorithm), 0, WARMUP + COUNT, nowSec));
    }
    const tasks = inProcessTasks(ALGORITHMS, keysDir, WARMUP, COUNT, CALLGRIND);
    const cells: InProcessCell[] = [];
    if (CALLGRIND) {
      await inPool(tasks, PARALLEL, async (task) => {
        const file = join(keysDir, `callgrind.${task.variant}.${task.algorithm}`);
        const results = await runWorker(task, file);
        const instructions = dumpedInstructions(file, results.length);
        results.forEach((result, index) => cells.push({ task, result, round: 0, instructions: instructions[index] / result.requests }));
        console.log(`${task.variant} ${task.algorithm}: ${results.map((result, index) => `${result.scenario} ${Math.round(instructions[index] / result.requests).toLocaleString('en-US')} instructions/request`).join(', ')}`);
      });
    } else {
      for (let round = 0; round < ROUNDS; round += 1) {
        // Rotated, so that no variant always runs first (or last) in a round.
        const order = tasks.map((_, index) => tasks[(index + round * 3) % tasks.length]);
        for (const task of order) {
          for (const result of await runWorker(task)) cells.push({ task, result, round });
        }
        console.log(`round ${round + 1} of ${ROUNDS} done`);
      }
    }
    const wrong = cells.filter((cell) => cell.result.wrongStatuses > 0);
    for (const cell of wrong) console.log(`warning: ${cell.task.variant} ${cell.task.algorithm} ${cell.result.scenario}: ${cell.result.wrongStatuses} responses with another status`);
    const environment = environmentLine(describeEnvironment(CALLGRIND ? `valgrind --tool=callgrind, node --single-threaded` : 'one process per variant and algorithm, not pinned', loadAtStart));
    const block = CALLGRIND
      ? renderCallgrind(cells, environment, WARMUP, COUNT)
      : renderTimes(cells, environment, ROUNDS, WARMUP, COUNT);
    console.log(`\n${block}`);
    if (args.write === true) writeReadmeBlock(block, undefined, CALLGRIND ? 'callgrind' : 'in-process');
  } finally {
    rmSync(keysDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
