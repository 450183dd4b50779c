import type { Challenge } from '../core/challenge';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError } from '../errors';

/** The values a backend expects of the registered claims it checks (RFC 7519 §4.1). */
export interface ClaimExpectations {
  readonly issuer?: string | readonly string[];
  readonly audience?: string | RegExp | readonly (string | RegExp)[];
  readonly subject?: string;
  /** RFC 8707: a resource URL `aud` must contain exactly, besides matching `audience`. */
  readonly resource?: string;
  readonly requiredClaims: readonly string[];
  /** Claims that must be strings when present, beside `iss` and `sub` (e.g. RFC 9068's `client_id`). Default: none. */
  readonly stringClaims?: readonly string[];
}

const isText = (value: unknown): value is string => typeof value === 'string';

const STRING_CLAIMS = ['iss', 'sub'] as const;

function matchesAudience(aud: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? aud === expected : expected.test(aud);
}

function audiencesOf(payload: TokenPayload, challenge: Challenge): readonly string[] {
  if (!Object.hasOwn(payload, 'aud')) throw new InvalidTokenError('missing_claim', { challenge, claim: 'aud' });
  const aud = payload.aud;
  const audiences = isText(aud) ? [aud] : Array.isArray(aud) && aud.length > 0 && aud.every(isText) ? aud : undefined;
  if (audiences === undefined) throw new InvalidTokenError('malformed', { challenge, claim: 'aud' });
  return audiences;
}

function textClaim(payload: TokenPayload, claim: 'iss' | 'sub', challenge: Challenge): string {
  if (!Object.hasOwn(payload, claim)) throw new InvalidTokenError('missing_claim', { challenge, claim });
  const value = payload[claim];
  if (!isText(value)) throw new InvalidTokenError('malformed', { challenge, claim });
  return value;
}

/**
 * Checks `iss`, `aud`, `sub` and the required claims of an already verified payload. `iss` and
 * `sub`, when present, must be strings whatever is configured (`malformed`). A checked claim
 * must be present (`missing_claim`), of its registered type (`malformed`: `aud` a string or a
 * non-empty array of strings) and match (`claim_mismatch`). Errors name the claim, never the
 * expected value.
 *
 * @example
 * ```ts
 * checkClaims(payload, { issuer: 'https://auth.example', requiredClaims: ['exp'] }, challenge);
 * ```
 */
export function checkClaims(payload: TokenPayload, expected: ClaimExpectations, challenge: Challenge): void {
  // RFC 7519 §4.1.1-4.1.2: StringOrURI, checked even when no issuer or subject is configured,
  // because `sub` is the user's identity: `sub: 1` and `sub: "1"` must not both pass as user 1,
  // and a hook must never receive an object where it expects an id.
  for (const claim of STRING_CLAIMS) {
    if (Object.hasOwn(payload, claim) && !isText(payload[claim])) throw new InvalidTokenError('malformed', { challenge, claim });
  }
  for (const claim of expected.stringClaims ?? []) {
    if (Object.hasOwn(payload, claim) && !isText(payload[claim])) throw new InvalidTokenError('malformed', { challenge, claim });
  }
  if (expected.issuer !== undefined) {
    const iss = textClaim(payload, 'iss', challenge);
    const accepted = typeof expected.issuer === 'string' ? iss === expected.issuer : expected.issuer.includes(iss);
    if (!accepted) throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'iss' });
  }
  if (expected.audience !== undefined) {
    const audiences = audiencesOf(payload, challenge);
    const wanted = Array.isArray(expected.audience) ? expected.audience : [expected.audience as string | RegExp];
    if (!audiences.some((value) => wanted.some((one) => matchesAudience(value, one)))) {
      throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'aud' });
    }
  }
  // RFC 8707 §2 and the MCP authorization specification: a token minted for another resource
  // (another MCP server) must not be accepted here, whatever else its audience says.
  if (expected.resource !== undefined && !audiencesOf(payload, challenge).includes(expected.resource)) {
    throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'aud' });
  }
  if (expected.subject !== undefined && textClaim(payload, 'sub', challenge) !== expected.subject) {
    throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'sub' });
  }
  for (const claim of expected.requiredClaims) {
    if (!Object.hasOwn(payload, claim)) throw new InvalidTokenError('missing_claim', { challenge, claim });
  }
}
