import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths';

/**
 * Writes the benchmark's block into bench/README.md, between `<!-- bench:start -->` and
 * `<!-- bench:end -->`, and nothing else: the prose around the block is edited by hand, so the
 * file is read right before writing and only the marked block changes. The first time (no file,
 * or no markers), the block is appended after an introduction. The root README only links here.
 */

/** The page the benchmark writes its results into. */
export const BENCH_README = join(REPO_ROOT, 'bench', 'README.md');

const INTRODUCTION = `# Performance

How fast express-jwt-auth authenticates, measured against bare Express and its peers. Back to the
[README](../README.md).

\`npm run bench\` measures this middleware against bare Express (the floor), the floors of its own design (the same app
shape with a no-op app-wide middleware and a no-op guard, and the same with a middleware that only assigns constant
\`req.user\` and \`req.auth\`, both measured beside the project in every round), and the usual peers, express-jwt,
passport-jwt and express-oauth2-jwt-bearer, with HS256, RS256, ES256 and EdDSA. Each run writes \`results.json\`,
\`results.svg\` (both beside this file) and the block below, and nothing else of this file.

`;

/**
 * `readme` with the block marked `name` (`<!-- name:start -->`, `<!-- name:end -->`) replaced by `block`, or, without markers, with the block appended
 * (after an introduction when `readme` is empty). Nothing outside the markers changes.
 */
export function withBenchBlock(readme: string, block: string, name = 'bench'): string {
  const [START, END] = [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`];
  const marked = `${START}\n${block.trim()}\n${END}`;
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start !== -1 && end > start) return `${readme.slice(0, start)}${marked}${readme.slice(end + END.length)}`;
  return `${readme.trim() === '' ? INTRODUCTION : `${readme.trimEnd()}\n\n`}${marked}\n`;
}

/** Writes `block` into bench/README.md (or `file`) between the markers of `name`, read right before writing. */
export function writeReadmeBlock(block: string, file: string = BENCH_README, name = 'bench'): void {
  const readme = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const updated = withBenchBlock(readme, block, name);
  if (updated !== readme) writeFileSync(file, updated);
}
