import type { TokenCookieOptions } from '../cookie/cookie-options';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import type { Store } from '../store/store';

/**
 * Where a cookie backend keeps the refresh token: its own `HttpOnly`, `SameSite=Strict` cookie,
 * sent only to the refresh route. `Secure`, `trustedOrigins` and `expectedOrigin` are the
 * backend's `cookie` options.
 *
 * @example
 * ```ts
 * const cookie: RefreshCookieOptions = { name: 'refresh', path: '/auth' };
 * ```
 */
export interface RefreshCookieOptions {
  /** The cookie's name. Default: `'refresh_token'`. */
  readonly name?: string;
  /**
   * The cookie's `Path`: where the refresh route (and a logout route that ends the family by
   * it) is mounted, so that no other request carries the token. Required with a cookie backend.
   */
  readonly path?: string;
  /** The cookie's `Domain`. Default: the backend cookie's `domain` (none: the exact host). */
  readonly domain?: string;
}

/**
 * The `refreshTokens` option of `JWTAuthenticationBackend` (it needs `store`): every `login()`
 * and every token-endpoint answer then also carries a refresh token, which `backend.refresh()`,
 * `refreshHandler()` and the token endpoint's `refresh_token` grant exchange, rotating it each time.
 *
 * @example
 * ```ts
 * new JWTAuthenticationBackend({
 *   secretKey, store, expiresIn: 900,
 *   refreshTokens: { expiresIn: 14 * 86_400, absoluteLifetime: 30 * 86_400, reuseInterval: 2 },
 * });
 * ```
 */
export interface RefreshTokenOptions {
  /** Lifetime of one refresh token, in seconds: each refresh issues a new one. Default: `1209600` (14 days). */
  readonly expiresIn?: number;
  /**
   * Lifetime of a family (one sign-in), in seconds from the sign-in, however often it is
   * refreshed: no refresh token of it works afterwards (a token's own lifetime is cut to fit).
   * Default: `2592000` (30 days).
   */
  readonly absoluteLifetime?: number;
  /**
   * How long, in seconds, the token a rotation replaced still returns that rotation's answer
   * (the same pair), for two tabs or retried requests refreshing at once. Past it, presenting
   * the replaced token is a reuse and ends the family. `0` treats every second use as a reuse.
   * At most 60. Default: `2`.
   */
  readonly reuseInterval?: number;
  /** The refresh cookie of a cookie backend (required there, for its `path`). Default: none. */
  readonly cookie?: RefreshCookieOptions;
}

/** A backend's refresh-token settings, read once. */
export interface RefreshSettings {
  readonly store: Store;
  /** In seconds. */
  readonly expiresIn: number;
  /** In seconds. */
  readonly absoluteLifetime: number;
  readonly reuseIntervalMs: number;
  /** The refresh cookie's options, built from the backend's `cookie` and `refreshTokens.cookie`; `undefined` for a header backend. */
  readonly cookie: TokenCookieOptions | undefined;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
}

const NAMES = ['expiresIn', 'absoluteLifetime', 'reuseInterval', 'cookie'];

function wholeSeconds(where: string, name: string, value: unknown): void {
  checkNumber(where, name, value, 1);
  if (value !== undefined && !Number.isSafeInteger(value)) throw new TypeError(`${where}: "${name}" must be a whole number of seconds.`);
}

function readCookie(where: string, given: unknown, backendCookie: TokenCookieOptions | undefined): TokenCookieOptions | undefined {
  if (backendCookie === undefined) {
    if (given !== undefined) throw new TypeError(`${where}: "cookie" needs the backend's "cookie" option; a header backend returns the refresh token in the response body.`);
    return undefined;
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given) || (given as RefreshCookieOptions).path === undefined) {
    throw new TypeError(`${where}: a cookie backend needs "cookie": { path } with the path of the refresh route (e.g. cookie: { path: '/auth' }), so that only that route receives the refresh token.`);
  }
  rejectUnknownOptions(`${where}.cookie`, given, ['name', 'path', 'domain']);
  const { name = 'refresh_token', path, domain = backendCookie.domain } = given as RefreshCookieOptions;
  if (name === (backendCookie.name ?? 'token')) throw new TypeError(`${where}.cookie: "name" must differ from the access token cookie's name.`);
  return {
    name,
    path,
    secure: backendCookie.secure,
    sameSite: 'strict',
    ...(domain === undefined ? {} : { domain }),
    ...(backendCookie.trustedOrigins === undefined ? {} : { trustedOrigins: backendCookie.trustedOrigins }),
    ...(backendCookie.expectedOrigin === undefined ? {} : { expectedOrigin: backendCookie.expectedOrigin }),
  };
}

/**
 * Reads the `refreshTokens` option of a JWT backend; `undefined` without it. Every mistake is a
 * `TypeError` naming `owner` and the option.
 *
 * @example
 * ```ts
 * const refresh = readRefreshOptions(owner, options.refreshTokens, options.store, options.cookie, clock);
 * ```
 */
export function readRefreshOptions(
  owner: string,
  options: unknown,
  store: Store | undefined,
  backendCookie: TokenCookieOptions | undefined,
  clock: () => number,
): RefreshSettings | undefined {
  if (options === undefined) return undefined;
  const where = `${owner}: refreshTokens`;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${where} must be an options object, e.g. refreshTokens: { expiresIn: 1209600 } ({} for the defaults).`);
  }
  if (store === undefined) throw new TypeError(`${where} needs "store" to keep the refresh-token families in (e.g. store: memoryStore(), or redisStore({ client }) for several instances).`);
  rejectUnknownOptions(where, options, NAMES);
  const given = options as RefreshTokenOptions;
  wholeSeconds(where, 'expiresIn', given.expiresIn);
  wholeSeconds(where, 'absoluteLifetime', given.absoluteLifetime);
  checkNumber(where, 'reuseInterval', given.reuseInterval, 0);
  if (given.reuseInterval !== undefined && given.reuseInterval > 60) throw new TypeError(`${where}: "reuseInterval" must be at most 60 seconds: it only covers concurrent refreshes.`);
  const expiresIn = given.expiresIn ?? 1_209_600;
  const absoluteLifetime = given.absoluteLifetime ?? 2_592_000;
  return {
    store,
    expiresIn,
    absoluteLifetime,
    reuseIntervalMs: Math.round((given.reuseInterval ?? 2) * 1000),
    cookie: readCookie(where, given.cookie, backendCookie),
    clock,
  };
}
