import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SKIP_LINES_VARIABLE } from './system-tool';

/**
 * Jest's global setup: makes the folder where suites skipped for a missing system tool leave
 * their line. Workers start after it, so they inherit the variable.
 */
export default function skipLinesSetup(): void {
  process.env[SKIP_LINES_VARIABLE] = mkdtempSync(path.join(tmpdir(), 'express-jwt-auth-skips-'));
}
