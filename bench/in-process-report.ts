import type { BenchAlgorithm, VariantId } from './config';
import type { InProcessResult, InProcessScenario, InProcessTask } from './in-process-worker';
import { median } from './stats';
import { VARIANTS } from './variants';

/** The project as its README shows it: every option at its default, the verified-token cache included. */
const PROJECT: VariantId = 'project';
const BASELINES = ['bare', 'floor-noop', 'floor-props'] as const satisfies readonly VariantId[];
const PEER: VariantId = 'oauth2-bearer';

/** One scenario of one worker: its result, and callgrind's instructions per request when counted. */
export interface InProcessCell {
  readonly task: InProcessTask;
  readonly result: InProcessResult;
  readonly round: number;
  readonly instructions?: number;
}

/**
 * The workers of a run: bare Express and the two floors (the open route, and a token they
 * ignore on the protected route), the project on every algorithm (repeated and fresh tokens,
 * and the open route once), and express-oauth2-jwt-bearer on fresh tokens, the peer the
 * fresh-token targets name.
 */
export function inProcessTasks(algorithms: readonly BenchAlgorithm[], keysDir: string, warmup: number, count: number, callgrind: boolean): InProcessTask[] {
  const base = { keysDir, warmup, count, callgrind };
  const tasks: InProcessTask[] = BASELINES.map((variant) => ({ ...base, variant, algorithm: 'HS256', scenarios: ['open', 'repeated'] }));
  for (const algorithm of algorithms) {
    const scenarios: InProcessScenario[] = algorithm === algorithms[0] ? ['open', 'repeated', 'fresh'] : ['repeated', 'fresh'];
    tasks.push({ ...base, variant: PROJECT, algorithm, scenarios }, { ...base, variant: PEER, algorithm, scenarios: ['fresh'] });
  }
  return tasks;
}

type Metric = (cell: InProcessCell) => number;
const cpu: Metric = (cell) => cell.result.cpuUs;
const wall: Metric = (cell) => cell.result.wallUs;
const instructions: Metric = (cell) => cell.instructions ?? Number.NaN;

interface Row {
  readonly scenario: InProcessScenario;
  readonly algorithm: BenchAlgorithm | 'any';
  readonly variant: VariantId;
}

const SCENARIO_LABELS: Readonly<Record<InProcessScenario, string>> = {
  open: 'no token, open route',
  repeated: 'repeated token',
  fresh: 'fresh token',
};

function rowsOf(cells: readonly InProcessCell[]): Row[] {
  const algorithms = [...new Set(cells.filter((cell) => cell.task.variant === PROJECT).map((cell) => cell.task.algorithm))];
  const rows: Row[] = [];
  for (const variant of [...BASELINES, PROJECT]) rows.push({ scenario: 'open', algorithm: 'any', variant });
  for (const variant of BASELINES) rows.push({ scenario: 'repeated', algorithm: 'any', variant });
  for (const algorithm of algorithms) rows.push({ scenario: 'repeated', algorithm, variant: PROJECT });
  for (const algorithm of algorithms) rows.push({ scenario: 'fresh', algorithm, variant: PEER }, { scenario: 'fresh', algorithm, variant: PROJECT });
  return rows;
}

function cellsOf(cells: readonly InProcessCell[], row: Row, round?: number): InProcessCell[] {
  return cells.filter((cell) => cell.task.variant === row.variant && cell.result.scenario === row.scenario
    && (row.algorithm === 'any' || cell.task.algorithm === row.algorithm) && (round === undefined || cell.round === round));
}

/** The cell a row is compared with: the baselines serve a fresh token's row with their token-carrying (`repeated`) requests. */
function baselineRow(row: Row, variant: VariantId): Row | undefined {
  if (row.variant === variant || (variant === PEER && row.scenario !== 'fresh')) return undefined;
  if (variant === PEER) return { ...row, variant };
  if ((BASELINES as readonly VariantId[]).includes(row.variant) && BASELINES.indexOf(variant as (typeof BASELINES)[number]) > BASELINES.indexOf(row.variant as (typeof BASELINES)[number])) return undefined;
  return { scenario: row.scenario === 'open' ? 'open' : 'repeated', algorithm: 'any', variant };
}

/** The median over rounds of (baseline cost / row cost) in the same round: like a ratio of requests per second, higher is faster. */
function ratio(cells: readonly InProcessCell[], row: Row, variant: VariantId, metric: Metric): string {
  const other = baselineRow(row, variant);
  if (other === undefined) return '–';
  const rounds = [...new Set(cells.map((cell) => cell.round))];
  const ratios = rounds.flatMap((round) => {
    const [mine] = cellsOf(cells, row, round);
    const [theirs] = cellsOf(cells, other, round);
    return mine === undefined || theirs === undefined ? [] : [metric(theirs) / metric(mine)];
  });
  return ratios.length === 0 ? '–' : median(ratios).toFixed(2);
}

const number = (value: number, digits = 1): string => (Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

const RATIO_HEADER = '× bare | × floor: no-op | × floor: constant props | × express-oauth2-jwt-bearer';
const RATIO_VARIANTS: readonly VariantId[] = [...BASELINES, PEER];

/** The timing table: CPU and wall-clock µs per request, and ratios of CPU time, medians over rounds. */
export function renderTimes(cells: readonly InProcessCell[], environment: string, rounds: number, warmup: number, count: number): string {
  const lines = [
    `**In process, per request** (\`npm run bench:in-process\`): ${environment} ${rounds} rounds, rotated; in each, every variant and algorithm in a process of its own, ${warmup.toLocaleString('en-US')} requests of warm-up then ${count.toLocaleString('en-US')} measured per scenario. Medians over rounds; the ratios are of CPU time, baseline ÷ variant in the same round (like a ratio of requests/s: above 1 is faster).`,
    '',
    `| scenario | alg. | variant | CPU µs/req | wall µs/req | ${RATIO_HEADER} |`,
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const row of rowsOf(cells)) {
    const own = cellsOf(cells, row);
    if (own.length === 0) continue;
    const ratios = RATIO_VARIANTS.map((variant) => ratio(cells, row, variant, cpu)).join(' | ');
    lines.push(`| ${SCENARIO_LABELS[row.scenario]} | ${row.algorithm} | ${VARIANTS[row.variant].label} | ${number(median(own.map(cpu)))} | ${number(median(own.map(wall)))} | ${ratios} |`);
  }
  return lines.join('\n');
}

/** The callgrind table: instructions per request, and their ratios. */
export function renderCallgrind(cells: readonly InProcessCell[], environment: string, warmup: number, count: number): string {
  const lines = [
    `**Instructions per request** (\`npm run bench:in-process -- --callgrind\`): ${environment} Each variant and algorithm in a process of its own, ${warmup.toLocaleString('en-US')} requests of warm-up, then callgrind counts the instructions of ${count.toLocaleString('en-US')} requests per scenario (all threads, the JIT compiler and the garbage collector included). The ratios are baseline ÷ variant (above 1 is cheaper).`,
    '',
    `| scenario | alg. | variant | instructions/req | ${RATIO_HEADER} |`,
    '|---|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const row of rowsOf(cells)) {
    const own = cellsOf(cells, row);
    if (own.length === 0) continue;
    const ratios = RATIO_VARIANTS.map((variant) => ratio(cells, row, variant, instructions)).join(' | ');
    lines.push(`| ${SCENARIO_LABELS[row.scenario]} | ${row.algorithm} | ${VARIANTS[row.variant].label} | ${number(median(own.map(instructions)), 0)} | ${ratios} |`);
  }
  return lines.join('\n');
}
