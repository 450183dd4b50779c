/**
 * What `authenticationMiddleware` decided: credentials verified, none found, or refused.
 *
 * @example
 * ```ts
 * const outcome: AuthenticationOutcome = 'refused';
 * ```
 */
export type AuthenticationOutcome = 'authenticated' | 'anonymous' | 'refused';

/**
 * A message of `express-jwt-auth:authenticate`: one per request the middleware decides on. An
 * application error from a backend (it goes to `next(err)`) publishes nothing.
 *
 * @example
 * ```ts
 * const message: AuthenticateMessage = { outcome: 'refused', reason: 'expired', backend: 'JWTAuthenticationBackend', durationSec: 0.00004 };
 * ```
 */
export interface AuthenticateMessage {
  readonly outcome: AuthenticationOutcome;
  /**
   * Why: for `refused`, the error's `reason` (`expired`, `bad_signature`, `missing_token`...) or,
   * for errors without one, its `code` (`temporarily_unavailable`, `cross_site_request`); for
   * `anonymous`, `no_credentials` or `excluded` (an `exclude` path or method); for
   * `authenticated`, `valid_credentials`.
   */
  readonly reason: string;
  /**
   * The class name of the backend that found the credentials or refused them
   * (`JWTAuthenticationBackend`); `undefined` for `anonymous` (no backend found any).
   */
  readonly backend: string | undefined;
  /** The verified token's `alg` header, for `authenticated` JWTs only. */
  readonly algorithm?: string;
  /** The verified token's `iss` claim, for `authenticated` JWTs that carry one. */
  readonly issuer?: string;
  /** How long the backends took to decide, in seconds (`0` for excluded requests). */
  readonly durationSec: number;
}

/**
 * A message of `express-jwt-auth:guard`: a guard refused a request.
 *
 * @example
 * ```ts
 * const message: GuardRefusalMessage = { guard: 'requires', reason: 'insufficient_scope', status: 403 };
 * ```
 */
export interface GuardRefusalMessage {
  /** Which guard refused. */
  readonly guard: 'authenticated' | 'requires' | 'claimEquals' | 'claimIncludes' | 'claimCheck';
  /**
   * `not_authenticated` (anonymous request), `insufficient_scope` (a scope or a claim is
   * missing), or `insufficient_user_authentication` (step-up: `acr` or `auth_time` falls short).
   */
  readonly reason: 'not_authenticated' | 'insufficient_scope' | 'insufficient_user_authentication';
  /** The status answered: 401, 403 (or the guard's `statusCode`), or 303 for a `redirect`. */
  readonly status: number;
}

/**
 * A message of `express-jwt-auth:token-cache`: a token was looked up in a backend's cache of
 * verified tokens (`hit` or `miss`), or found among remembered forged ones (`rejected_hit`).
 *
 * @example
 * ```ts
 * const message: TokenCacheMessage = { result: 'hit' };
 * ```
 */
export interface TokenCacheMessage {
  readonly result: 'hit' | 'miss' | 'rejected_hit';
}

/**
 * A message of `express-jwt-auth:revocation`: `revoke()` (`jti`) or `revokeSubject()` (`sub`)
 * was applied here, and written to the store (`stored`) or kept to be written later (`pending`).
 *
 * @example
 * ```ts
 * const message: RevocationMessage = { kind: 'jti', stored: true };
 * ```
 */
export interface RevocationMessage {
  /** A token id, a subject, or a sign-in (`sid`: a refresh-token family ended). */
  readonly kind: 'jti' | 'sub' | 'sid';
  readonly stored: boolean;
}

/**
 * A message of `express-jwt-auth:throttle`: a failed-authentication throttle counted a failure,
 * refused a client (429), or could not reach its store and let the request through.
 *
 * @example
 * ```ts
 * const message: ThrottleMessage = { event: 'blocked', scope: 'ip', where: 'token_endpoint', retryAfterSec: 42 };
 * ```
 */
export interface ThrottleMessage {
  readonly event: 'counted' | 'blocked' | 'store_unavailable';
  /** What is counted: the client IP, or the username of a sign-in (never shown). */
  readonly scope: 'ip' | 'username';
  /** The token endpoint, or the middleware refusing bearer tokens. */
  readonly where: 'token_endpoint' | 'middleware';
  /** The failures counted in the window so far (`counted`). */
  readonly count?: number;
  /** The `Retry-After` answered, in seconds (`blocked`). */
  readonly retryAfterSec?: number;
}

/**
 * A message of `express-jwt-auth:refresh-reuse`: a refresh token was presented after it had
 * been used, a sign that it was stolen; its whole family is revoked.
 *
 * @example
 * ```ts
 * const message: RefreshReuseMessage = { familyId: 'f3a9…', subject: 'alice' };
 * ```
 */
export interface RefreshReuseMessage {
  /** The opaque identifier of the refresh-token family (never a token). */
  readonly familyId: string;
  /** The `sub` the family was issued to, when known. */
  readonly subject?: string;
}
