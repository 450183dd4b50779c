import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_ALGORITHMS, SCENARIOS, type VariantId } from './config';
import type { CellSummary } from './stats';
import { scenarioName } from './targets';
import { VARIANTS } from './variants';
import { REPO_ROOT } from './paths';

/**
 * The SVG bar chart of bench/README.md: requests/s of every variant as a ratio to bare Express, one
 * group of bars per scenario and algorithm, a line at 1.0. Plain SVG, no library; run on its
 * own (`tsx bench/chart.ts`) it redraws `bench/results.svg` from `bench/results.json`.
 */

const COLORS: Readonly<Partial<Record<VariantId, string>>> = {
  'floor-noop': '#e2e8f0',
  'floor-props': '#cbd5e0',
  'express-jwt': '#9aa5b1',
  'passport-jwt': '#c2a878',
  'oauth2-bearer': '#d08770',
  'project-cache-on': '#2b6cb0',
  'project-cache-off': '#63a4e0',
  project: '#2b6cb0',
};

const BAR = 11;
const GAP = 2;
const GROUP_GAP = 12;
const LEFT = 180;
const PLOT = 560;
const TOP = 58;

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderChart(summaries: readonly CellSummary[], caption: string): string {
  const variants = (Object.keys(COLORS) as VariantId[]).filter((variant) => summaries.some((summary) => summary.variant === variant));
  const groups = SCENARIOS.flatMap((scenario) => BENCH_ALGORITHMS.map((algorithm) => ({
    scenario, algorithm,
    bars: variants.flatMap((variant) => summaries.filter((summary) => summary.variant === variant && summary.scenario === scenario && summary.algorithm === algorithm)),
  }))).filter((group) => group.bars.length > 0);
  const maxRatio = Math.max(1.2, ...summaries.filter((summary) => summary.variant !== 'bare').map((summary) => summary.ratio.rps).filter(Number.isFinite));
  const scaleMax = Math.ceil(maxRatio * 5) / 5;
  const x = (ratio: number): number => LEFT + (ratio / scaleMax) * PLOT;
  const parts: string[] = [];
  let y = TOP;
  for (const group of groups) {
    const height = group.bars.length * (BAR + GAP);
    const name = group.scenario === 'open' ? scenarioName(group.scenario) : `${scenarioName(group.scenario)}, ${group.algorithm}`;
    parts.push(`<text x="${LEFT - 8}" y="${y + height / 2 + 4}" text-anchor="end">${escape(name)}</text>`);
    for (const bar of group.bars) {
      const ratio = bar.ratio.rps;
      const width = Number.isFinite(ratio) ? Math.max(1, x(ratio) - LEFT) : 0;
      parts.push(`<rect x="${LEFT}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${COLORS[bar.variant] ?? '#888'}"><title>${escape(`${VARIANTS[bar.variant].label}: ${Math.round(bar.median.rps)} req/s, ${ratio.toFixed(2)} × bare`)}</title></rect>`);
      parts.push(`<text x="${(LEFT + width + 4).toFixed(1)}" y="${y + BAR - 2}" class="value">${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}</text>`);
      y += BAR + GAP;
    }
    y += GROUP_GAP;
  }
  const bottom = y;
  const ticks: string[] = [];
  for (let tick = 0; tick <= scaleMax + 1e-9; tick += 0.2) {
    ticks.push(`<line x1="${x(tick).toFixed(1)}" y1="${TOP - 6}" x2="${x(tick).toFixed(1)}" y2="${bottom - GROUP_GAP + 4}" class="grid"/>`);
    ticks.push(`<text x="${x(tick).toFixed(1)}" y="${bottom + 6}" text-anchor="middle" class="value">${tick.toFixed(1)}</text>`);
  }
  const legend = variants.map((variant, index) => {
    const lx = 10 + (index % 3) * 250;
    const ly = 30 + Math.floor(index / 3) * 14;
    return `<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[variant]}"/><text x="${lx + 14}" y="${ly}">${escape(VARIANTS[variant].label)}</text>`;
  });
  const width = LEFT + PLOT + 60;
  const height = bottom + 26;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    '<style>.grid{stroke:#e2e8f0;stroke-width:1}.bare{stroke:#1a202c;stroke-width:1.5;stroke-dasharray:4 3}.value{fill:#4a5568;font-size:10px}</style>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="10" y="16" font-size="13" font-weight="bold">${escape(caption)}</text>`,
    ...legend,
    ...ticks,
    ...parts,
    `<line x1="${x(1).toFixed(1)}" y1="${TOP - 10}" x2="${x(1).toFixed(1)}" y2="${bottom - GROUP_GAP + 4}" class="bare"/>`,
    `<text x="${x(1).toFixed(1)}" y="${TOP - 13}" text-anchor="middle" class="value">bare Express = 1.0</text>`,
    `<text x="${LEFT + PLOT / 2}" y="${bottom + 20}" text-anchor="middle" class="value">requests/s as a ratio to bare Express (median of the rounds)</text>`,
    '</svg>',
    '',
  ].join('\n');
}

if (require.main === module) {
  const stored = JSON.parse(readFileSync(join(REPO_ROOT, 'bench', 'results.json'), 'utf8')) as { speed?: { summaries: CellSummary[]; caption: string } };
  if (stored.speed === undefined) throw new Error('bench/results.json has no speed results yet: run npm run bench first.');
  writeFileSync(join(REPO_ROOT, 'bench', 'results.svg'), renderChart(stored.speed.summaries, stored.speed.caption));
}
