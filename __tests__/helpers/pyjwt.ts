import { spawnSync } from 'node:child_process';
import { PYJWT, toolPath } from './system-tool';

/**
 * The interpreter Debian's `python3-jwt` and `python3-cryptography` are installed for, or the
 * path in `SYSTEM_TOOL_PYTHON3`. The `python3` first on PATH may be another build that cannot
 * import them, so it is never used. Suites that need it are declared with
 * `describeWithTool(PYJWT, ...)`, which skips them when PyJWT is missing (fails them under CI).
 */
export const SYSTEM_PYTHON = toolPath(PYJWT);

/** One token for PyJWT to sign. */
export interface PyJwtJob {
  /** The algorithm name, as PyJWT spells it (the JWS name, e.g. `PS384`). */
  readonly alg: string;
  /** The HMAC secret, or the private key as a PKCS#8 PEM. */
  readonly key: string;
  readonly claims: Record<string, unknown>;
}

// Reads every job from stdin and answers with every token on stdout, so a test file starts
// one interpreter however many tokens it needs. Keys and claims never touch argv or a shell.
const SIGNER = `
import json, sys
import jwt
jobs = json.load(sys.stdin)
tokens = {name: jwt.encode(job["claims"], job["key"], algorithm=job["alg"]) for name, job in jobs.items()}
json.dump({"version": jwt.__version__, "tokens": tokens}, sys.stdout)
`;

const INSTALL_HINT = `Install them with \`apt-get install ${PYJWT.packages.join(' ')}\` (CI does).`;

/**
 * Throws, with the install command in the message, unless {@link SYSTEM_PYTHON} can import
 * PyJWT and cryptography.
 */
export function assertPyJwtInstalled(): void {
  const problem = PYJWT.check?.(SYSTEM_PYTHON) ?? null;
  if (problem !== null) throw new Error(`${problem}. ${INSTALL_HINT}`);
}

/** What {@link signWithPyJwt} returns: PyJWT's version and one token per job name. */
export interface PyJwtTokens<Name extends string> {
  readonly version: string;
  readonly tokens: Readonly<Record<Name, string>>;
}

/**
 * Signs every job with PyJWT in a single `/usr/bin/python3` process.
 *
 * @example
 * ```ts
 * const { tokens } = signWithPyJwt({ hs: { alg: 'HS256', key: SECRET, claims: claims() } });
 * ```
 */
export function signWithPyJwt<Name extends string>(jobs: Readonly<Record<Name, PyJwtJob>>): PyJwtTokens<Name> {
  assertPyJwtInstalled();
  const run = spawnSync(SYSTEM_PYTHON, ['-c', SIGNER], { input: JSON.stringify(jobs), encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) {
    throw new Error(`PyJWT failed to sign the test tokens: ${run.error?.message ?? run.stderr.trim()}`);
  }
  const answer = JSON.parse(run.stdout) as PyJwtTokens<Name>;
  for (const name of Object.keys(jobs)) {
    if (typeof answer.tokens[name as Name] !== 'string') throw new Error(`PyJWT returned no token for "${name}".`);
  }
  return answer;
}
