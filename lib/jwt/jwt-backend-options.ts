import type { Algorithm } from './algorithms';
import type { KeyInput } from './keys';

/**
 * Options of {@link JWTAuthenticationBackend}. Read once, validated, and copied at construction;
 * a mistake throws a `TypeError` there, never a 500 later.
 *
 * @example
 * ```ts
 * const options: JWTAuthenticationBackendOptions = {
 *   secretKey: process.env.JWT_SECRET!,
 *   issuer: 'https://auth.example.com/',
 *   audience: 'my-api',
 * };
 * ```
 */
export interface JWTAuthenticationBackendOptions {
  /**
   * The HMAC secret (string or Buffer) for `HS*`, or the public key (PEM string, certificate,
   * or `KeyObject`; a private key is reduced to its public half) for `RS*`/`PS*`/`ES*`.
   * Converted to a `KeyObject` once. Required.
   */
  readonly secretKey: KeyInput;
  /** The one algorithm tokens must use. Default: `'HS256'`. Give this or `algorithms`, not both. */
  readonly algorithm?: Algorithm;
  /**
   * The algorithms tokens may use (an allow-list). All must fit `secretKey`: HMAC and
   * asymmetric algorithms cannot be mixed. Default: `[algorithm]`.
   */
  readonly algorithms?: readonly Algorithm[];
  /**
   * The authentication scheme before the token, matched case-insensitively. `'JWT'` reproduces
   * starlette-jwt. A header with another scheme is not this backend's (anonymous). Default: `'Bearer'`.
   */
  readonly prefix?: string;
  /** The request header that carries the credentials. Default: `'authorization'`. */
  readonly header?: string;
  /** The `realm` of the `WWW-Authenticate` challenge. Default: `'api'`. */
  readonly realm?: string;
  /** The claim used as `req.user.displayName`, falling back to `sub`. Default: `'username'`. */
  readonly usernameField?: string;
  /** The accepted `iss` value, or any of a list. Default: `iss` is not checked. */
  readonly issuer?: string | readonly string[];
  /**
   * The accepted `aud` value: a string, a RegExp, or a list of them; a token matches when any
   * of its audiences matches any of these. Default: `aud` is not checked.
   */
  readonly audience?: string | RegExp | readonly (string | RegExp)[];
  /** The accepted `sub` value. Default: `sub` is not checked. */
  readonly subject?: string;
  /** Leeway for `exp`, `nbf` and `maxAge`, in seconds. Default: `0`. */
  readonly clockTolerance?: number;
  /** The greatest age of a token, in seconds after its `iat` (which becomes required). Default: unlimited. */
  readonly maxAge?: number;
  /**
   * Claims every token must carry. The default refuses tokens that never expire; pass `[]`
   * to opt out. Default: `['exp']`.
   */
  readonly requiredClaims?: readonly string[];
  /**
   * The claim scopes are read from (a space-delimited string or an array of strings).
   * Default: the first present of `scope` (RFC 8693), `scp`, `scopes`.
   */
  readonly scopesClaim?: string;
  /** The clock, in milliseconds since the epoch; inject one in tests. Default: `Date.now`. */
  readonly clock?: () => number;
}

/** The option names {@link JWTAuthenticationBackendOptions} knows. */
export const JWT_BACKEND_OPTION_NAMES: readonly string[] = Object.freeze([
  'secretKey', 'algorithm', 'algorithms', 'prefix', 'header', 'realm', 'usernameField', 'issuer',
  'audience', 'subject', 'clockTolerance', 'maxAge', 'requiredClaims', 'scopesClaim', 'clock',
]);
