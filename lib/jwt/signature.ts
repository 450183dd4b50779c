import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { InvalidTokenError } from '../errors';
import type { Algorithm } from '../keys/algorithms';
import { SIGNATURE_CHECKS } from './verify-signature-algorithms';

/** The two parts of a compact JWS a signature is checked with, as the decoder split them. */
export interface SignedParts {
  /** `header.payload`, the JWS signing input (RFC 7515 §5.1), base64url and one dot. */
  readonly signingInput: string;
  /** The signature segment, canonical base64url; `''` when the token has none. */
  readonly signature: string;
}

/**
 * Checks the signature of a decoded compact JWS with `node:crypto`, and nothing else: claims
 * are checked by one path for every algorithm (`checkTimes`, `checkClaims`). `key` must fit
 * `algorithm` (key sets only hand out such keys). Throws `InvalidTokenError` with reason
 * `malformed` when the token has no signature, `bad_signature` when it does not verify.
 *
 * @example
 * ```ts
 * const decoded = decodeJwt(token, challenge);
 * verifySignature(decoded, 'ES256', publicKey, challenge);
 * ```
 */
export function verifySignature(parts: SignedParts, algorithm: Algorithm, key: KeyObject, challenge: Challenge): void {
  if (parts.signature === '') throw new InvalidTokenError('malformed', { challenge });
  let valid: boolean;
  try {
    valid = SIGNATURE_CHECKS[algorithm](parts.signingInput, Buffer.from(parts.signature, 'base64url'), key);
  } catch (cause) {
    throw new InvalidTokenError('bad_signature', { challenge, cause });
  }
  if (!valid) throw new InvalidTokenError('bad_signature', { challenge });
}
