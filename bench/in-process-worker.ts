import { readFileSync } from 'node:fs';
import { freemem, getPriority } from 'node:os';
import { join } from 'node:path';
import { type BenchAlgorithm, EXPECTED_STATUS, isBaseline, KEY_FILES, OPEN_PATH, PROTECTED_PATH, type VariantId } from './config';
import { createDriver, type RequestListener, type SendRequest } from './in-process-driver';
import { readTokenFile, readVerificationKey } from './tokens';
import { buildApp, loadParts, variantConfig } from './variants';

/**
 * One variant and algorithm of `bench/in-process.ts`, in a process of its own (as each server of
 * the load benchmark is: one app, so Express's code sees one request prototype):
 * `in-process-worker.js '<InProcessTask as JSON>'`. It sends `warmup` requests of every scenario,
 * then `count` more of each, and prints one line `result <InProcessResult as JSON>` per scenario.
 *
 * Under callgrind (`task.callgrind`), the measured requests are bracketed by `os.getPriority()`
 * and `os.freemem()`, which call `uv_os_getpriority` and `uv_get_free_memory` and nothing else
 * here: callgrind is started with `--zero-before` and `--dump-before` on them, so each dump
 * counts the instructions of one scenario's measured requests and nothing around them.
 */

/** The scenarios measured in process: the request shapes the targets name. */
export const IN_PROCESS_SCENARIOS = ['open', 'repeated', 'fresh'] as const;
export type InProcessScenario = (typeof IN_PROCESS_SCENARIOS)[number];

export interface InProcessTask {
  readonly variant: VariantId;
  readonly algorithm: BenchAlgorithm;
  readonly keysDir: string;
  readonly scenarios: readonly InProcessScenario[];
  readonly warmup: number;
  readonly count: number;
  readonly callgrind: boolean;
}

export interface InProcessResult {
  readonly scenario: InProcessScenario;
  readonly requests: number;
  /** CPU time of the process (user and system, all threads) per measured request, in microseconds. */
  readonly cpuUs: number;
  /** Wall-clock time per measured request, in microseconds. */
  readonly wallUs: number;
  /** Responses whose status was not the scenario's, warm-up included. */
  readonly wrongStatuses: number;
}

type Authorization = (index: number) => string | undefined;

function authorizationOf(task: InProcessTask, scenario: InProcessScenario): Authorization {
  if (scenario === 'open') return () => undefined;
  if (scenario === 'repeated') {
    const header = `Bearer ${readTokenFile(task.keysDir)[task.algorithm].valid}`;
    return () => header;
  }
  const pool = readFileSync(join(task.keysDir, KEY_FILES.pool(task.algorithm)), 'utf8').split('\n').map((token) => `Bearer ${token}`);
  if (pool.length < task.warmup + task.count) throw new Error(`the ${task.algorithm} pool has ${pool.length} tokens, ${task.warmup + task.count} needed`);
  return (index) => pool[index];
}

interface Prepared {
  readonly scenario: InProcessScenario;
  readonly path: string;
  readonly authorization: Authorization;
  readonly expected: number;
  wrongStatuses: number;
}

function prepare(task: InProcessTask, scenario: InProcessScenario): Prepared {
  // Bare Express and the floors answer 200 to everything.
  const expected = isBaseline(task.variant) ? 200 : EXPECTED_STATUS[scenario];
  return { scenario, path: scenario === 'open' ? OPEN_PATH : PROTECTED_PATH, authorization: authorizationOf(task, scenario), expected, wrongStatuses: 0 };
}

async function warmUp(task: InProcessTask, send: SendRequest, prepared: Prepared): Promise<void> {
  const { path, authorization, expected } = prepared;
  for (let index = 0; index < task.warmup; index += 1) {
    if (await send(path, authorization(index)) !== expected) prepared.wrongStatuses += 1;
  }
}

async function measure(task: InProcessTask, send: SendRequest, prepared: Prepared): Promise<InProcessResult> {
  const { scenario, path, authorization, expected } = prepared;
  let wrongStatuses = prepared.wrongStatuses;
  if (task.callgrind) getPriority();
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  for (let index = task.warmup; index < task.warmup + task.count; index += 1) {
    if (await send(path, authorization(index)) !== expected) wrongStatuses += 1;
  }
  const wallNs = Number(process.hrtime.bigint() - wallBefore);
  const cpu = process.cpuUsage(cpuBefore);
  if (task.callgrind) freemem();
  return { scenario, requests: task.count, cpuUs: (cpu.user + cpu.system) / task.count, wallUs: wallNs / 1000 / task.count, wrongStatuses };
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2]) as InProcessTask;
  const parts = loadParts(task.variant)(variantConfig(task.variant, task.algorithm, readVerificationKey(task.keysDir, task.algorithm)));
  const send = createDriver(buildApp(parts) as unknown as RequestListener);
  const prepared = task.scenarios.map((scenario) => prepare(task, scenario));
  // Every scenario is warmed up before any is measured: the first measured is not left paying
  // for compiling the code paths of the others.
  for (const one of prepared) await warmUp(task, send, one);
  for (const one of prepared) console.log(`result ${JSON.stringify(await measure(task, send, one))}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
