import { BENCH_ALGORITHMS, type BenchAlgorithm, PEER_IDS, type Scenario, type VariantId } from './config';
import { type CellSummary, type Measurement, pairedRatio } from './stats';

/**
 * The targets, each a ratio measured within one run: against bare Express (the median of
 * each round's ratio) or against a peer (the median over rounds of the project's requests/s over
 * the peer's in the same round; "best peer" is the fastest of them in that round).
 */

export interface TargetResult {
  readonly name: string;
  /** The measured ratio; `NaN` when its cells were not measured. */
  readonly measured: number;
  readonly threshold: number;
  /** `>=` or `>` (ahead of). */
  readonly comparison: '>=' | '>';
  readonly pass: boolean | undefined;
}

interface TargetDefinition {
  readonly scenario: Scenario;
  readonly algorithm: BenchAlgorithm;
  /** `'bare'`, a peer, or the best of the peers. */
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
  for (const algorithm of ['HS256', 'RS256', 'ES256'] as const) at('repeated', algorithm, 'bare', 0.95);
  at('fresh', 'HS256', 'bare', 0.75);
  at('fresh', 'HS256', 'express-jwt', 4);
  at('fresh', 'RS256', 'best-peer', 1, '>');
  at('fresh', 'ES256', 'best-peer', 1, '>');
  for (const scenario of ['bad-signature', 'expired'] as const) {
    for (const algorithm of BENCH_ALGORITHMS) {
      at(scenario, algorithm, 'bare', 0.65);
      at(scenario, algorithm, 'best-peer', 1.3);
    }
  }
  at('open', 'HS256', 'bare', 0.95);
  return list;
}

function label(definition: TargetDefinition): string {
  const against = definition.against === 'bare' ? 'bare Express' : definition.against === 'best-peer' ? 'the best peer' : definition.against;
  const algorithm = definition.scenario === 'open' ? '' : ` ${definition.algorithm}`;
  const relation = definition.comparison === '>' ? 'ahead of' : `≥ ${definition.threshold} ×`;
  return `${SCENARIO_NAMES[definition.scenario]}${algorithm}: ${relation} ${against}`;
}

/** Evaluates every target for one project variant; targets whose algorithm was not measured at all are left out. */
export function evaluateTargets(project: VariantId, summaries: readonly CellSummary[], measurements: readonly Measurement[]): TargetResult[] {
  const measuredAlgorithms = new Set(summaries.map((summary) => summary.algorithm));
  return definitions().filter((definition) => measuredAlgorithms.has(definition.algorithm)).map((definition) => {
    const { scenario, algorithm, against, threshold, comparison } = definition;
    const sameCell = (item: Measurement): boolean => item.scenario === scenario && item.algorithm === algorithm;
    let measured: number;
    if (against === 'bare') {
      measured = summaries.find((summary) => summary.variant === project && summary.scenario === scenario && summary.algorithm === algorithm)?.ratio.rps ?? Number.NaN;
    } else {
      const peers: readonly VariantId[] = against === 'best-peer' ? PEER_IDS : [against];
      measured = pairedRatio(measurements, (item) => item.variant === project && sameCell(item), (item) => peers.includes(item.variant) && sameCell(item));
    }
    const pass = Number.isNaN(measured) ? undefined : comparison === '>' ? measured > threshold : measured >= threshold;
    return { name: label(definition), measured, threshold, comparison, pass };
  });
}
