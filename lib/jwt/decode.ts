import { isUtf8 } from 'node:buffer';
import type { Challenge } from '../core/challenge';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError } from '../errors';
import type { SignedParts } from './signature';

/**
 * A JWS compact serialization split and decoded, not yet verified, with the parts its signature
 * is checked with, so that the token is decoded once.
 */
export interface DecodedJwt extends SignedParts {
  readonly header: Readonly<Record<string, unknown>>;
  readonly payload: TokenPayload;
}

// RFC 7515 §2: base64url without padding. Anything else (padding, `+`, `/`, whitespace) is refused.
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether a base64url text is the one canonical spelling of its bytes. Its last character
 * carries spare bits (4 when the length is 4n+2, 2 when it is 4n+3), which must be zero: else
 * `...Q` and `...R` would decode to the same bytes. A length of 4n+1 fits no byte string.
 */
function isCanonical(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  if (rest === 1) return false;
  return BASE64URL.indexOf(segment[segment.length - 1]) % (rest === 2 ? 16 : 4) === 0;
}

function decodeSegment(segment: string, challenge: Challenge): Record<string, unknown> {
  // A base64url text of length 4n+1 cannot come from any byte string.
  if (!SEGMENT.test(segment) || segment.length % 4 === 1) throw new InvalidTokenError('malformed', { challenge });
  const bytes = Buffer.from(segment, 'base64url');
  if (!isUtf8(bytes)) throw new InvalidTokenError('malformed', { challenge });
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (cause) {
    throw new InvalidTokenError('malformed', { challenge, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidTokenError('malformed', { challenge });
  }
  return value as Record<string, unknown>;
}

/**
 * Splits a compact JWS into its header and payload and checks its shape: exactly three
 * segments, strict base64url, valid UTF-8, JSON objects. It verifies
 * nothing; it lets the verifier refuse a malformed token cheaply and with a precise reason.
 *
 * @example
 * ```ts
 * const { header } = decodeJwt(token, challenge);
 * header.alg; // 'HS256'
 * ```
 */
export function decodeJwt(token: string, challenge: Challenge): DecodedJwt {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first === -1 || second === -1 || token.indexOf('.', second + 1) !== -1) {
    throw new InvalidTokenError('malformed', { challenge });
  }
  // An empty signature passes here so that an unsecured (`alg: none`) token is refused for its
  // algorithm, the precise reason; the verifier refuses any other token without a signature.
  const signature = token.slice(second + 1);
  if (signature !== '' && !SEGMENT.test(signature)) throw new InvalidTokenError('malformed', { challenge });
  // Only the canonical spelling is accepted, so one signature has one token string (a
  // deny-list or replay cache keyed on the string cannot be sidestepped).
  if (!isCanonical(signature)) throw new InvalidTokenError('malformed', { challenge });
  return {
    header: decodeSegment(token.slice(0, first), challenge),
    payload: decodeSegment(token.slice(first + 1, second), challenge),
    signingInput: token.slice(0, second),
    signature,
  };
}
