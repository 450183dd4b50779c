import type { Challenge } from '../core/challenge';
import { InvalidTokenError } from '../errors';

// RFC 7515 §4.1 and RFC 7519 §5: header parameters a `crit` list must not name.
const STANDARD_HEADERS = new Set(['alg', 'jku', 'jwk', 'kid', 'x5u', 'x5c', 'x5t', 'x5t#S256', 'typ', 'cty', 'crit']);

/**
 * Refuses a `crit` header (RFC 7515 §4.1.11): this library understands no extension, so a
 * token that lists one must be rejected; a malformed list (empty, not an array of strings,
 * naming a standard header, or naming a header the token lacks) is rejected too.
 * Checked here, before any cryptography (jsonwebtoken, the differential test's reference, ignores `crit`).
 *
 * @example
 * ```ts
 * checkCritical({ alg: 'ES256', crit: ['b64'], b64: false }, challenge); // throws InvalidTokenError('malformed')
 * ```
 */
export function checkCritical(header: Readonly<Record<string, unknown>>, challenge: Challenge): void {
  if (!Object.hasOwn(header, 'crit')) return;
  const { crit } = header;
  const wellFormed = Array.isArray(crit) && crit.length > 0
    && crit.every((name) => typeof name === 'string' && !STANDARD_HEADERS.has(name) && Object.hasOwn(header, name));
  // Well-formed or not, every listed extension is one this library does not understand.
  throw new InvalidTokenError(wellFormed ? 'unsupported_extension' : 'malformed', { challenge, claim: 'crit' });
}

/** `at+jwt` and `application/at+jwt` name the same type (RFC 7515 §4.1.9), case-insensitively. */
export function normaliseType(type: string): string {
  const lower = type.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Requires the `typ` header to name `expected` (explicit typing, RFC 8725 §3.11; e.g. `at+jwt`
 * for RFC 9068 access tokens), so a token minted for another purpose (an ID token) is refused.
 *
 * @example
 * ```ts
 * checkType({ alg: 'RS256', typ: 'application/at+jwt' }, 'at+jwt', challenge); // passes
 * ```
 */
export function checkType(header: Readonly<Record<string, unknown>>, expected: string, challenge: Challenge): void {
  const { typ } = header;
  if (typ === undefined) throw new InvalidTokenError('missing_claim', { challenge, claim: 'typ' });
  if (typeof typ !== 'string' || normaliseType(typ) !== expected) throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'typ' });
}
