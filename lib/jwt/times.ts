import type { Challenge } from '../core/challenge';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError } from '../errors';

/** The time rules of a backend, in seconds. */
export interface TimeRules {
  /** Leeway for `exp`, `nbf`, `iat` and `maxAge`. */
  readonly clockTolerance: number;
  /** The greatest age after `iat`; `undefined` for none. */
  readonly maxAge?: number;
}

function numericDate(payload: TokenPayload, claim: 'exp' | 'nbf' | 'iat', challenge: Challenge): number | undefined {
  if (!Object.hasOwn(payload, claim)) return undefined;
  const value = payload[claim];
  // RFC 7519 §2 NumericDate: a finite JSON number. `1e400` parses to Infinity: never "never expires".
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidTokenError('malformed', { challenge, claim });
  return value;
}

/**
 * Checks `exp`, `nbf`, `iat` and `maxAge` against `nowSec` (RFC 7519 §4.1.4-4.1.6): each must
 * be a finite number; the token must not be expired, not be used before `nbf`, not claim to be
 * issued in the future, nor be older than `maxAge`, all within `clockTolerance`.
 *
 * @example
 * ```ts
 * checkTimes(payload, Math.floor(Date.now() / 1000), { clockTolerance: 30 }, challenge);
 * ```
 */
export function checkTimes(payload: TokenPayload, nowSec: number, rules: TimeRules, challenge: Challenge): void {
  const { clockTolerance, maxAge } = rules;
  const nbf = numericDate(payload, 'nbf', challenge);
  if (nbf !== undefined && nbf > nowSec + clockTolerance) throw new InvalidTokenError('not_yet_valid', { challenge, claim: 'nbf' });
  const exp = numericDate(payload, 'exp', challenge);
  if (exp !== undefined && nowSec >= exp + clockTolerance) throw new InvalidTokenError('expired', { challenge, claim: 'exp' });
  const iat = numericDate(payload, 'iat', challenge);
  if (iat !== undefined && iat > nowSec + clockTolerance) throw new InvalidTokenError('not_yet_valid', { challenge, claim: 'iat' });
  if (maxAge !== undefined) {
    if (iat === undefined) throw new InvalidTokenError('missing_claim', { challenge, claim: 'iat' });
    if (nowSec >= iat + maxAge + clockTolerance) throw new InvalidTokenError('expired', { challenge, claim: 'iat' });
  }
}
