import type { NextFunction, Request, Response } from 'express';
import type { AuthCredentials } from '../credentials';
import type { BaseUser } from '../user';

/**
 * A request that has passed `authenticated()` or `requires()`: `user` and `auth` are present.
 * It is what a handler given to those guards receives, so it needs no cast and no `!`.
 *
 * @typeParam TUser - The user type your backend returns (the JWT backend's `JWTUser`, or what its
 * `retrieveUser` returns). Default: {@link BaseUser}.
 * @typeParam P - The route parameters, as with Express's own `Request<P>`.
 *
 * @example
 * ```ts
 * app.get('/me', authenticated((req: AuthenticatedRequest<JWTUser>, res) => {
 *   res.json({ id: req.user.identity, scopes: req.auth.scopes });
 * }));
 * ```
 */
export type AuthenticatedRequest<TUser extends object = BaseUser, P = Request['params']> = Request<P> & {
  user: TUser;
  auth: AuthCredentials;
};

/**
 * A request that `authenticationMiddleware` has seen: `auth` is always present, `user` only when
 * the request is authenticated. What a handler given to `anonymousAllowed()` receives.
 *
 * @example
 * ```ts
 * app.get('/', anonymousAllowed((req: IdentifiedRequest<JWTUser>, res) => {
 *   res.send(req.auth.isAuthenticated ? `Hello, ${req.user?.displayName}` : 'Hello, stranger');
 * }));
 * ```
 */
export type IdentifiedRequest<TUser extends object = BaseUser, P = Request['params']> = Request<P> & {
  user?: TUser | undefined;
  auth: AuthCredentials;
};

/**
 * A route handler behind a guard: Express's handler, with the request typed by what the guard
 * has checked. It may be async; a rejection goes to `next(err)` on Express 4 as on Express 5.
 *
 * @example
 * ```ts
 * const me: GuardedHandler<AuthenticatedRequest<JWTUser>> = (req, res) => res.json({ id: req.user.identity });
 * app.get('/me', authenticated(me));
 * ```
 */
export type GuardedHandler<TRequest extends Request = AuthenticatedRequest> = (req: TRequest, res: Response, next: NextFunction) => unknown;
