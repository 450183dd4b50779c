import { createHash, type KeyObject } from 'node:crypto';
import type { Challenge } from '../../core/challenge';
import { InvalidDpopProofError, type InvalidDpopProofReason } from '../../errors';
import { describeMisfit } from '../../keys/key-objects';
import { importPublicJwk } from '../../keys/import-jwk';
import { THUMBPRINT_MEMBERS } from '../../keys/publish';
import { decodeJwt, type DecodedJwt } from '../decode';
import { normaliseType } from '../header-checks';
import type { TokenCache } from '../token-cache';
import { SIGNATURE_CHECKS } from '../verify-signature-algorithms';
import type { DpopAlgorithm } from './dpop-options';
import { normaliseHtu } from './request-url';

// RFC 7517 §9.2, RFC 7518 §6.2.2, §6.3.2: members only a private or secret key has.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_JTI_LENGTH = 256;

/** What a proof is checked against: the request, its access token, and the backend's rules. */
export interface ProofExpectations {
  /** The request's method, e.g. `GET`. */
  readonly method: string;
  /** The request's URL as {@link normaliseHtu} writes it; `undefined` when it could not be made. */
  readonly url: string | undefined;
  /** The access token presented with the proof. */
  readonly accessToken: string;
  readonly algorithms: readonly string[];
  /** In seconds. */
  readonly maxAge: number;
  /** In seconds. */
  readonly clockTolerance: number;
  /** Seconds since the epoch, with a fraction. */
  readonly now: number;
  readonly maxProofLength: number;
  readonly challenge: Challenge;
  /**
   * Keys already imported, by the proof's header segment: a client sends the same header (its
   * `jwk`) with every proof, and importing a JWK costs as much as checking the signature.
   * Default: none (every proof's key is imported).
   */
  readonly keys?: TokenCache<ProofKey>;
}

/** A proof's public key, imported and checked against its `alg`, and its thumbprint. */
export interface ProofKey {
  readonly key: KeyObject;
  readonly jkt: string;
}

/** A proof that passed every check but the replay check and the server nonce. */
export interface VerifiedProof {
  /** The RFC 7638 thumbprint of the proof's key, compared with the token's `cnf.jkt`. */
  readonly jkt: string;
  readonly jti: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  /** The proof's `nonce` claim, when it has one. */
  readonly nonce: unknown;
}

function fail(reason: InvalidDpopProofReason, challenge: Challenge, claim?: string, cause?: unknown): InvalidDpopProofError {
  return new InvalidDpopProofError(reason, { challenge, claim, cause });
}

function decodeProof(proof: string, challenge: Challenge): DecodedJwt {
  try {
    return decodeJwt(proof, challenge);
  } catch (cause) {
    throw fail('malformed', challenge, undefined, cause);
  }
}

/** RFC 7638 §3: the thumbprint of the key as the client sent it (its required members, in order). */
function thumbprintOf(jwk: Readonly<Record<string, unknown>>): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)] ?? [];
  const canonical = JSON.stringify(Object.fromEntries(members.map((name) => [name, jwk[name]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function importProofKey(header: Readonly<Record<string, unknown>>, algorithm: DpopAlgorithm, challenge: Challenge): ProofKey {
  const { jwk } = header;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw fail('bad_key', challenge, 'jwk');
  const members = jwk as Readonly<Record<string, unknown>>;
  // RFC 9449 §4.3 (7): a proof that ships its private key proves nothing, and leaks the key.
  if (PRIVATE_MEMBERS.some((name) => Object.hasOwn(members, name))) throw fail('private_key', challenge, 'jwk');
  let key: KeyObject;
  try {
    key = importPublicJwk(members);
  } catch (cause) {
    throw fail('bad_key', challenge, 'jwk', cause);
  }
  if (describeMisfit(key, algorithm, false) !== undefined) throw fail('bad_key', challenge, 'jwk');
  return { key, jkt: thumbprintOf(members) };
}

function checkSignature(decoded: DecodedJwt, algorithm: DpopAlgorithm, key: KeyObject, challenge: Challenge): void {
  if (decoded.signature === '') throw fail('malformed', challenge);
  let valid: boolean;
  try {
    valid = SIGNATURE_CHECKS[algorithm](decoded.signingInput, Buffer.from(decoded.signature, 'base64url'), key);
  } catch (cause) {
    throw fail('bad_signature', challenge, undefined, cause);
  }
  if (!valid) throw fail('bad_signature', challenge);
}

function text(payload: Readonly<Record<string, unknown>>, claim: string, challenge: Challenge): string {
  if (!Object.hasOwn(payload, claim)) throw fail('missing_claim', challenge, claim);
  const value = payload[claim];
  if (typeof value !== 'string' || value === '') throw fail('malformed', challenge, claim);
  return value;
}

function checkClaims(payload: Readonly<Record<string, unknown>>, expected: ProofExpectations): { jti: string; iat: number } {
  const { challenge } = expected;
  const jti = text(payload, 'jti', challenge);
  if (jti.length > MAX_JTI_LENGTH) throw fail('malformed', challenge, 'jti');
  if (text(payload, 'htm', challenge) !== expected.method) throw fail('method_mismatch', challenge, 'htm');
  const htu = normaliseHtu(text(payload, 'htu', challenge));
  if (htu === undefined) throw fail('malformed', challenge, 'htu');
  if (expected.url === undefined || htu !== expected.url) throw fail('url_mismatch', challenge, 'htu');
  if (!Object.hasOwn(payload, 'iat')) throw fail('missing_claim', challenge, 'iat');
  const { iat } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw fail('malformed', challenge, 'iat');
  if (iat > expected.now + expected.clockTolerance) throw fail('issued_in_future', challenge, 'iat');
  if (expected.now > iat + expected.maxAge + expected.clockTolerance) throw fail('too_old', challenge, 'iat');
  // RFC 9449 §4.3 (11): the proof is bound to this very access token.
  const ath = text(payload, 'ath', challenge);
  if (ath !== createHash('sha256').update(expected.accessToken, 'latin1').digest('base64url')) throw fail('hash_mismatch', challenge, 'ath');
  return { jti, iat };
}

/**
 * Checks a DPoP proof JWT (RFC 9449 §4.3) against its request and access token, and returns
 * its key's thumbprint and `jti`. Length and shape first, then `typ`, the allow-listed
 * asymmetric `alg` and a public-only `jwk`, then the signature, and only then the claims:
 * `jti`, `htm`, `htu`, `iat` within the window, and `ath`. Throws `InvalidDpopProofError`.
 * The replay check (`jti`), the nonce and the token's `cnf.jkt` are the caller's.
 *
 * @example
 * ```ts
 * const { jkt, jti } = verifyDpopProof(req.headers.dpop, { method: 'GET', url, accessToken, ... });
 * ```
 */
export function verifyDpopProof(proof: string, expected: ProofExpectations): VerifiedProof {
  const { challenge } = expected;
  if (proof.length > expected.maxProofLength) throw fail('too_large', challenge);
  const decoded = decodeProof(proof, challenge);
  const { header, payload } = decoded;
  const { typ, alg } = header;
  if (typeof typ !== 'string' || normaliseType(typ) !== 'dpop+jwt') throw fail('wrong_type', challenge, 'typ');
  if (typeof alg !== 'string' || !expected.algorithms.includes(alg)) throw fail('algorithm_not_allowed', challenge, 'alg');
  // RFC 7515 §4.1.11: this library understands no extension a proof could declare critical.
  if (Object.hasOwn(header, 'crit')) throw fail('malformed', challenge, 'crit');
  // The same header segment means the same `alg` and `jwk`: what was imported for it still holds.
  const headerSegment = proof.slice(0, proof.indexOf('.'));
  let imported = expected.keys?.get(headerSegment);
  if (imported === undefined) {
    imported = importProofKey(header, alg as DpopAlgorithm, challenge);
    expected.keys?.set(headerSegment, imported);
  }
  const { key, jkt } = imported;
  checkSignature(decoded, alg as DpopAlgorithm, key, challenge);
  const { jti, iat } = checkClaims(payload, expected);
  return { jkt, jti, iat, nonce: payload.nonce };
}
