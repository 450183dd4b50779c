import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { DEFAULT_CHALLENGE } from '../core/challenge';
import { rejectUnknownOptions } from '../core/options';
import { AuthCredentials } from '../credentials';
import { type AnyAuthenticationError, AuthenticationError } from '../errors';
import { UnauthenticatedUser } from '../user';
import './augment';
import { type AuthenticationErrorHandler, renderAuthenticationError } from './render-error';
import { type AuthContext, setAuthContext } from './request-context';

const OWNER = 'authenticationMiddleware';

/**
 * Options of {@link authenticationMiddleware}.
 *
 * @example
 * ```ts
 * const options: AuthenticationMiddlewareOptions = {
 *   onError: (err, req, res) => res.status(err.status).set(err.headers).json({ error: err.code }),
 * };
 * ```
 */
export interface AuthenticationMiddlewareOptions {
  /**
   * Answers requests whose credentials are bad, and the guards' rejections. It receives only
   * `AuthenticationError`s; if it throws or rejects, that error goes to `next(err)`.
   * Default: {@link renderAuthenticationError} (status, `WWW-Authenticate`, problem+json body).
   */
  readonly onError?: AuthenticationErrorHandler;
}

const ANONYMOUS_USER: Express.User = Object.freeze(new UnauthenticatedUser());
const ANONYMOUS_CREDENTIALS = Object.freeze(new AuthCredentials([]));

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function isAuthResult(value: unknown): value is AuthResult {
  const result = value as Partial<AuthResult> | null;
  return typeof result?.user?.isAuthenticated === 'boolean' && result.credentials instanceof AuthCredentials;
}

function makeFail(onError: AuthenticationErrorHandler): AuthContext['fail'] {
  return function fail(err, req, res, next) {
    try {
      const outcome = onError(err, req, res, next);
      if (isThenable(outcome)) outcome.then(undefined, next);
    } catch (handlerError) {
      next(handlerError);
    }
  };
}

/**
 * Identifies the user of every request; it never enforces access (the guards do). It always
 * sets `req.user` and `req.auth`: anonymous (`UnauthenticatedUser`, no scopes) when the backend
 * finds no credentials, the backend's user and credentials when they are valid. When they are
 * bad, the backend's `AuthenticationError` is answered (see `onError`). Any other error from
 * the backend is the application's, and goes to `next(err)`.
 *
 * Works on Express 4 and 5; sync and async backends both work.
 *
 * @example
 * ```ts
 * app.use(authenticationMiddleware(new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET! })));
 * app.get('/', (req, res) => res.json({ payload: req.auth.payload ?? null }));
 * ```
 */
export function authenticationMiddleware(
  backend: AuthenticationBackend<Request>,
  options: AuthenticationMiddlewareOptions = {},
): RequestHandler {
  if (typeof backend?.authenticate !== 'function') {
    throw new TypeError(`${OWNER}: the first argument must be a backend with an authenticate(req) method, e.g. new JWTAuthenticationBackend({ secretKey }).`);
  }
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: "options" must be an object.`);
  rejectUnknownOptions(OWNER, options, ['onError']);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`${OWNER}: "onError" must be a function (err, req, res, next).`);
  }
  const context: AuthContext = Object.freeze({
    challenge: backend.challenge ?? DEFAULT_CHALLENGE,
    fail: makeFail(options.onError ?? renderAuthenticationError),
  });

  return function authenticationMiddleware(req: Request, res: Response, next: NextFunction): void {
    req.user = ANONYMOUS_USER;
    req.auth = ANONYMOUS_CREDENTIALS;
    setAuthContext(req, context);

    const accept = (result: AuthResult | null | undefined): void => {
      if (result === null || result === undefined) return next();
      if (!isAuthResult(result)) {
        return next(new TypeError(`${OWNER}: the backend returned neither null nor { user, credentials: AuthCredentials }.`));
      }
      req.user = result.user as Express.User;
      req.auth = result.credentials;
      next();
    };
    const reject = (err: unknown): void => {
      if (err instanceof AuthenticationError) context.fail(err as AnyAuthenticationError, req, res, next);
      else next(err);
    };

    let outcome: ReturnType<typeof backend.authenticate>;
    try {
      outcome = backend.authenticate(req);
    } catch (err) {
      reject(err);
      return;
    }
    // Sync backends (the JWT backend) answer without a promise, and without a microtask.
    if (isThenable(outcome)) outcome.then(accept, reject);
    else accept(outcome);
  };
}
