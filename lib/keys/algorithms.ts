/**
 * The JWS algorithms this library verifies and signs (RFC 7518 §3.1, RFC 8037 §3.1 for
 * `EdDSA`). `none` is deliberately absent.
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
  'EdDSA',
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

/** The key family of an algorithm: `HS*` → `hmac`, `RS*`/`PS*` → `rsa`, `ES*` → `ec`, `EdDSA` → `okp`. */
export function keyFamily(algorithm: Algorithm): KeyFamily {
  if (algorithm === 'EdDSA') return 'okp';
  if (algorithm.startsWith('HS')) return 'hmac';
  if (algorithm.startsWith('ES')) return 'ec';
  return 'rsa';
}

/** The named curve an `ES*` algorithm requires (RFC 7518 §3.4), or `undefined` for others. */
export function requiredCurve(algorithm: Algorithm): string | undefined {
  return EC_CURVES[algorithm];
}

/** The hash an `HS*`/`RS*`/`PS*`/`ES*` algorithm uses (`sha256`...), or `undefined` for `EdDSA`. */
export function hashOf(algorithm: Algorithm): string | undefined {
  return algorithm === 'EdDSA' ? undefined : `sha${algorithm.slice(2)}`;
}
