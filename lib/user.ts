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
 * The user of a request that carries no credentials. `req.user` is one of these, never
 * `undefined`, once `authenticationMiddleware` has run.
 *
 * @example
 * ```ts
 * if (!req.user.isAuthenticated) res.redirect('/login');
 * ```
 */
export class UnauthenticatedUser implements BaseUser {
  readonly isAuthenticated = false;
  readonly displayName = '';
  readonly identity = '';
}
