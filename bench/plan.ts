import { BENCH_ALGORITHMS, type BenchAlgorithm, FLOOR_IDS, PEER_IDS, type Scenario, type VariantId } from './config';
import { VARIANTS } from './variants';

/**
 * Which servers run, in which order, and what each is measured with. A round starts with bare
 * Express; then, per algorithm, the peers and the project in an order rotated every round (so
 * drift on a shared machine hits each alike), with bare Express measured again right after the
 * project. One server process per (variant, algorithm, round): a fresh cache and a fresh heap.
 */

export interface Settings {
  readonly mode: 'quick' | 'full';
  readonly repeats: number;
  /** Seconds measured per scenario. */
  readonly durationSec: number;
  /** Seconds of load before each measurement, not counted. */
  readonly warmupSec: number;
  /** Extra seconds of load when a server has just started, not counted. */
  readonly serverWarmupSec: number;
  readonly connections: number;
  readonly algorithms: readonly BenchAlgorithm[];
  readonly scenarios: readonly Scenario[];
  /** The variants besides bare Express. */
  readonly variants: readonly VariantId[];
  /** In quick mode, the cells the targets need: variant → scenarios (HS256 only). */
  readonly cells?: Readonly<Partial<Record<VariantId, readonly Scenario[]>>>;
}

/** Where a bare Express measurement stands in its round. */
export type BareRole = 'round-start' | 'after-project';

export interface ServerBlock {
  readonly round: number;
  readonly variant: VariantId;
  readonly algorithm: BenchAlgorithm;
  readonly scenarios: readonly Scenario[];
  readonly bareRole?: BareRole;
}

/** The quick mode's cells: every target's inputs, nothing else (the floors run their own two scenarios). */
export const QUICK_CELLS: Readonly<Partial<Record<VariantId, readonly Scenario[]>>> = {
  'express-jwt': ['bad-signature', 'expired'],
  'passport-jwt': ['bad-signature', 'expired'],
  'oauth2-bearer': ['fresh', 'bad-signature', 'expired'],
  'project-cache-on': ['repeated', 'fresh', 'bad-signature', 'expired', 'open'],
  // A build of the library before the `cacheSize` option is measured as it is, under this name.
  project: ['repeated', 'fresh', 'bad-signature', 'expired', 'open'],
};

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const shift = by % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

/**
 * The order in which one server measures its scenarios. Fresh tokens come last: they fill the
 * cache and grow the heap, so a scenario measured after them would pay a garbage collector that
 * the floors and bare Express, which never see them, do not; the repeated token and the open
 * route, compared with the floors, come first, as they do on the floors' servers.
 */
const MEASUREMENT_ORDER: readonly Scenario[] = ['repeated', 'open', 'bad-signature', 'expired', 'fresh'];

function scenariosOf(settings: Settings, variant: VariantId, algorithm: BenchAlgorithm, firstAlgorithm: BenchAlgorithm): Scenario[] {
  // A floor ignores tokens: the repeated token measures it, as it measures bare Express, and the
  // open route without a token gives the open route's target its floor.
  const wanted = FLOOR_IDS.includes(variant) ? ['repeated', 'open'] : settings.cells === undefined ? settings.scenarios : (settings.cells[variant] ?? []);
  // No token on the open route does not depend on the algorithm: measured once, with the first.
  return MEASUREMENT_ORDER.filter((scenario) => wanted.includes(scenario) && settings.scenarios.includes(scenario)
    && (scenario !== 'open' || algorithm === firstAlgorithm));
}

export function buildPlan(settings: Settings): ServerBlock[] {
  const blocks: ServerBlock[] = [];
  const firstAlgorithm = BENCH_ALGORITHMS.find((algorithm) => settings.algorithms.includes(algorithm)) ?? 'HS256';
  const peers = settings.variants.filter((variant) => PEER_IDS.includes(variant));
  const projects = settings.variants.filter((variant) => !PEER_IDS.includes(variant) && variant !== 'bare');
  for (let round = 0; round < settings.repeats; round += 1) {
    blocks.push({ round, variant: 'bare', algorithm: firstAlgorithm, scenarios: ['repeated'], bareRole: 'round-start' });
    for (const algorithm of rotate(settings.algorithms, round)) {
      const projectBlock: ServerBlock[] = rotate(projects, round).map((variant) => (
        { round, variant, algorithm, scenarios: scenariosOf(settings, variant, algorithm, firstAlgorithm) }));
      projectBlock.push({ round, variant: 'bare', algorithm, scenarios: ['repeated'], bareRole: 'after-project' });
      const groups: ServerBlock[][] = peers.map((variant) => [{ round, variant, algorithm, scenarios: scenariosOf(settings, variant, algorithm, firstAlgorithm) }]);
      groups.push(projectBlock);
      for (const group of rotate(groups, round)) {
        blocks.push(...group.filter((block) => block.scenarios.length > 0 && VARIANTS[block.variant].supports(algorithm)));
      }
    }
  }
  return blocks;
}

/** Seconds a plan should take: load time, plus about 0.8 s per server for start, smoke check and stop. */
export function estimateSeconds(settings: Settings, plan: readonly ServerBlock[]): number {
  return plan.reduce((total, block) => total + 0.8 + settings.serverWarmupSec
    + block.scenarios.length * (settings.warmupSec + settings.durationSec + 0.1), 0);
}

/**
 * The number of fresh tokens one server can consume: the `fresh` scenario's warm-up and
 * measurement at up to 16,000 requests/s (bare Express does about 12,000 here). The server's
 * own warm-up sends the repeated token.
 */
export function poolSize(settings: Settings): number {
  return Math.ceil((settings.warmupSec + settings.durationSec) * 16_000 * 1.1);
}
