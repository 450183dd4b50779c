import type { JWTAuthenticationBackendOptions } from './jwt-backend-options';
import type { BaseUser } from '../user';

/** The `typ` of RFC 9068 access tokens (§2.1), as `normaliseType` writes it. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The claims RFC 9068 §2.2 requires of every JWT access token. */
export const ACCESS_TOKEN_CLAIMS: readonly string[] = Object.freeze(['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']);

/** What a token profile changes in a backend's settings. */
export interface ProfileSettings {
  /** The `typ` every token must carry, and that `createToken` writes. */
  readonly type: string;
  /** The claims every token must carry: the profile's, then the backend's own `requiredClaims`. */
  readonly requiredClaims: readonly string[];
  /** Claims that must be strings when present (beside `iss` and `sub`, which always must). */
  readonly stringClaims: readonly string[];
  /** Claims `createToken` refuses to sign without, after the backend's single `iss` and `aud` (the signer adds `iat`, `exp`, `jti`). */
  readonly issuedClaims: readonly string[];
}

/**
 * Reads the `profile` option once, at construction: `undefined` without it, the RFC 9068
 * settings with `'rfc9068'`. Throws a `TypeError` for another profile, a `type` other than
 * `at+jwt`, or a missing `issuer` or `audience` without `issuers` (RFC 9068 §4: the resource
 * server checks both).
 *
 * @example
 * ```ts
 * readProfile('JWTAuthenticationBackend', { secretKey, profile: 'rfc9068', issuer, audience });
 * // { type: 'at+jwt', requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'], ... }
 * ```
 */
export function readProfile(owner: string, options: JWTAuthenticationBackendOptions<BaseUser>, requiredClaims: readonly string[]): ProfileSettings | undefined {
  const { profile } = options;
  if (profile === undefined) return undefined;
  if (profile !== 'rfc9068') throw new TypeError(`${owner}: "profile" must be 'rfc9068' (JWT access tokens) or left out.`);
  if (options.type !== undefined && options.type.toLowerCase().replace(/^application\//, '') !== ACCESS_TOKEN_TYPE) {
    throw new TypeError(`${owner}: profile 'rfc9068' requires typ at+jwt; leave "type" out (or set it to 'at+jwt').`);
  }
  // Each entry of `issuers` has its own issuer and audience, checked for its tokens.
  // `resource` (RFC 8707) is an audience every token must contain: it satisfies RFC 9068 §4 too.
  if (options.issuers === undefined && (options.issuer === undefined || (options.audience === undefined && options.resource === undefined))) {
    throw new TypeError(`${owner}: profile 'rfc9068' has the resource server check iss and aud (RFC 9068 §4); give "issuer" and "audience" or "resource" (or "issuers").`);
  }
  return Object.freeze({
    type: ACCESS_TOKEN_TYPE,
    requiredClaims: Object.freeze([...new Set([...ACCESS_TOKEN_CLAIMS, ...requiredClaims])]),
    stringClaims: Object.freeze(['client_id']),
    issuedClaims: Object.freeze(['iss', 'aud', 'sub', 'client_id']),
  });
}

const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/**
 * Throws a `TypeError` unless `claims` has every one of `required` as a non-empty string (`aud`:
 * or a non-empty array of them), before `createToken` signs a token its profile requires them of.
 *
 * @example
 * ```ts
 * checkIssuedClaims({ sub: 'alice' }, ['sub', 'client_id']); // throws: client_id is missing
 * ```
 */
export function checkIssuedClaims(claims: Readonly<Record<string, unknown>>, required: readonly string[]): void {
  for (const name of required) {
    const value = claims[name];
    const present = isText(value) || (name === 'aud' && Array.isArray(value) && value.length > 0 && value.every(isText));
    if (!present) {
      throw new TypeError(`createToken: profile 'rfc9068' requires "${name}" as a non-empty string (RFC 9068 §2.2), e.g. createToken({ sub: user.id, client_id: 'my-app' }).`);
    }
  }
}
