import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from './environment';
import type { Settings } from './plan';
import type { CellSummary, Measurement, Metrics } from './stats';
import type { TargetResult } from './targets';
import type { VariantId } from './config';
import { REPO_ROOT } from './paths';

/**
 * `bench/results.json`: the latest result of each mode (speed, memory, micro), so that a run of
 * one mode redraws bench/README.md's block with the others' latest results kept.
 */

export interface SpeedResults {
  readonly environment: Environment;
  readonly settings: Settings;
  readonly caption: string;
  readonly summaries: readonly CellSummary[];
  readonly measurements: readonly Measurement[];
  /** Targets per project variant. */
  readonly targets: Readonly<Partial<Record<VariantId, readonly TargetResult[]>>>;
  /** Bare Express by role over all rounds: medians and spreads of requests/s. */
  readonly bare: { readonly all: Metrics; readonly spread: number; readonly roundStart: number; readonly afterProject: number; readonly count: number };
  readonly notes: readonly string[];
}

export interface MemoryRow {
  readonly variant: VariantId;
  readonly requests: number;
  readonly distinct: number;
  readonly rps: number;
  readonly rssBeforeBytes: number;
  /** RSS sampled halfway through the traffic. */
  readonly rssHalfwayBytes: number;
  /** RSS right after the traffic: what the limit applies to. */
  readonly rssAfterBytes: number;
  /** The highest RSS of the server's life (`VmHWM`). */
  readonly rssPeakBytes: number;
  /** RSS and heap in use after a full garbage collection, after the traffic: what is really retained. */
  readonly rssAfterGcBytes: number;
  readonly heapUsedAfterGcBytes: number;
  readonly problems: readonly string[];
}

export interface MemoryResults {
  readonly environment: Environment;
  readonly rows: readonly MemoryRow[];
  /** Most RSS the project may hold above bare Express after the traffic, in bytes. */
  readonly limitBytes: number;
}

export interface MicroRow {
  readonly algorithm: string;
  readonly implementation: string;
  /** Median nanoseconds per verification; `undefined` where the implementation lacks the algorithm. */
  readonly nsPerOp?: number;
  readonly spread?: number;
}

export interface MicroResults {
  readonly environment: Environment;
  readonly rows: readonly MicroRow[];
  readonly note: string;
}

export interface StoredResults {
  readonly speed?: SpeedResults;
  readonly memory?: MemoryResults;
  readonly micro?: MicroResults;
}

const FILE = join(REPO_ROOT, 'bench', 'results.json');

export function readStoredResults(): StoredResults {
  return existsSync(FILE) ? JSON.parse(readFileSync(FILE, 'utf8')) as StoredResults : {};
}

/** Stores one mode's results beside the latest of the others and returns them all. */
export function storeResults(update: StoredResults): StoredResults {
  const merged = { ...readStoredResults(), ...update };
  writeFileSync(FILE, `${JSON.stringify(merged, (_key, value: unknown) => (typeof value === 'number' && !Number.isInteger(value) ? Number(value.toPrecision(6)) : value), 1)}\n`);
  return merged;
}
