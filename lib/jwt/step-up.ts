import type { Challenge } from '../core/challenge';
import { SCOPE_TOKEN } from '../core/grammar';
import type { TokenPayload } from '../credentials';
import { InsufficientUserAuthenticationError } from '../errors';

/**
 * What a route requires of the user's authentication (RFC 9470): an authentication context
 * class among `acrValues`, and an authentication no older than `maxAge` seconds.
 *
 * @example
 * ```ts
 * const requirement: StepUpRequirement = { acrValues: ['urn:example:mfa'], maxAge: 300 };
 * ```
 */
export interface StepUpRequirement {
  /** The acceptable `acr` values, in order of preference; empty for any (or no) `acr`. */
  readonly acrValues: readonly string[];
  /** The greatest age of `auth_time`, in seconds; `undefined` for any (or no) `auth_time`. */
  readonly maxAge: number | undefined;
}

/**
 * Reads and validates a route's step-up options once, at construction: `acrValues` a value or a
 * non-empty list of them (each a space-free token, since `acr_values` is space-delimited), and
 * `maxAge` a whole number of seconds, at least 0. Returns `undefined` when neither is given.
 *
 * @example
 * ```ts
 * readStepUp('authenticated', 'urn:example:mfa', 300); // { acrValues: ['urn:example:mfa'], maxAge: 300 }
 * ```
 */
export function readStepUp(owner: string, acrValues: unknown, maxAge: unknown): StepUpRequirement | undefined {
  if (acrValues === undefined && maxAge === undefined) return undefined;
  const list = typeof acrValues === 'string' ? [acrValues] : acrValues ?? [];
  if (!Array.isArray(list) || (acrValues !== undefined && list.length === 0) || !list.every((value) => typeof value === 'string' && SCOPE_TOKEN.test(value))) {
    throw new TypeError(`${owner}: "acrValues" must be an acr value or a non-empty array of them (no spaces, quotes or backslashes), e.g. ['urn:example:mfa'].`);
  }
  if (maxAge !== undefined && !(typeof maxAge === 'number' && Number.isInteger(maxAge) && maxAge >= 0)) {
    throw new TypeError(`${owner}: "maxAge" must be a whole number of seconds since the user authenticated (auth_time), at least 0.`);
  }
  return Object.freeze({ acrValues: Object.freeze([...new Set(list as string[])]), maxAge });
}

/**
 * Checks the `acr` and `auth_time` claims of a verified token against a route's requirement,
 * at `now` (seconds since the epoch). Returns the RFC 9470 refusal, carrying the requirement as
 * `acr_values` and `max_age`, or `undefined` when the token satisfies it. A claim that is
 * absent or not of its type (`acr` a string, `auth_time` a number) does not satisfy it.
 *
 * @example
 * ```ts
 * checkStepUp({ acr: 'pwd', auth_time: now - 60 }, { acrValues: ['mfa'], maxAge: 300 }, now, challenge);
 * // InsufficientUserAuthenticationError: reason 'claim_mismatch', claim 'acr'
 * ```
 */
export function checkStepUp(
  payload: TokenPayload,
  requirement: StepUpRequirement,
  now: number,
  challenge: Challenge,
): InsufficientUserAuthenticationError | undefined {
  const { acrValues, maxAge } = requirement;
  const refuse = (reason: 'missing_claim' | 'claim_mismatch' | 'authentication_too_old', claim: 'acr' | 'auth_time') =>
    new InsufficientUserAuthenticationError(reason, { challenge, claim, acrValues, maxAge });
  if (acrValues.length > 0) {
    if (!Object.hasOwn(payload, 'acr')) return refuse('missing_claim', 'acr');
    const { acr } = payload;
    if (typeof acr !== 'string' || !acrValues.includes(acr)) return refuse('claim_mismatch', 'acr');
  }
  if (maxAge !== undefined) {
    if (!Object.hasOwn(payload, 'auth_time')) return refuse('missing_claim', 'auth_time');
    const authTime = payload.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) return refuse('claim_mismatch', 'auth_time');
    if (now - authTime > maxAge) return refuse('authentication_too_old', 'auth_time');
  }
  return undefined;
}
