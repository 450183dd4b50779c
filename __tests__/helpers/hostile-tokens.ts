import { constants, createHmac, type KeyObject, sign } from 'node:crypto';
import type { Algorithm } from '../../lib';

// Token builders for the security suites. They use node:crypto directly, never the library or
// jsonwebtoken, so an attacker's token is exactly what an attacker would send: any header, any
// payload, any signature bytes.

/** One JWS segment: `value` as JSON, base64url without padding. */
export function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** One JWS segment from raw bytes (text that is not JSON, bytes that are not UTF-8). */
export function rawSegment(bytes: Buffer | string): string {
  return Buffer.from(bytes).toString('base64url');
}

/** `<header>.<payload>`, the JWS signing input (RFC 7515 §5.1). */
export function signingInput(header: unknown, payload: unknown): string {
  return `${segment(header)}.${segment(payload)}`;
}

/** An HMAC-signed token with any header: `alg` in the header need not be an HMAC one. */
export function hmacSigned(header: Record<string, unknown>, payload: unknown, secret: string | Buffer, hash = 'sha256'): string {
  const input = signingInput(header, payload);
  return `${input}.${createHmac(hash, secret).update(input).digest('base64url')}`;
}

/** The hash of a JWS algorithm (`sha256` for `RS256`...), `null` for EdDSA. */
function hashOf(algorithm: Algorithm): string | null {
  return algorithm === 'EdDSA' ? null : `sha${algorithm.slice(2)}`;
}

/** Signs `input` the way JWS `algorithm` does (RFC 7518 §3, RFC 8037 §3.1), in JOSE form. */
export function jwsSignature(algorithm: Algorithm, input: string, privateKey: KeyObject | string | Buffer): Buffer {
  if (algorithm.startsWith('HS')) return createHmac(hashOf(algorithm) as string, privateKey as string | Buffer).update(input).digest();
  const data = Buffer.from(input);
  if (algorithm === 'EdDSA') return sign(null, data, privateKey as KeyObject);
  if (algorithm.startsWith('PS')) {
    return sign(hashOf(algorithm), data, { key: privateKey as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });
  }
  if (algorithm.startsWith('ES')) return sign(hashOf(algorithm), data, { key: privateKey as KeyObject, dsaEncoding: 'ieee-p1363' });
  return sign(hashOf(algorithm), data, privateKey as KeyObject);
}

/** A token signed with `privateKey` under `algorithm`, with any extra header members. */
export function signedToken(algorithm: Algorithm, privateKey: KeyObject | string | Buffer, payload: unknown, header: Record<string, unknown> = {}): string {
  const input = signingInput({ alg: algorithm, typ: 'JWT', ...header }, payload);
  return `${input}.${jwsSignature(algorithm, input, privateKey).toString('base64url')}`;
}

/**
 * An ECDSA token whose signature is DER-encoded (what `node:crypto` and OpenSSL produce by
 * default), not JOSE's fixed-width R || S (RFC 7518 §3.4). A verifier must refuse it.
 */
export function derEcdsaToken(algorithm: 'ES256' | 'ES384' | 'ES512', privateKey: KeyObject, payload: unknown): string {
  const input = signingInput({ alg: algorithm, typ: 'JWT' }, payload);
  const der = sign(`sha${algorithm.slice(2)}`, Buffer.from(input), { key: privateKey, dsaEncoding: 'der' });
  return `${input}.${der.toString('base64url')}`;
}

/** Bytes per ECDSA signature component (R or S) of each JWS algorithm (RFC 7518 §3.4). */
export const ECDSA_COMPONENT_BYTES = { ES256: 32, ES384: 48, ES512: 66 } as const;

/** The group order n of each curve: R = S = n is, like R = S = 0, a signature that proves nothing. */
export const ECDSA_GROUP_ORDERS = {
  ES256: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  ES384: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
  ES512: '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
} as const;

/** An ECDSA token with a chosen JOSE signature R || S. */
export function ecdsaTokenWith(algorithm: 'ES256' | 'ES384' | 'ES512', r: Buffer, s: Buffer, payload: unknown): string {
  return `${signingInput({ alg: algorithm, typ: 'JWT' }, payload)}.${Buffer.concat([r, s]).toString('base64url')}`;
}

/**
 * The "psychic signature" (CVE-2022-21449): R = S = 0 at the algorithm's width. Java 15-18
 * accepted it for any message and any key.
 */
export function psychicToken(algorithm: 'ES256' | 'ES384' | 'ES512', payload: unknown): string {
  const zero = Buffer.alloc(ECDSA_COMPONENT_BYTES[algorithm]);
  return ecdsaTokenWith(algorithm, zero, zero, payload);
}

/** A signature with R = S = n, the group order, which reduces to zero. */
export function groupOrderToken(algorithm: 'ES256' | 'ES384' | 'ES512', payload: unknown): string {
  const n = Buffer.from(ECDSA_GROUP_ORDERS[algorithm], 'hex');
  return ecdsaTokenWith(algorithm, n, n, payload);
}

/** The ways `alg: none` is spelled by attackers (RFC 7518 §3.6; names are case-sensitive). */
export const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'] as const;

/** An unsecured token (`alg` some spelling of `none`), with an empty or a made-up signature. */
export function unsecuredToken(alg: string, payload: unknown, signature = ''): string {
  return `${signingInput({ alg, typ: 'JWT' }, payload)}.${signature}`;
}

/** `token` with its payload replaced, the signature kept: what an attacker edits first. */
export function withPayload(token: string, payload: unknown): string {
  const [header, , signature] = token.split('.');
  return `${header}.${segment(payload)}.${signature}`;
}

/** `token` with its signature segment removed (the dot kept). */
export function withoutSignature(token: string): string {
  return token.slice(0, token.lastIndexOf('.') + 1);
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Other spellings of the same signature bytes: the last base64url character of a segment whose
 * length is not a multiple of 4 carries unused low bits (RFC 4648 §3.5), which a lax decoder
 * ignores. Strict base64url has exactly one encoding per byte string.
 */
export function nonCanonicalSignatures(token: string): string[] {
  const last = BASE64URL.indexOf(token[token.length - 1]);
  const signatureLength = token.length - token.lastIndexOf('.') - 1;
  // 2 unused bits when the length is 4n+3, 4 when it is 4n+2.
  const unused = signatureLength % 4 === 3 ? 2 : signatureLength % 4 === 2 ? 4 : 0;
  const variants: string[] = [];
  for (let low = 0; low < 1 << unused; low++) {
    const variant = `${token.slice(0, -1)}${BASE64URL[(last & ~((1 << unused) - 1)) | low]}`;
    if (variant !== token) variants.push(variant);
  }
  return variants;
}

/** Flips one bit of the byte at `index` of `text`, keeping the result base64url (the character set the token uses). */
export function flipCharacter(text: string, index: number, bit: number): string {
  const position = BASE64URL.indexOf(text[index]);
  const replacement = position === -1 ? 'A' : BASE64URL[position ^ (1 << (bit % 6))];
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}
