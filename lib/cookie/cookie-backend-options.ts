import type { JWTAuthenticationBackendOptions } from '../jwt/jwt-backend-options';
import type { JWTUser } from '../jwt/jwt-user';
import type { BaseUser } from '../user';

/**
 * Options of {@link JWTCookieAuthenticationBackend}: every JWT backend option, plus the cookie's.
 *
 * @example
 * ```ts
 * const options: JWTCookieAuthenticationBackendOptions = {
 *   secretKey: process.env.JWT_SECRET!,
 *   cookieName: 'session',
 *   trustedOrigins: ['https://admin.example.com'],
 * };
 * ```
 */
export interface JWTCookieAuthenticationBackendOptions<TUser extends BaseUser = JWTUser> extends JWTAuthenticationBackendOptions<TUser> {
  /** The name of the cookie that holds the token. Default: `'token'`. */
  readonly cookieName?: string;
  /**
   * Whether `login` marks the cookie `Secure` (sent over HTTPS only). Set `false` only for
   * plain-HTTP development. Default: `true`.
   */
  readonly secure?: boolean;
  /** The cookie's `SameSite` attribute; `'none'` requires `secure`. Default: `'lax'`. */
  readonly sameSite?: 'lax' | 'strict' | 'none';
  /** The cookie's `Domain` attribute. Default: none (the cookie stays on the exact host). */
  readonly domain?: string;
  /** The cookie's `Path` attribute. Default: `'/'`. */
  readonly path?: string;
  /**
   * Other origins (`scheme://host[:port]`) allowed to send state-changing requests
   * authenticated by the cookie, besides the request's own. Default: none.
   */
  readonly trustedOrigins?: readonly string[];
}

/** The option names the cookie backend adds to the JWT backend's. */
export const COOKIE_OPTION_NAMES: readonly string[] = Object.freeze([
  'cookieName', 'secure', 'sameSite', 'domain', 'path', 'trustedOrigins',
]);
