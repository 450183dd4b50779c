import { BENCH_ALGORITHMS, FLOOR_IDS, SCENARIOS, type VariantId } from './config';
import { environmentLine } from './environment';
import type { MemoryResults, MicroResults, SpeedResults, StoredResults } from './results-store';
import { type CellSummary, type Measurement, pairedRatio } from './stats';
import { scenarioName, type TargetResult, TIE_BAND } from './targets';
import { VARIANTS } from './variants';

/** The markdown of bench/README.md's performance block, from the stored results of every mode. */

const MB = 1024 * 1024;
const COLUMN_ORDER: readonly VariantId[] = ['floor-noop', 'floor-props', 'express-jwt', 'passport-jwt', 'oauth2-bearer', 'project-cache-on', 'project-cache-off', 'project'];

const fixed = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const percent = (value: number): string => `±${(value * 100).toFixed(value < 0.1 ? 1 : 0)}%`;
const thousands = (value: number): string => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');

function rowName(summary: Pick<CellSummary, 'scenario' | 'algorithm'>): [string, string] {
  return [scenarioName(summary.scenario), summary.scenario === 'open' ? 'any' : summary.algorithm];
}

function sorted(summaries: readonly CellSummary[]): CellSummary[] {
  const order = (summary: CellSummary): number => SCENARIOS.indexOf(summary.scenario) * 100
    + BENCH_ALGORITHMS.indexOf(summary.algorithm) * 10 + ['bare', ...COLUMN_ORDER].indexOf(summary.variant);
  return [...summaries].sort((a, b) => order(a) - order(b));
}

function matrix(speed: SpeedResults): string[] {
  const columns = COLUMN_ORDER.filter((variant) => speed.summaries.some((summary) => summary.variant === variant));
  const lines = [
    `| scenario | alg. | ${columns.map((variant) => VARIANTS[variant].label).join(' | ')} |`,
    `|---|---|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const scenario of SCENARIOS) {
    for (const algorithm of BENCH_ALGORITHMS) {
      const row = speed.summaries.filter((summary) => summary.scenario === scenario && summary.algorithm === algorithm && summary.variant !== 'bare');
      if (row.length === 0) continue;
      const cells = columns.map((variant) => {
        const cell = row.find((summary) => summary.variant === variant);
        if (cell === undefined) return VARIANTS[variant].supports(algorithm) ? '–' : 'n/a';
        const text = `${fixed(cell.ratio.rps)} (${thousands(cell.median.rps)})`;
        return variant.startsWith('project') ? `**${text}**` : text;
      });
      lines.push(`| ${rowName({ scenario, algorithm }).join(' | ')} | ${cells.join(' | ')} |`);
    }
  }
  return lines;
}

function details(speed: SpeedResults): string[] {
  const lines = [
    '| scenario | alg. | variant | req/s | × bare | spread | CPU µs/req | × bare | p50 ms | × bare | p99 ms | × bare | RSS MB | × bare |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const cell of sorted(speed.summaries)) {
    const problems = cell.problems.length > 0 ? ` ⚠ ${cell.problems.join('; ')}` : '';
    lines.push(`| ${rowName(cell).join(' | ')} | ${VARIANTS[cell.variant].label}${problems} | ${thousands(cell.median.rps)} | ${fixed(cell.ratio.rps)} | ${percent(cell.rpsSpread)} `
      + `| ${fixed(cell.median.cpuUsPerRequest, 0)} | ${fixed(cell.ratio.cpuUsPerRequest)} `
      + `| ${fixed(cell.median.p50Ms, 1)} | ${fixed(cell.ratio.p50Ms)} | ${fixed(cell.median.p99Ms, 1)} | ${fixed(cell.ratio.p99Ms)} `
      + `| ${fixed(cell.median.rssBytes / MB, 0)} | ${fixed(cell.ratio.rssBytes)} |`);
  }
  return lines;
}

/**
 * The project's cells as ratios to bare Express and to each floor measured in the same round (with
 * the same algorithm; a floor ignores tokens, so it is measured with the repeated one and on the
 * open route), by requests/s and, in brackets, by the server's CPU time per request.
 */
function floorLines(speed: SpeedResults): string[] {
  const floors = FLOOR_IDS.filter((floor) => speed.summaries.some((summary) => summary.variant === floor));
  if (floors.length === 0) return [];
  const lines = [
    `| scenario | alg. | variant | × bare | ${floors.map((floor) => `× ${VARIANTS[floor].label}`).join(' | ')} |`,
    `|---|---|---|---:|${floors.map(() => '---:').join('|')}|`,
  ];
  const firstAlgorithm = BENCH_ALGORITHMS.find((algorithm) => speed.settings.algorithms.includes(algorithm)) ?? 'HS256';
  for (const cell of sorted(speed.summaries)) {
    if (!cell.variant.startsWith('project')) continue;
    const algorithm = cell.scenario === 'open' ? firstAlgorithm : cell.algorithm;
    const mine = (item: Measurement): boolean => item.variant === cell.variant && item.scenario === cell.scenario && item.algorithm === cell.algorithm;
    // The floors run the repeated token and the open route; any other scenario pairs with the repeated token.
    const floorScenario = cell.scenario === 'open' ? 'open' : 'repeated';
    const ratios = floors.map((floor) => {
      const theirs = (item: Measurement): boolean => item.variant === floor && item.algorithm === algorithm && item.scenario === floorScenario;
      return `${fixed(pairedRatio(speed.measurements, mine, theirs))} (${fixed(pairedRatio(speed.measurements, mine, theirs, 'cpu'))})`;
    });
    lines.push(`| ${rowName(cell).join(' | ')} | ${VARIANTS[cell.variant].label} | ${fixed(cell.ratio.rps)} (${fixed(1 / cell.ratio.cpuUsPerRequest)}) | ${ratios.join(' | ')} |`);
  }
  return lines;
}

function targetLines(targets: SpeedResults['targets']): string[] {
  // A project variant none of whose targets' cells were measured (the quick mode measures the cache on only) gets no column.
  const projects = COLUMN_ORDER.filter((variant) => variant.startsWith('project') && (targets[variant] ?? []).some((target) => target.pass !== undefined));
  if (projects.length === 0) return [];
  const first = targets[projects[0]] ?? [];
  const verdict = (result: TargetResult | undefined): string => {
    if (result === undefined || result.pass === undefined) return 'not measured';
    const margin = (result.measured / result.threshold - 1) * 100;
    const outcome = result.pass ? `✅ pass${result.byCpu ? ' by CPU' : ''}` : '❌ fail';
    return `${fixed(result.measured)} ${outcome} (${margin >= 0 ? '+' : ''}${margin.toFixed(0)}%; CPU ${fixed(result.cpu)})`;
  };
  return [
    `| target | ${projects.map((variant) => VARIANTS[variant].label).join(' | ')} |`,
    `|---|${projects.map(() => '---').join('|')}|`,
    ...first.map((target, index) => `| ${target.name} | ${projects.map((variant) => verdict(targets[variant]?.[index])).join(' | ')} |`),
  ];
}

export function renderSpeed(speed: SpeedResults): string[] {
  const { settings, bare } = speed;
  const rounds = settings.repeats;
  return [
    `**Throughput** (${settings.mode} mode): ${environmentLine(speed.environment)} autocannon with ${settings.connections} connections, `
      + `${settings.durationSec} s per measurement after ${settings.warmupSec} s of warm-up (${settings.serverWarmupSec} s more after each server start), `
      + `${rounds} rounds in rotated order, medians reported. Bare Express: ${thousands(bare.all.rps)} req/s (p50 ${fixed(bare.all.p50Ms, 1)} ms, `
      + `p99 ${fixed(bare.all.p99Ms, 1)} ms, RSS ${fixed(bare.all.rssBytes / MB, 0)} MB) over ${bare.count} measurements, spread ${percent(bare.spread)}; `
      + `median at the start of each round ${thousands(bare.roundStart)}, right after the project ${thousands(bare.afterProject)}.`,
    '',
    'Requests per second as a ratio to bare Express in the same round (median over rounds), and the median requests/s in brackets:',
    '',
    ...matrix(speed),
    '',
    // Relative to bench/README.md, where the block is written.
    '![Requests per second as a ratio to bare Express](results.svg)',
    '',
    'The project as a ratio to bare Express and to the floors of its design, measured in the same rounds (median over rounds of the'
      + ' per-round ratios): the same app shape with a no-op middleware and guard, and with a middleware that only assigns constant'
      + ' `req.user` and `req.auth`; in brackets the same ratio taken by the server\'s CPU time per request (theirs over mine):',
    '',
    ...floorLines(speed),
    '',
    'Targets, as ratios of requests/s measured in this run (in brackets the margin to the threshold, and the same ratio taken by'
      + ` the server's CPU time per request, which breaks ties: a ratio of requests/s less than ${TIE_BAND * 100}% short of its threshold`
      + ' passes "by CPU" when the CPU ratio reaches it):',
    '',
    ...targetLines(speed.targets),
    '',
    ...(speed.notes.length > 0 ? [...speed.notes.map((note) => `- ${note}`), ''] : []),
    '<details><summary>Every cell: requests/s, the server CPU time per request, latency and server RSS, each with its ratio to bare Express, and the spread of requests/s over the rounds</summary>',
    '',
    ...details(speed),
    '',
    '</details>',
  ];
}

export function renderMemory(memory: MemoryResults): string[] {
  const bare = memory.rows.find((row) => row.variant === 'bare');
  const lines = [
    `**Memory** (\`npm run bench -- --memory\`): ${environmentLine(memory.environment)} Server RSS after ${thousands(memory.rows[0]?.requests ?? 0)} requests, `
      + `each with a distinct valid HS256 token signed on the fly by the load generator (limit: ${fixed(memory.limitBytes / MB, 0)} MB above bare Express right after the traffic; `
      + 'then a full garbage collection shows what is retained).',
    '',
    '| variant | requests (distinct tokens) | req/s | RSS before | halfway | after | above bare | within limit | peak | after GC | heap after GC |',
    '|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
  ];
  const mb = (bytes: number): string => `${fixed(bytes / MB, 0)} MB`;
  for (const row of memory.rows) {
    const above = bare === undefined ? Number.NaN : row.rssAfterBytes - bare.rssAfterBytes;
    const within = row.variant === 'bare' || !Number.isFinite(above) ? '' : above <= memory.limitBytes ? '✅ yes' : '❌ no';
    const problems = row.problems.length > 0 ? ` ⚠ ${row.problems.join('; ')}` : '';
    lines.push(`| ${VARIANTS[row.variant].label}${problems} | ${thousands(row.requests)} (${thousands(row.distinct)}) | ${thousands(row.rps)} | ${mb(row.rssBeforeBytes)} `
      + `| ${mb(row.rssHalfwayBytes)} | ${mb(row.rssAfterBytes)} | ${row.variant === 'bare' ? '' : `${fixed(above / MB, 1)} MB`} | ${within} `
      + `| ${mb(row.rssPeakBytes)} | ${mb(row.rssAfterGcBytes)} | ${mb(row.heapUsedAfterGcBytes)} |`);
  }
  return lines;
}

export function renderMicro(micro: MicroResults): string[] {
  const implementations = [...new Set(micro.rows.map((row) => row.implementation))];
  const algorithms = [...new Set(micro.rows.map((row) => row.algorithm))];
  const cell = (algorithm: string, implementation: string): string => {
    const row = micro.rows.find((item) => item.algorithm === algorithm && item.implementation === implementation);
    if (row?.nsPerOp === undefined) return 'n/a';
    return `${(row.nsPerOp / 1000).toFixed(1)} µs (${percent(row.spread ?? 0)})`;
  };
  return [
    `**Verification alone** (\`npm run bench:micro\`): ${environmentLine(micro.environment)} ${micro.note}`,
    '',
    `| verifier | ${algorithms.join(' | ')} |`,
    `|---|${algorithms.map(() => '---:').join('|')}|`,
    ...implementations.map((implementation) => `| ${implementation} | ${algorithms.map((algorithm) => cell(algorithm, implementation)).join(' | ')} |`),
  ];
}

export function renderBlock(results: StoredResults): string {
  const sections: string[][] = [];
  if (results.speed !== undefined) sections.push(renderSpeed(results.speed));
  if (results.memory !== undefined) sections.push(renderMemory(results.memory));
  if (results.micro !== undefined) sections.push(renderMicro(results.micro));
  return sections.map((lines) => lines.join('\n')).join('\n\n');
}
