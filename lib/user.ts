/**
 * What every `req.user` provides, whatever backend set it (Starlette's `BaseUser`).
 *
 * @example
 * ```ts
 * class ApiClient implements BaseUser {
 *   readonly isAuthenticated = true;
 *   constructor(readonly identity: string, readonly displayName: string) {}
 * }
 * ```
 */
export interface BaseUser {
  /** `true` for a user whose credentials were verified, `false` for the anonymous user. */
  readonly isAuthenticated: boolean;
  /** A human-readable name; `''` for the anonymous user. */
  readonly displayName: string;
  /** A stable identifier (for JWT users, the `sub` claim); `''` for the anonymous user. */
  readonly identity: string;
}

/**
 * An authenticated user known only by name (Starlette's `SimpleUser`).
 *
 * @example
 * ```ts
 * return { user: new SimpleUser('alice'), credentials: new AuthCredentials(['authenticated']) };
 * ```
 */
export class SimpleUser implements BaseUser {
  readonly isAuthenticated = true;

  constructor(readonly username: string) {}

  get displayName(): string {
    return this.username;
  }

  get identity(): string {
    return this.username;
  }
}

/**
 * Starlette's placeholder for the user of a request that carries no credentials. By default an
 * anonymous request has no `req.user` at all (the Express convention that passport's
 * `req.isAuthenticated()` and every `if (req.user)` rely on); give
 * `authenticationMiddleware(backend, { anonymousUser: new UnauthenticatedUser() })` to get this
 * object instead. It is truthy: never combine that option with passport or with code that tests
 * `req.user` for truthiness.
 *
 * @example
 * ```ts
 * app.use(authenticationMiddleware(backend, { anonymousUser: new UnauthenticatedUser() }));
 * ```
 */
export class UnauthenticatedUser implements BaseUser {
  readonly isAuthenticated = false;
  readonly displayName = '';
  readonly identity = '';
}
