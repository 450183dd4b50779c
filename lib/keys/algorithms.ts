/**
 * The JWS algorithms this library verifies and signs (RFC 7518 §3.1, RFC 8037 §3.1 for
 * `EdDSA`, RFC 9864 §2.2 for `Ed25519`: the fully specified name of EdDSA over Ed25519, which
 * deprecates `EdDSA`). `none` is deliberately absent.
 *
 * @example
 * ```ts
 * SUPPORTED_ALGORITHMS.includes('ES256'); // true
 * ```
 */
export const SUPPORTED_ALGORITHMS = Object.freeze([
  'HS256', 'HS384', 'HS512',
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const);

/**
 * A JWS algorithm name this library verifies.
 *
 * @example
 * ```ts
 * const algorithms: Algorithm[] = ['RS256', 'EdDSA'];
 * ```
 */
export type Algorithm = (typeof SUPPORTED_ALGORITHMS)[number];

/** The kind of key an algorithm needs: HMAC secret, RSA, elliptic curve, or Edwards curve (OKP). */
export type KeyFamily = 'hmac' | 'rsa' | 'ec' | 'okp';

const EC_CURVES: Readonly<Record<string, string>> = {
  ES256: 'prime256v1',
  ES384: 'secp384r1',
  ES512: 'secp521r1',
};

/** Whether `name` is one of {@link SUPPORTED_ALGORITHMS}. */
export function isAlgorithm(name: unknown): name is Algorithm {
  return typeof name === 'string' && (SUPPORTED_ALGORITHMS as readonly string[]).includes(name);
}

/** Whether an algorithm is an Edwards-curve one: `EdDSA` (Ed25519 or Ed448 keys) or `Ed25519` (RFC 9864). */
export function isEdwards(algorithm: Algorithm): algorithm is 'EdDSA' | 'Ed25519' {
  return algorithm === 'EdDSA' || algorithm === 'Ed25519';
}

/** The key family of an algorithm: `HS*` → `hmac`, `RS*`/`PS*` → `rsa`, `ES*` → `ec`, `EdDSA`/`Ed25519` → `okp`. */
export function keyFamily(algorithm: Algorithm): KeyFamily {
  if (isEdwards(algorithm)) return 'okp';
  if (algorithm.startsWith('HS')) return 'hmac';
  if (algorithm.startsWith('ES')) return 'ec';
  return 'rsa';
}

/** The named curve an `ES*` algorithm requires (RFC 7518 §3.4), or `undefined` for others. */
export function requiredCurve(algorithm: Algorithm): string | undefined {
  return EC_CURVES[algorithm];
}

/** The hash an `HS*`/`RS*`/`PS*`/`ES*` algorithm uses (`sha256`...), or `undefined` for `EdDSA` and `Ed25519`. */
export function hashOf(algorithm: Algorithm): string | undefined {
  return isEdwards(algorithm) ? undefined : `sha${algorithm.slice(2)}`;
}
