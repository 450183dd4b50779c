import { join } from 'node:path';
import {
  type BenchAlgorithm, EXPECTED_STATUS, isBaseline, KEY_FILES, OPEN_PATH, PROTECTED_PATH, type Scenario, type TokenFile, type VariantId,
} from './config';
import type { TokenSource } from './load-protocol';
import type { ServerBlock, Settings } from './plan';
import { cpuMicros, type LoadGenerator, type Pinning, residentBytes, ServerConfigurationError, startServer } from './processes';
import { smokeCheck } from './smoke';
import type { Measurement } from './stats';
import { VARIANTS } from './variants';

/** Runs the blocks of a plan: per block one server, its smoke check, a warm-up, then each scenario. */

export interface RunContext {
  readonly settings: Settings;
  readonly keysDir: string;
  readonly tokens: TokenFile;
  readonly pinning: Pinning;
  readonly load: LoadGenerator;
  /** The first token of each pool, for the smoke check. */
  readonly firstFresh: Readonly<Partial<Record<BenchAlgorithm, string>>>;
  /** Called with each finished measurement. */
  readonly onMeasurement: (measurement: Measurement, index: number) => void;
  /** Called with what should appear under the results (refused configurations, known differences). */
  readonly onNote: (note: string) => void;
}

function tokenSource(context: RunContext, scenario: Scenario, algorithm: BenchAlgorithm): TokenSource {
  const tokens = context.tokens[algorithm];
  switch (scenario) {
    case 'repeated': return { kind: 'fixed', token: tokens.valid };
    case 'fresh': return { kind: 'pool', file: join(context.keysDir, KEY_FILES.pool(algorithm)) };
    case 'bad-signature': return { kind: 'fixed', token: tokens.badSignature };
    case 'expired': return { kind: 'fixed', token: tokens.expired };
    case 'open': return { kind: 'none' };
  }
}

function problemsOf(variant: VariantId, scenario: Scenario, result: Awaited<ReturnType<LoadGenerator['run']>>): string[] {
  const expected = isBaseline(variant) ? 200 : EXPECTED_STATUS[scenario];
  const problems = Object.entries(result.statuses)
    .filter(([status, count]) => Number(status) !== expected && count > 0)
    .map(([status, count]) => `${count} responses with status ${status} (expected ${expected})`);
  if (result.total === 0) problems.push('no responses');
  if (result.errors > 0) problems.push(`${result.errors} connection errors`);
  if (result.poolWrapped) problems.push('the fresh-token pool ran out, tokens were repeated');
  return problems;
}

/** Variants that refused their configuration or failed their smoke check, by `variant|algorithm`. */
const excluded = new Set<string>();
const notedDifferences = new Set<string>();

async function runBlock(context: RunContext, block: ServerBlock, counter: { index: number }): Promise<void> {
  const { settings, load } = context;
  const { variant, algorithm, round, bareRole } = block;
  const key = `${variant}|${algorithm}`;
  if (excluded.has(key)) return;
  let server;
  try {
    server = await startServer(variant, algorithm, context.keysDir, context.pinning);
  } catch (err) {
    if (!(err instanceof ServerConfigurationError)) throw err;
    excluded.add(key);
    context.onNote(`${VARIANTS[variant].label} (${algorithm}) refused its configuration and was not measured: ${err.message}`);
    return;
  }
  try {
    const info = VARIANTS[variant];
    const smoke = await smokeCheck(server.port, variant, context.tokens[algorithm], context.firstFresh[algorithm] ?? context.tokens[algorithm].valid, info.knownDifferences);
    for (const note of smoke.notes) {
      if (notedDifferences.has(`${variant}|${note}`)) continue;
      notedDifferences.add(`${variant}|${note}`);
      context.onNote(`${info.label}: ${note}.`);
    }
    if (smoke.failures.length > 0) {
      excluded.add(key);
      context.onNote(`${info.label} (${algorithm}) failed the smoke check and was not measured: ${smoke.failures.join('; ')}`);
      return;
    }
    load.reset();
    const url = `http://127.0.0.1:${server.port}`;
    if (settings.serverWarmupSec > 0) {
      await load.run({ url: `${url}${PROTECTED_PATH}`, connections: settings.connections, warmupSec: 0, durationSec: settings.serverWarmupSec, tokens: tokenSource(context, 'repeated', algorithm) });
    }
    for (const scenario of block.scenarios) {
      const request = {
        url: `${url}${scenario === 'open' ? OPEN_PATH : PROTECTED_PATH}`,
        connections: settings.connections,
        warmupSec: 0,
        tokens: tokenSource(context, scenario, algorithm),
      };
      // The warm-up apart, so that the server's CPU time is read around the measurement alone.
      if (settings.warmupSec > 0) await load.run({ ...request, durationSec: settings.warmupSec });
      const cpuBefore = cpuMicros(server.pid);
      const result = await load.run({ ...request, durationSec: settings.durationSec });
      const cpuAfter = cpuMicros(server.pid);
      const measurement: Measurement = {
        round, variant, algorithm, scenario,
        ...(bareRole === undefined ? {} : { bareRole }),
        rps: result.rps,
        p50Ms: result.p50Ms,
        p99Ms: result.p99Ms,
        rssBytes: residentBytes(server.pid) ?? Number.NaN,
        cpuUsPerRequest: cpuBefore === undefined || cpuAfter === undefined || result.total === 0 ? Number.NaN : (cpuAfter - cpuBefore) / result.total,
        problems: problemsOf(variant, scenario, result),
      };
      counter.index += 1;
      context.onMeasurement(measurement, counter.index);
    }
  } finally {
    await server.stop();
  }
}

export async function runPlan(context: RunContext, plan: readonly ServerBlock[]): Promise<void> {
  const counter = { index: 0 };
  for (const block of plan) await runBlock(context, block, counter);
}
