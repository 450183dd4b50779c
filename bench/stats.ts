import type { BenchAlgorithm, Scenario, VariantId } from './config';
import type { BareRole } from './plan';

/** One measurement: one scenario on one server in one round. */
export interface Measurement {
  readonly round: number;
  readonly variant: VariantId;
  readonly algorithm: BenchAlgorithm;
  readonly scenario: Scenario;
  readonly bareRole?: BareRole;
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** The server's resident set size at the end of the measurement, in bytes. */
  readonly rssBytes: number;
  /**
   * The server's CPU time (user and system) per request over the measurement, in microseconds:
   * steadier than requests/s on a shared machine, since time the server is not scheduled is not
   * counted. `NaN` where /proc cannot tell.
   */
  readonly cpuUsPerRequest: number;
  /** Why this measurement does not count (wrong statuses, errors, a pool that ran out); empty when it does. */
  readonly problems: readonly string[];
}

/** The five numbers reported per cell. */
export interface Metrics {
  readonly rps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly rssBytes: number;
  readonly cpuUsPerRequest: number;
}

const METRIC_NAMES = ['rps', 'p50Ms', 'p99Ms', 'rssBytes', 'cpuUsPerRequest'] as const;

export interface CellSummary {
  readonly variant: VariantId;
  readonly algorithm: BenchAlgorithm;
  readonly scenario: Scenario;
  /** Medians over the rounds. */
  readonly median: Metrics;
  /** Medians over the rounds of each round's ratio to that round's bare Express. */
  readonly ratio: Metrics;
  /** Half the range of requests/s over the rounds, as a fraction of the median (±). */
  readonly rpsSpread: number;
  readonly rounds: number;
  readonly problems: readonly string[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: readonly number[]): number {
  if (values.length < 2) return 0;
  return (Math.max(...values) - Math.min(...values)) / 2 / median(values);
}

/** The median of each metric separately. */
export function metricsMedian(items: readonly Metrics[]): Metrics {
  return {
    rps: median(items.map((item) => item.rps)),
    p50Ms: median(items.map((item) => item.p50Ms)),
    p99Ms: median(items.map((item) => item.p99Ms)),
    rssBytes: median(items.map((item) => item.rssBytes)),
    cpuUsPerRequest: median(items.map((item) => item.cpuUsPerRequest)),
  };
}

/** Each round's bare Express: the median of its bare measurements (round start and after each project block). */
export function bareByRound(measurements: readonly Measurement[]): Map<number, Metrics> {
  const rounds = new Map<number, Measurement[]>();
  for (const item of measurements) {
    if (item.variant !== 'bare' || item.problems.length > 0) continue;
    rounds.set(item.round, [...(rounds.get(item.round) ?? []), item]);
  }
  return new Map([...rounds].map(([round, items]) => [round, metricsMedian(items)]));
}

export function cellKey(variant: VariantId, scenario: Scenario, algorithm: BenchAlgorithm): string {
  return `${variant}|${scenario}|${algorithm}`;
}

/** Summarises every cell (bare Express as one cell per role-independent scenario and algorithm). */
export function summarise(measurements: readonly Measurement[]): CellSummary[] {
  const bare = bareByRound(measurements);
  const cells = new Map<string, Measurement[]>();
  for (const item of measurements) {
    const key = cellKey(item.variant, item.scenario, item.algorithm);
    cells.set(key, [...(cells.get(key) ?? []), item]);
  }
  return [...cells.values()].map((items) => {
    const good = items.filter((item) => item.problems.length === 0);
    const ratios = good.flatMap((item) => {
      const reference = bare.get(item.round);
      if (reference === undefined) return [];
      return [Object.fromEntries(METRIC_NAMES.map((name) => [name, item[name] / reference[name]])) as unknown as Metrics];
    });
    const { variant, algorithm, scenario } = items[0];
    return {
      variant, algorithm, scenario,
      median: metricsMedian(good),
      ratio: metricsMedian(ratios),
      rpsSpread: spread(good.map((item) => item.rps)),
      rounds: good.length,
      problems: [...new Set(items.flatMap((item) => item.problems))],
    };
  });
}

/**
 * The median over rounds of `a`'s speed divided by `b`'s in the same round (`b` may be the best of
 * several). Speed is requests/s, or with `metric: 'cpu'` the inverse of the server's CPU time per
 * request, so both read the same way: above 1 means `a` is faster.
 */
export function pairedRatio(
  measurements: readonly Measurement[],
  a: (item: Measurement) => boolean,
  b: (item: Measurement) => boolean,
  metric: 'rps' | 'cpu' = 'rps',
): number {
  const speed = (item: Measurement): number => (metric === 'rps' ? item.rps : 1 / item.cpuUsPerRequest);
  const ratios: number[] = [];
  const rounds = new Set(measurements.map((item) => item.round));
  for (const round of rounds) {
    const inRound = measurements.filter((item) => item.round === round && item.problems.length === 0);
    const mine = inRound.filter(a).map(speed).filter(Number.isFinite);
    const theirs = inRound.filter(b).map(speed).filter(Number.isFinite);
    if (mine.length > 0 && theirs.length > 0) ratios.push(Math.max(...mine) / Math.max(...theirs));
  }
  return median(ratios);
}
