import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { SKIP_LINES_VARIABLE } from './system-tool';

/**
 * Jest's global teardown: prints each line left by suites skipped for a missing system tool,
 * once per tool, after jest's summary, then removes the folder. On stderr, where jest reports,
 * so that `--json` output on stdout stays JSON.
 */
export default function skipLinesTeardown(): void {
  const folder = process.env[SKIP_LINES_VARIABLE];
  if (folder === undefined || folder === '') return;
  try {
    for (const file of readdirSync(folder).sort()) process.stderr.write(readFileSync(path.join(folder, file), 'utf8'));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
