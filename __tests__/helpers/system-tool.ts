import { spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A program from Debian's packages that some suites need: Chromium, PyJWT for the system
 * Python, a Redis server. On a machine without it (only Node and npm) those suites skip with
 * one line naming the packages; under `CI=true` a missing tool is a failure, never a skip,
 * because `.ci/run` installs them all and a green CI must mean they ran.
 */
export interface SystemTool {
  /** A short name, used in the skip marker file: `chromium`. */
  readonly id: string;
  /** What the suites that need the tool test, for the skip line: `browser tests`. */
  readonly suites: string;
  /** What they need, for the skip line: `Debian's chromium`. */
  readonly needs: string;
  /** The Debian packages to install: `['chromium', 'chromium-driver']`. */
  readonly packages: readonly string[];
  /** Where Debian installs the program. */
  readonly defaultPath: string;
  /**
   * The environment variable that replaces {@link defaultPath}. It exists to test the skip
   * logic: point it at a path that does not exist and the tool is missing, wherever it is
   * installed (`SYSTEM_TOOL_CHROMIUM=/nonexistent npm test`).
   */
  readonly pathVariable: string;
  /**
   * Checks more than "the file is executable". Returns why the program at `toolPath` cannot
   * serve, or `null` when it can.
   */
  readonly check?: (toolPath: string) => string | null;
}

/** Debian's Chromium, which Playwright drives; Playwright's own browser download is never used. */
export const CHROMIUM: SystemTool = {
  id: 'chromium',
  suites: 'browser tests',
  needs: "Debian's chromium",
  packages: ['chromium', 'chromium-driver'],
  defaultPath: '/usr/bin/chromium',
  pathVariable: 'SYSTEM_TOOL_CHROMIUM',
};

/**
 * Debian's Python with PyJWT and cryptography. The `python3` first on PATH may be another build
 * that cannot import Debian's modules, so only the system interpreter is used.
 */
export const PYJWT: SystemTool = {
  id: 'pyjwt',
  suites: 'PyJWT interoperability tests',
  needs: "Debian's python3-jwt for /usr/bin/python3",
  packages: ['python3-jwt', 'python3-cryptography'],
  defaultPath: '/usr/bin/python3',
  pathVariable: 'SYSTEM_TOOL_PYTHON3',
  check: (toolPath) => {
    const probe = spawnSync(toolPath, ['-c', 'import jwt, cryptography'], { encoding: 'utf8' });
    if (probe.error === undefined && probe.status === 0) return null;
    // The last line of a traceback is the error itself, e.g. "No module named 'jwt'".
    return `${toolPath} cannot import PyJWT and cryptography (${probe.error?.message ?? probe.stderr.trim().split('\n').pop() ?? ''})`;
  },
};

/** Debian's Redis server, which the suites of shared stores start on 127.0.0.1 themselves. */
export const REDIS_SERVER: SystemTool = {
  id: 'redis-server',
  suites: 'Redis tests',
  needs: "Debian's redis-server",
  packages: ['redis-server'],
  defaultPath: '/usr/bin/redis-server',
  pathVariable: 'SYSTEM_TOOL_REDIS_SERVER',
};

/**
 * Set by the global setup of the jest run: the folder where each skipping suite leaves its line,
 * so that the global teardown prints every line once, however many files and workers skipped.
 */
export const SKIP_LINES_VARIABLE = 'SYSTEM_TOOL_SKIP_LINES_DIR';

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Where the tool is looked for: its {@link SystemTool.pathVariable} if set, else its default path.
 *
 * @example
 * ```ts
 * chromium.launch({ executablePath: toolPath(CHROMIUM) });
 * ```
 */
export function toolPath(tool: SystemTool, env: Environment = process.env): string {
  const override = env[tool.pathVariable];
  return override === undefined || override === '' ? tool.defaultPath : override;
}

/**
 * Whether `env` says this is CI. Any value of `CI` but empty, `0` or `false` counts, as with
 * jest's own `--ci` detection.
 */
export function isCi(env: Environment = process.env): boolean {
  const value = env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Why the tool at `toolPath` is unusable, or `null` when it is usable. */
function problemWith(tool: SystemTool, at: string): string | null {
  try {
    accessSync(at, constants.X_OK);
  } catch {
    return `${at} does not exist or is not executable`;
  }
  return tool.check === undefined ? null : tool.check(at);
}

/** What a suite that needs a tool does: run, skip with one line, or fail with a message. */
export type ToolDecision =
  | { readonly action: 'run'; readonly path: string }
  | { readonly action: 'skip'; readonly line: string }
  | { readonly action: 'fail'; readonly message: string };

/** The one line printed when the suites needing `tool` skip. */
export function skipLine(tool: SystemTool): string {
  return `skipped: ${tool.suites} need ${tool.needs} (apt-get install ${tool.packages.join(' ')})`;
}

/**
 * Decides whether the suites that need `tool` run, skip (tool missing) or fail (tool missing
 * under `CI=true`).
 *
 * @example
 * ```ts
 * toolDecision(CHROMIUM, { SYSTEM_TOOL_CHROMIUM: '/nonexistent' });
 * // { action: 'skip', line: "skipped: browser tests need Debian's chromium (apt-get install chromium chromium-driver)" }
 * ```
 */
export function toolDecision(tool: SystemTool, env: Environment = process.env): ToolDecision {
  const at = toolPath(tool, env);
  const problem = problemWith(tool, at);
  if (problem === null) return { action: 'run', path: at };
  if (!isCi(env)) return { action: 'skip', line: skipLine(tool) };
  return {
    action: 'fail',
    message: `${problem}. CI is set, so a missing tool fails instead of skipping: apt-get install ${tool.packages.join(' ')} (.ci/run does).`,
  };
}

// One decision per tool and path in a test file: several describe blocks of one file probe once.
const decisions = new Map<string, ToolDecision>();
// Lines printed by this test file when no global setup collects them.
const printed = new Set<string>();

function decide(tool: SystemTool): ToolDecision {
  const key = `${tool.id}\0${toolPath(tool)}\0${String(isCi())}`;
  let decision = decisions.get(key);
  if (decision === undefined) {
    decision = toolDecision(tool);
    decisions.set(key, decision);
  }
  return decision;
}

/** Leaves the line for the global teardown to print, or prints it now without one. */
function announceSkip(tool: SystemTool, line: string): void {
  const folder = process.env[SKIP_LINES_VARIABLE];
  if (folder !== undefined && folder !== '') {
    // Same tool, same file name, same content: files and workers that skip together leave one line.
    writeFileSync(path.join(folder, `${tool.id}.txt`), `${line}\n`);
    return;
  }
  if (printed.has(line)) return;
  printed.add(line);
  process.stderr.write(`${line}\n`);
}

/**
 * `describe`, for a suite that needs a system tool: runs it when the tool is there; skips every
 * test in it with one printed line naming the Debian packages when it is missing; and, when
 * missing under `CI=true`, replaces it with one failing test that says what to install.
 *
 * @example
 * ```ts
 * describeWithTool(CHROMIUM, 'demo app browser flow in headless Chromium', () => {
 *   beforeAll(async () => { browser = await launchBrowser(); });
 *   it('logs in', async () => { ... });
 * });
 * ```
 */
export function describeWithTool(tool: SystemTool, name: string, fn: () => void): void {
  const decision = decide(tool);
  switch (decision.action) {
    case 'run':
      describe(name, fn);
      return;
    case 'skip':
      announceSkip(tool, decision.line);
      describe.skip(name, fn);
      return;
    case 'fail':
      describe(name, () => {
        it(`needs ${tool.needs}, which is missing`, () => {
          throw new Error(decision.message);
        });
      });
      return;
  }
}
