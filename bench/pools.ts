import { spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { type BenchAlgorithm, KEY_FILES } from './config';
import { compiledScript } from './paths';

/**
 * Pre-generates the fresh-token pools before any timing, on every CPU: an RS256 signature
 * costs about 0.3 ms, far too much to make on the fly beside the load generator.
 */

function signSlice(keysDir: string, algorithm: BenchAlgorithm, start: number, count: number, nowSec: number, file: string): Promise<void> {
  const child = spawn(process.execPath, [compiledScript('tokens.ts'), 'pool', keysDir, algorithm, String(start), String(count), String(nowSec), file], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`signing the ${algorithm} pool failed (exit ${code})`))));
  });
}

export async function generatePools(keysDir: string, algorithms: readonly BenchAlgorithm[], size: number, nowSec: number): Promise<void> {
  const workers = Math.max(1, availableParallelism());
  for (const algorithm of algorithms) {
    const slice = Math.ceil(size / workers);
    const files = Array.from({ length: workers }, (_unused, index) => join(keysDir, `${KEY_FILES.pool(algorithm)}.${index}`));
    await Promise.all(files.map((file, index) => signSlice(keysDir, algorithm, index * slice, Math.min(slice, size - index * slice), nowSec, file)));
    writeFileSync(join(keysDir, KEY_FILES.pool(algorithm)), files.map((file) => readFileSync(file, 'utf8')).filter((text) => text !== '').join('\n'));
    for (const file of files) rmSync(file);
  }
}

export function firstPoolToken(keysDir: string, algorithm: BenchAlgorithm): string {
  const text = readFileSync(join(keysDir, KEY_FILES.pool(algorithm)), 'utf8');
  return text.slice(0, text.indexOf('\n') === -1 ? undefined : text.indexOf('\n'));
}
