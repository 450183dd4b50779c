import { constants, createHmac, type KeyObject, timingSafeEqual, verify as cryptoVerify } from 'node:crypto';
import { type Algorithm, hashOf, SUPPORTED_ALGORITHMS } from '../keys/algorithms';

/**
 * Checks `signature` (the decoded signature bytes) over `input` (the ASCII signing input,
 * `header.payload`) with `key`. Returns `false` for a signature that does not verify; may throw
 * on bytes `node:crypto` cannot read.
 */
export type SignatureCheck = (input: string, signature: Buffer, key: KeyObject) => boolean;

/** Bytes of a JOSE ECDSA signature, R || S at the curve's width (RFC 7518 §3.4). */
const ECDSA_SIGNATURE_BYTES: Readonly<Record<string, number>> = { ES256: 64, ES384: 96, ES512: 132 };

// The signing input is base64url and dots only (checked by the decoder), so Latin-1 is its
// ASCII bytes, and the cheapest conversion Node has.
const bytesOf = (input: string): Buffer => Buffer.from(input, 'latin1');

function hmacCheck(hash: string): SignatureCheck {
  return (input, signature, key) => {
    const expected = createHmac(hash, key).update(input, 'latin1').digest();
    // timingSafeEqual throws on buffers of different lengths; the length of an HMAC is public.
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  };
}

function rsaCheck(hash: string): SignatureCheck {
  return (input, signature, key) => cryptoVerify(hash, bytesOf(input), { key, padding: constants.RSA_PKCS1_PADDING }, signature);
}

function pssCheck(hash: string, hashBytes: number): SignatureCheck {
  // RFC 7518 §3.5: MGF1 with the same hash, and a salt exactly as long as the hash output.
  return (input, signature, key) => cryptoVerify(hash, bytesOf(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashBytes }, signature);
}

function ecdsaCheck(hash: string, signatureBytes: number): SignatureCheck {
  // RFC 7518 §3.4: R || S at a fixed width. A DER signature (what OpenSSL produces by default)
  // has another length and is refused before OpenSSL could read it either way.
  return (input, signature, key) => signature.length === signatureBytes
    && cryptoVerify(hash, bytesOf(input), { key, dsaEncoding: 'ieee-p1363' }, signature);
}

// RFC 8037 §3.1: Ed25519 and Ed448 sign the message itself, with no prehash.
const eddsaCheck: SignatureCheck = (input, signature, key) => cryptoVerify(null, bytesOf(input), key, signature);

function checkFor(algorithm: Algorithm): SignatureCheck {
  const hash = hashOf(algorithm);
  if (hash === undefined) return eddsaCheck;
  const family = algorithm.slice(0, 2);
  if (family === 'HS') return hmacCheck(hash);
  if (family === 'RS') return rsaCheck(hash);
  if (family === 'PS') return pssCheck(hash, Number(algorithm.slice(2)) / 8);
  return ecdsaCheck(hash, ECDSA_SIGNATURE_BYTES[algorithm]);
}

/**
 * The `node:crypto` check of each JWS algorithm (RFC 7518 §3, RFC 8037 §3.1), built once. The
 * key must already fit the algorithm (type, curve, size): key sets only hand out keys that
 * `describeMisfit` accepts for it.
 *
 * @example
 * ```ts
 * const valid = SIGNATURE_CHECKS.ES256('eyJ...eyJ...', Buffer.from(segment, 'base64url'), publicKey);
 * ```
 */
export const SIGNATURE_CHECKS: Readonly<Record<Algorithm, SignatureCheck>> = Object.freeze(
  Object.fromEntries(SUPPORTED_ALGORITHMS.map((algorithm) => [algorithm, checkFor(algorithm)])) as Record<Algorithm, SignatureCheck>,
);
