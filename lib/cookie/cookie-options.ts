/**
 * The `cookie` option of `JWTAuthenticationBackend`: with it, the backend also reads the token
 * from this cookie (after the header), and `login()` sets it.
 *
 * @example
 * ```ts
 * const cookie: TokenCookieOptions = { name: '__Host-session', trustedOrigins: ['https://admin.example.com'] };
 * new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET!, cookie });
 * ```
 */
export interface TokenCookieOptions {
  /** The name of the cookie that holds the token. Default: `'token'`. */
  readonly name?: string;
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
  /**
   * This application's own origin (`https://app.example.com`), for an app behind a proxy that
   * terminates TLS: it replaces the origin the check works out from the connection's scheme and
   * the `Host` header, so that a request from `http://` the same host is not taken for same-origin.
   * Default: worked out from the request.
   */
  readonly expectedOrigin?: string;
}

/** The option names {@link TokenCookieOptions} knows. */
export const COOKIE_OPTION_NAMES: readonly string[] = Object.freeze(['name', 'secure', 'sameSite', 'domain', 'path', 'trustedOrigins', 'expectedOrigin']);
