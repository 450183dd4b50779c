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

/** How a clock's wrong answer reads in a message: `NaN`, `undefined`, `a string`... never the value itself. */
function describeClockValue(value: unknown): string {
  if (typeof value === 'number' || value === undefined || value === null) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Throws a `TypeError` naming `owner` unless `clock` returns a finite number, at construction:
 * a clock that answers `NaN`, `undefined` or `Infinity` would make every time comparison false
 * and so switch off `exp`, `nbf`, `iat` and `maxAge` without a word.
 *
 * @example
 * ```ts
 * checkClock('JWTAuthenticationBackend', options.clock ?? Date.now);
 * ```
 */
export function checkClock(owner: string, clock: () => number): void {
  const value: unknown = clock();
  if (!isFiniteNumber(value)) {
    throw new TypeError(`${owner}: "clock" must return milliseconds since the epoch as a finite number, like Date.now; it returned ${describeClockValue(value)}.`);
  }
}

/**
 * Reads `clock` (milliseconds, like `Date.now`) in whole seconds, as JWT times count. A clock
 * that stopped returning a finite number is the server's fault, not the client's: it throws a
 * `TypeError`, which is not an `AuthenticationError`, so the middleware hands it to `next(err)`
 * (the application's error handler, a 500 by default) instead of answering 401, and no token is
 * accepted while it lasts.
 *
 * @example
 * ```ts
 * const now = clockSeconds(Date.now);
 * ```
 */
export function clockSeconds(clock: () => number): number {
  const value: unknown = clock();
  if (!isFiniteNumber(value)) {
    throw new TypeError(`The backend's "clock" returned ${describeClockValue(value)}, not a finite number of milliseconds since the epoch; no token is accepted until it is fixed.`);
  }
  return Math.floor(value / 1000);
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
