import { join } from 'node:path';
import { KEY_FILES, PROTECTED_PATH, type TokenFile, type VariantId } from './config';
import { describeEnvironment } from './environment';
import { type LoadGenerator, type Pinning, residentBytes, startServer } from './processes';
import type { MemoryResults, MemoryRow } from './results-store';
import { smokeCheck } from './smoke';

/**
 * `--memory`: sends `requests` requests, each with a distinct valid HS256 token signed on the fly
 * by the load generator, to bare Express and to the project, and compares server RSS after. The
 * project's verified-token cache is bounded, so it must stay within `limitBytes` of bare Express.
 */

export interface MemoryOptions {
  readonly keysDir: string;
  readonly tokens: TokenFile;
  readonly pinning: Pinning;
  readonly load: LoadGenerator;
  readonly variants: readonly VariantId[];
  readonly requests: number;
  readonly connections: number;
  readonly pinningText: string;
  readonly loadAtStart: number;
  readonly log: (line: string) => void;
}

export const MEMORY_LIMIT_BYTES = 40 * 1024 * 1024;

async function measureVariant(options: MemoryOptions, variant: VariantId): Promise<MemoryRow> {
  const server = await startServer(variant, 'HS256', options.keysDir, options.pinning, true);
  try {
    const smoke = await smokeCheck(server.port, variant, options.tokens.HS256, options.tokens.HS256.valid);
    if (smoke.failures.length > 0) throw new Error(`${variant} failed its smoke check: ${smoke.failures.join('; ')}`);
    const rssBeforeBytes = residentBytes(server.pid) ?? Number.NaN;
    // RSS every second, to show where it stands halfway: a bounded cache has stopped growing by then.
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(residentBytes(server.pid) ?? Number.NaN), 1000);
    const running = options.load.run({
      url: `http://127.0.0.1:${server.port}${PROTECTED_PATH}`,
      connections: options.connections,
      warmupSec: 0,
      durationSec: 0,
      amount: options.requests,
      tokens: { kind: 'generate-hs256', secretFile: join(options.keysDir, KEY_FILES.secret) },
    });
    const result = await running.finally(() => clearInterval(sampler));
    const rssAfterBytes = residentBytes(server.pid) ?? Number.NaN;
    const afterGc = await (await fetch(`http://127.0.0.1:${server.port}/__gc`)).json() as { rss: number; heapUsed: number };
    const wrong = Object.entries(result.statuses).filter(([status]) => status !== '200').map(([status, count]) => `${count} responses with status ${status}`);
    return {
      variant,
      requests: result.total,
      distinct: result.total,
      rps: result.rps,
      rssBeforeBytes,
      rssHalfwayBytes: samples[samples.length >> 1] ?? Number.NaN,
      rssAfterBytes,
      rssPeakBytes: residentBytes(server.pid, 'VmHWM') ?? Number.NaN,
      rssAfterGcBytes: afterGc.rss,
      heapUsedAfterGcBytes: afterGc.heapUsed,
      problems: [...wrong, ...(result.errors > 0 ? [`${result.errors} errors`] : [])],
    };
  } finally {
    await server.stop();
  }
}

export async function runMemory(options: MemoryOptions): Promise<MemoryResults> {
  const rows: MemoryRow[] = [];
  for (const variant of options.variants) {
    options.log(`memory: ${variant}, ${options.requests.toLocaleString('en-US')} distinct tokens...`);
    const row = await measureVariant(options, variant);
    options.log(`memory: ${variant}: ${Math.round(row.rps)} req/s, RSS ${(row.rssBeforeBytes / 2 ** 20).toFixed(0)} MB before, ${(row.rssAfterBytes / 2 ** 20).toFixed(0)} MB after`);
    rows.push(row);
  }
  return { environment: describeEnvironment(options.pinningText, options.loadAtStart), rows, limitBytes: MEMORY_LIMIT_BYTES };
}
