import type { IncomingMessage } from 'node:http';
import type { Challenge } from './core/challenge';
import type { AuthCredentials } from './credentials';
import type { BaseUser } from './user';

/**
 * What a backend returns for a request that carries valid credentials: the user becomes
 * `req.user` (any object; the library's own users implement {@link BaseUser}) and the
 * credentials `req.auth`.
 *
 * @example
 * ```ts
 * return { user: new SimpleUser('bob'), credentials: new AuthCredentials(['authenticated']) };
 * ```
 */
export interface AuthResult<TUser extends object = BaseUser> {
  readonly credentials: AuthCredentials;
  readonly user: TUser;
}

/**
 * Identifies the user of a request (Starlette's `AuthenticationBackend`). `authenticate`
 * has three outcomes, and may return them directly or as a promise:
 * - `null`: the request carries no credentials for this backend (it goes on as anonymous);
 * - an {@link AuthResult}: the credentials are present and valid;
 * - throws an `AuthenticationError`: the credentials are present but bad.
 *
 * Anything else it throws is the application's error (it reaches `next(err)`).
 *
 * @example
 * ```ts
 * class ApiKeyBackend implements AuthenticationBackend {
 *   readonly challenge = { scheme: 'ApiKey', realm: 'api' };
 *   authenticate(req: IncomingMessage) {
 *     const key = req.headers['x-api-key'];
 *     if (key === undefined) return null;
 *     if (key !== process.env.API_KEY) throw new InvalidTokenError('bad_signature', { challenge: this.challenge });
 *     return { user: new SimpleUser('service'), credentials: new AuthCredentials(['authenticated']) };
 *   }
 * }
 * ```
 */
export interface AuthenticationBackend<TRequest extends IncomingMessage = IncomingMessage> {
  authenticate(req: TRequest): AuthResult<object> | null | Promise<AuthResult<object> | null>;
  /**
   * The challenge guards send when a route needs authentication and the request has none.
   * Default: `Bearer realm="api"`.
   */
  readonly challenge?: Challenge;
  /**
   * The clock the backend checks token times with, in milliseconds since the epoch; the
   * step-up guards (`authenticated({ maxAge })`) read `auth_time` against it. Default: `Date.now`.
   */
  readonly clock?: () => number;
}
