import type { JWTCookieAuthenticationBackendOptions } from '../cookie/cookie-backend-options';
import type { JWTUser } from '../jwt/jwt-user';
import type { BaseUser } from '../user';

/**
 * Options of {@link OAuth2PasswordBearerBackend}: every JWT backend option, the cookie options
 * (used only with `cookie: true`), and the OAuth2 ones.
 *
 * @typeParam TUser - The application's user type, returned by `retrieveUser`.
 *
 * @example
 * ```ts
 * const options: OAuth2PasswordBearerBackendOptions = {
 *   secretKey: process.env.JWT_SECRET!,
 *   tokenUrl: '/token',
 *   scopes: { read: 'Read your data', admin: 'Administer the site' },
 * };
 * ```
 */
export interface OAuth2PasswordBearerBackendOptions<TUser extends BaseUser = JWTUser> extends JWTCookieAuthenticationBackendOptions<TUser> {
  /**
   * Where clients get tokens: the URL (absolute, or a path relative to the API's server) at
   * which you mount `tokenEndpoint()`. Published in the OpenAPI `password` flow; the backend
   * does not mount anything itself. Required.
   */
  readonly tokenUrl: string;
  /**
   * The scopes tokens may carry, each with a description, for the OpenAPI `password` flow
   * (Swagger UI offers them as checkboxes). Names are RFC 6749 scope-tokens. Documentation
   * only: `verifyCredentials` decides what each user may hold. Default: `{}`.
   */
  readonly scopes?: Readonly<Record<string, string>>;
  /**
   * Whether the backend also reads the token from a cookie (after the `Authorization` header,
   * as `JWTCookieAuthenticationBackend` does, with its same-origin checks), and `login()` sets
   * it. The cookie options (`cookieName`, `secure`, `sameSite`, `domain`, `path`,
   * `trustedOrigins`) are refused without it. Default: `false` (the header only).
   */
  readonly cookie?: boolean;
}

/** The option names the OAuth2 backend adds to the cookie backend's. */
export const OAUTH2_OPTION_NAMES: readonly string[] = Object.freeze(['tokenUrl', 'scopes', 'cookie']);
