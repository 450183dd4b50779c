import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CHROMIUM, isCi, PYJWT, REDIS_SERVER, SKIP_LINES_VARIABLE, toolDecision, toolPath } from './system-tool';

// The tools themselves may or may not be installed here: every case points the tool at a path
// this file controls (a path that does not exist, a file that is not executable, a stand-in
// interpreter), so the answers never depend on the machine.

const REPO = path.resolve(__dirname, '..', '..');
const MISSING = '/nonexistent/express-jwt-auth-test/tool';
const NESTED_RUN_TIMEOUT_MS = 120_000;

let scratch = '';

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'express-jwt-auth-system-tool-'));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

/** A file at `name` in the scratch folder, with `mode` and `content`. */
function scratchFile(name: string, content: string, mode: number): string {
  const file = path.join(scratch, name);
  writeFileSync(file, content);
  chmodSync(file, mode);
  return file;
}

describe('toolPath', () => {
  it('is the Debian path when the override variable is unset or empty', () => {
    expect(toolPath(CHROMIUM, {})).toBe('/usr/bin/chromium');
    expect(toolPath(PYJWT, { SYSTEM_TOOL_PYTHON3: '' })).toBe('/usr/bin/python3');
    expect(toolPath(REDIS_SERVER, {})).toBe('/usr/bin/redis-server');
  });

  it('is the override variable when it is set', () => {
    expect(toolPath(REDIS_SERVER, { SYSTEM_TOOL_REDIS_SERVER: MISSING })).toBe(MISSING);
  });
});

describe('isCi', () => {
  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['FALSE', false],
    ['0', false],
    ['', false],
    [undefined, false],
  ] as const)('reads CI=%p as %p', (value, expected) => {
    expect(isCi({ CI: value })).toBe(expected);
  });
});

describe('toolDecision', () => {
  it('runs the suites when the tool is an executable file', () => {
    expect(toolDecision(CHROMIUM, { SYSTEM_TOOL_CHROMIUM: process.execPath })).toEqual({ action: 'run', path: process.execPath });
  });

  it.each([
    [CHROMIUM.id, CHROMIUM, "skipped: browser tests need Debian's chromium (apt-get install chromium chromium-driver)"],
    [PYJWT.id, PYJWT, "skipped: PyJWT interoperability tests need Debian's python3-jwt for /usr/bin/python3 (apt-get install python3-jwt python3-cryptography)"],
    [REDIS_SERVER.id, REDIS_SERVER, "skipped: Redis tests need Debian's redis-server (apt-get install redis-server)"],
  ])('skips the suites needing %s with one line naming the Debian packages when it does not exist', (_id, tool, line) => {
    expect(toolDecision(tool, { [tool.pathVariable]: MISSING })).toEqual({ action: 'skip', line });
  });

  it('treats a file that is not executable as missing', () => {
    const notExecutable = scratchFile('not-executable', '#!/bin/sh\nexit 0\n', 0o644);
    expect(toolDecision(REDIS_SERVER, { SYSTEM_TOOL_REDIS_SERVER: notExecutable }).action).toBe('skip');
  });

  it('skips the PyJWT suites when the interpreter runs but cannot import jwt', () => {
    const python = scratchFile('python-without-jwt', "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'jwt'\" >&2\nexit 1\n", 0o755);
    expect(toolDecision(PYJWT, { SYSTEM_TOOL_PYTHON3: python }).action).toBe('skip');
  });

  it('fails, naming the missing path and the install command, when the tool is missing and CI=true', () => {
    expect(toolDecision(CHROMIUM, { SYSTEM_TOOL_CHROMIUM: MISSING, CI: 'true' })).toEqual({
      action: 'fail',
      message: `${MISSING} does not exist or is not executable. CI is set, so a missing tool fails instead of skipping: apt-get install chromium chromium-driver (.ci/run does).`,
    });
  });

  it("fails with the interpreter's own error when PyJWT cannot be imported and CI=true", () => {
    const python = scratchFile('python-without-jwt-ci', "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'jwt'\" >&2\nexit 1\n", 0o755);
    const decision = toolDecision(PYJWT, { SYSTEM_TOOL_PYTHON3: python, CI: 'true' });
    expect(decision).toEqual({
      action: 'fail',
      message: `${python} cannot import PyJWT and cryptography (ModuleNotFoundError: No module named 'jwt'). CI is set, so a missing tool fails instead of skipping: apt-get install python3-jwt python3-cryptography (.ci/run does).`,
    });
  });
});

/** What a nested jest run of the two fixture suites (both need redis-server) reported. */
interface NestedRun {
  readonly status: number | null;
  readonly stderr: string;
  readonly results: {
    readonly numPassedTests: number;
    readonly numFailedTests: number;
    readonly numPendingTests: number;
    readonly testResults: readonly { readonly assertionResults: readonly { readonly failureMessages: readonly string[] }[] }[];
  };
}

/**
 * Runs jest on __tests__/helpers/fixtures with redis-server pointed at a path that does not
 * exist. A fresh cache directory keeps jest from running the two files in band (it does once it
 * has timings saying they are fast), so they run in two workers, as a real run's suites do.
 */
function runFixtures(name: string, ci: boolean): NestedRun {
  const env: NodeJS.ProcessEnv = { ...process.env, SYSTEM_TOOL_REDIS_SERVER: MISSING };
  delete env.CI;
  delete env[SKIP_LINES_VARIABLE];
  delete env.JEST_WORKER_ID;
  if (ci) env.CI = 'true';
  const outputFile = path.join(scratch, `${name}.json`);
  const run = spawnSync(
    process.execPath,
    [
      require.resolve('jest/bin/jest'),
      '--json',
      `--outputFile=${outputFile}`,
      '--maxWorkers=2',
      `--cacheDirectory=${path.join(scratch, `${name}-cache`)}`,
      '--testMatch=**/__tests__/helpers/fixtures/*.fixture.ts',
    ],
    { cwd: REPO, env, encoding: 'utf8', timeout: NESTED_RUN_TIMEOUT_MS },
  );
  if (run.error !== undefined) throw run.error;
  return { status: run.status, stderr: run.stderr, results: JSON.parse(readFileSync(outputFile, 'utf8')) as NestedRun['results'] };
}

const skipLines = (stderr: string): string[] => stderr.split('\n').filter((line) => line.startsWith('skipped:'));

describe('describeWithTool in a jest run of two suites that need a missing redis-server', () => {
  let local: NestedRun;
  let ci: NestedRun;

  beforeAll(() => {
    local = runFixtures('local', false);
    ci = runFixtures('ci', true);
  }, 2 * NESTED_RUN_TIMEOUT_MS);

  it('passes without CI, counting every test of both suites as skipped', () => {
    expect(local.status).toBe(0);
    expect(local.results).toMatchObject({ numPassedTests: 0, numFailedTests: 0, numPendingTests: 4 });
  });

  it('prints the skip line naming the Debian package exactly once for both suites', () => {
    expect(skipLines(local.stderr)).toEqual(["skipped: Redis tests need Debian's redis-server (apt-get install redis-server)"]);
  });

  it('fails under CI=true with one failing test per suite that says what to install', () => {
    expect(ci.status).toBe(1);
    expect(ci.results).toMatchObject({ numPassedTests: 0, numFailedTests: 2, numPendingTests: 0 });
    const messages = ci.results.testResults.flatMap((file) => file.assertionResults.flatMap((test) => test.failureMessages));
    expect(messages).toHaveLength(2);
    for (const message of messages) expect(message).toContain(`${MISSING} does not exist or is not executable. CI is set, so a missing tool fails instead of skipping: apt-get install redis-server (.ci/run does).`);
  });

  it('prints no skip line under CI=true', () => {
    expect(skipLines(ci.stderr)).toEqual([]);
  });
});
