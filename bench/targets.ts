import { BENCH_ALGORITHMS, type BenchAlgorithm, PEER_IDS, type Scenario, type VariantId } from './config';
import { VARIANTS } from './variants';
import { type CellSummary, type Measurement, pairedRatio } from './stats';

/**
 * The performance issue's targets, each a ratio measured within one run: against bare Express (the
 * median of each round's ratio), against a floor of the project's design, or against a peer (the
 * median over rounds of the project's speed over the other's in the same round; "best peer" is the
 * fastest of the peers in that round). Requests/s decide; the server's CPU time per request breaks
 * ties: a ratio of requests/s within {@link TIE_BAND} below the threshold passes when the same
 * ratio taken by CPU time per request reaches it.
 */

export const TIE_BAND = 0.05;

export interface TargetResult {
  readonly name: string;
  /** The measured ratio of requests/s; `NaN` when its cells were not measured. */
  readonly measured: number;
  /** The same ratio taken by the server's CPU time per request (theirs over mine). */
  readonly cpu: number;
  readonly threshold: number;
  /** `>=` or `>` (ahead of). */
  readonly comparison: '>=' | '>';
  readonly pass: boolean | undefined;
  /** Whether CPU time decided (requests/s missed by less than the tie band). */
  readonly byCpu: boolean;
}

interface TargetDefinition {
  readonly scenario: Scenario;
  readonly algorithm: BenchAlgorithm;
  /** `'bare'`, a floor, a peer, or the best of the peers. */
  readonly against: 'bare' | 'best-peer' | VariantId;
  readonly threshold: number;
  readonly comparison: '>=' | '>';
}

const SCENARIO_NAMES: Readonly<Record<Scenario, string>> = {
  repeated: 'repeated token',
  fresh: 'fresh token',
  'bad-signature': 'bad signature',
  expired: 'expired token',
  open: 'no token, open route',
};

export function scenarioName(scenario: Scenario): string {
  return SCENARIO_NAMES[scenario];
}

function definitions(): TargetDefinition[] {
  const list: TargetDefinition[] = [];
  const at = (scenario: Scenario, algorithm: BenchAlgorithm, against: TargetDefinition['against'], threshold: number, comparison: '>=' | '>' = '>='): void => {
    list.push({ scenario, algorithm, against, threshold, comparison });
  };
  for (const algorithm of BENCH_ALGORITHMS) {
    at('repeated', algorithm, 'floor-noop', 0.95);
    at('repeated', algorithm, 'floor-props', 1);
  }
  at('open', 'HS256', 'floor-noop', 0.97);
  at('fresh', 'HS256', 'bare', 0.75);
  at('fresh', 'HS256', 'oauth2-bearer', 1.2);
  for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) at('fresh', algorithm, 'oauth2-bearer', 1.05);
  for (const scenario of ['bad-signature', 'expired'] as const) {
    for (const algorithm of BENCH_ALGORITHMS) {
      at(scenario, algorithm, 'bare', 0.65);
      at(scenario, algorithm, 'best-peer', 1.3);
    }
  }
  return list;
}

function label(definition: TargetDefinition): string {
  const { against } = definition;
  const other = against === 'bare' || against === 'best-peer' ? (against === 'bare' ? 'bare Express' : 'the best peer') : VARIANTS[against].label;
  const algorithm = definition.scenario === 'open' ? '' : ` ${definition.algorithm}`;
  const relation = definition.comparison === '>' ? 'ahead of' : `≥ ${definition.threshold} ×`;
  return `${SCENARIO_NAMES[definition.scenario]}${algorithm}: ${relation} ${other}`;
}

function passes(ratio: number, { threshold, comparison }: TargetDefinition): boolean {
  return comparison === '>' ? ratio > threshold : ratio >= threshold;
}

/** Evaluates every target for one project variant; targets whose algorithm was not measured at all are left out. */
export function evaluateTargets(project: VariantId, summaries: readonly CellSummary[], measurements: readonly Measurement[]): TargetResult[] {
  const measuredAlgorithms = new Set(summaries.map((summary) => summary.algorithm));
  return definitions().filter((definition) => measuredAlgorithms.has(definition.algorithm)).map((definition) => {
    const { scenario, algorithm, against, threshold, comparison } = definition;
    const sameCell = (item: Measurement): boolean => item.scenario === scenario && item.algorithm === algorithm;
    let measured: number;
    let cpu: number;
    if (against === 'bare') {
      const ratio = summaries.find((summary) => summary.variant === project && summary.scenario === scenario && summary.algorithm === algorithm)?.ratio;
      measured = ratio?.rps ?? Number.NaN;
      cpu = ratio === undefined ? Number.NaN : 1 / ratio.cpuUsPerRequest;
    } else {
      const others: readonly VariantId[] = against === 'best-peer' ? PEER_IDS : [against];
      const mine = (item: Measurement): boolean => item.variant === project && sameCell(item);
      const theirs = (item: Measurement): boolean => others.includes(item.variant) && sameCell(item);
      measured = pairedRatio(measurements, mine, theirs);
      cpu = pairedRatio(measurements, mine, theirs, 'cpu');
    }
    const byCpu = !passes(measured, definition) && measured >= threshold * (1 - TIE_BAND);
    const pass = Number.isNaN(measured) ? undefined : passes(byCpu ? cpu : measured, definition);
    return { name: label(definition), measured, cpu, threshold, comparison, pass, byCpu };
  });
}
