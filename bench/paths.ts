import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where things are, from the TypeScript sources (run by tsx) and from their compiled copy alike.
 * The servers, the load generator and the token signers run compiled, with plain `node`, like
 * the peers they are compared with: no TypeScript hook in their memory or start-up.
 */

function findRepoRoot(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'express-jwt-auth') return dir;
  }
  throw new Error(`bench: no express-jwt-auth package.json above ${from}`);
}

export const REPO_ROOT = findRepoRoot(__dirname);

/**
 * Inside node_modules, so that the compiled files resolve the same packages as the sources; one
 * directory per checkout, since git worktrees may share one node_modules through a symlink, and
 * one per `BENCH_BUILD_NAME` when set, so that two benchmarks of one checkout can run at once.
 */
export const BUILD_DIR = join(REPO_ROOT, 'node_modules', '.cache', `express-jwt-auth-bench-${createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8)}${process.env.BENCH_BUILD_NAME === undefined ? '' : `-${process.env.BENCH_BUILD_NAME.replace(/[^\w-]/g, '')}`}`);

/** The compiled path of a script of bench/, e.g. `server.ts` → `.../bench/server.js`. */
export function compiledScript(script: string): string {
  return join(BUILD_DIR, 'bench', script.replace(/\.ts$/, '.js'));
}

/** Compiles bench/ and lib/ to JavaScript (tsc, no type check: `npm run typecheck` does that). */
export function compileBench(): void {
  rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(REPO_ROOT, 'bench', 'tsconfig.json'), '--noEmit', 'false', '--noCheck',
    '--outDir', BUILD_DIR, '--declaration', 'false', '--sourceMap', 'false', '--inlineSources', 'false'], { encoding: 'utf8' });
  if (result.status !== 0 || !existsSync(compiledScript('server.ts'))) {
    throw new Error(`bench: compiling bench/ failed:\n${result.stdout}${result.stderr}`);
  }
}
