import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { authenticateChain, type ChainOutcome } from '../request/backend-chain';
import { DEFAULT_CHALLENGE } from '../core/challenge';
import { rejectUnknownOptions } from '../core/options';
import { isInstance } from '../core/is-instance';
import { isThenable } from '../core/thenable';
import { AuthCredentials } from '../credentials';
import { type AnyAuthenticationError, AuthenticationError } from '../errors';
import type { BaseUser } from '../user';
import './augment';
import { asError } from '../core/as-error';
import { compileExclusions, type ExcludePattern } from './exclusions';
import { tagMiddleware } from './middleware-metadata';
import { type AuthenticationErrorHandler, renderAuthenticationError } from './render-error';
import type { AuthContext } from './request-context';
import { authOf, enterRequest, identify, overrideContext } from './request-state';
import { countRefusal, readThrottle, refuseBlocked } from './refusal-throttle';
import type { FailureThrottle } from '../throttle/failure-throttle';
import { type ChainObservation, observeAuthentication, observedChain, publishAuthentication, refusalReason } from './authentication-events';

const OWNER = 'authenticationMiddleware';

/**
 * Options of {@link authenticationMiddleware}.
 *
 * @example
 * ```ts
 * const options: AuthenticationMiddlewareOptions = {
 *   exclude: ['/login', '/docs/*rest'],
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
  /**
   * Paths that skip authentication entirely (their requests are anonymous, so a stale token
   * cannot block the login route). Express path syntax, anchored (`'/login'` does not match
   * `'/login-history'`), case-insensitive, matched against the full path of `req.originalUrl`
   * (including where a router is mounted); or RegExps, tested against that path as they are.
   * Default: none.
   */
  readonly exclude?: readonly ExcludePattern[];
  /**
   * Methods that skip authentication on every path, and that the guards then let through: a
   * request with one of these methods is anonymous and reaches its handler even on a route behind
   * `authenticated()` or `requires()`. Default: `['OPTIONS']`, so a CORS preflight never needs a
   * token (nor gets a 401 from an app-wide guard). Pass `[]` to authenticate and guard every method.
   */
  readonly excludeMethods?: readonly string[];
  /**
   * What `req.user` is for an anonymous request. Default: nothing (`req.user` stays `undefined`,
   * the Express convention). Starlette's placeholder is `new UnauthenticatedUser()`, but it is
   * truthy: with it, passport's `req.isAuthenticated()` and every `if (req.user)` take anonymous
   * requests for signed-in users. Never use it beside passport.
   */
  readonly anonymousUser?: BaseUser;
  /**
   * Counts refused credentials (400 `invalid_request`, 401 `invalid_token`) per client IP
   * (`req.ip`, which follows `trust proxy`) in the throttle's store. Past its `maxFailures` in a
   * window, the refusal is answered 429 with `Retry-After`, and so is every further request of
   * that client to this process (excluded paths aside) until the window ends, before any backend
   * runs. Fails open when the store is down. Default: none (no counting).
   */
  readonly throttle?: FailureThrottle;
}

/** No user yet: passport writes `null` when it signs a user out. */
function isAbsent(user: unknown): boolean {
  return user === undefined || user === null;
}

function isAuthResult(value: unknown): value is AuthResult {
  const result = value as Partial<AuthResult> | null;
  return typeof result?.user === 'object' && result.user !== null && result.credentials instanceof AuthCredentials
    && result.credentials.isAuthenticated;
}

function readBackends(backends: unknown): readonly AuthenticationBackend<Request>[] {
  const list = Array.isArray(backends) ? backends : [backends];
  if (list.length === 0 || !list.every((backend) => typeof (backend as AuthenticationBackend | null)?.authenticate === 'function')) {
    throw new TypeError(`${OWNER}: the first argument must be a backend with an authenticate(req) method, or a non-empty array of them, e.g. new JWTAuthenticationBackend({ secretKey }).`);
  }
  return Object.freeze([...list] as AuthenticationBackend<Request>[]);
}

function makeFail(onError: AuthenticationErrorHandler): AuthContext['fail'] {
  return function fail(err, req, res, next) {
    try {
      const outcome = onError(err, req, res, next);
      if (isThenable(outcome)) outcome.then(undefined, (handlerError: unknown) => next(asError(handlerError)));
    } catch (handlerError) {
      next(asError(handlerError));
    }
  };
}

/**
 * Identifies the user of every request; it never enforces access (the guards do). It always
 * sets `req.auth`, and sets `req.user` only for an authenticated request:
 * - no backend finds credentials: `req.auth` is `AuthCredentials.anonymous` and `req.user` is
 *   left as it was (`undefined`, unless an earlier middleware such as `passport.session()` set it);
 * - valid credentials: `req.auth` is the backend's credentials and `req.user` its user (a user
 *   an earlier middleware already set is kept);
 * - bad credentials: the backend's `AuthenticationError` is answered (see `onError`). Any other
 *   error from a backend is the application's, and goes to `next(err)`.
 *
 * Given several backends, it asks them in order: the first that finds credentials wins, and an
 * `AuthenticationError` from any of them ends the chain. Works on Express 4 and 5; sync and
 * async backends both work.
 *
 * @example
 * ```ts
 * app.use(authenticationMiddleware(new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET! })));
 * app.use(authenticationMiddleware([headerBackend, cookieBackend, apiKeyBackend], { exclude: ['/login'] }));
 * ```
 */
export function authenticationMiddleware(
  backend: AuthenticationBackend<Request> | readonly AuthenticationBackend<Request>[],
  options: AuthenticationMiddlewareOptions = {},
): RequestHandler {
  const backends = readBackends(backend);
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: "options" must be an object.`);
  rejectUnknownOptions(OWNER, options, ['onError', 'exclude', 'excludeMethods', 'anonymousUser', 'throttle']);
  const throttle = readThrottle(OWNER, options.throttle);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`${OWNER}: "onError" must be a function (err, req, res, next).`);
  }
  const { anonymousUser } = options;
  if (anonymousUser !== undefined && (typeof anonymousUser !== 'object' || anonymousUser === null)) {
    throw new TypeError(`${OWNER}: "anonymousUser" must be a user object, e.g. new UnauthenticatedUser(), or left out (the default: no req.user).`);
  }
  const excludeMethods = options.excludeMethods ?? ['OPTIONS'];
  const isExcluded = compileExclusions(options.exclude ?? [], excludeMethods);
  const skipsGuards = compileExclusions([], excludeMethods);
  const context: AuthContext = Object.freeze({
    challenge: backends[0].challenge ?? DEFAULT_CHALLENGE,
    fail: makeFail(options.onError ?? renderAuthenticationError),
    guardsPass: false,
    clock: backends[0].clock ?? Date.now,
  });
  // The context of the requests the guards let through (CORS preflights); only they carry it.
  const passingContext: AuthContext = Object.freeze({ ...context, guardsPass: true });

  // Writes only what does not already read so: an Express request reads the anonymous
  // credentials until something is written (see request-state.ts), so most anonymous requests
  // cost no write at all.
  function setAnonymous(req: Request): void {
    if (authOf(req) !== AuthCredentials.anonymous) req.auth = AuthCredentials.anonymous;
    // Never replaces the user an earlier middleware (a passport session) identified.
    if (anonymousUser !== undefined && isAbsent(req.user)) req.user = anonymousUser as Express.User;
  }

  const keepsUser = (current: unknown): boolean => !isAbsent(current) && current !== anonymousUser;

  // Defined once per middleware, not per request: the hot path allocates no closures.
  function accept(result: ChainOutcome, req: Request, next: NextFunction, observation?: ChainObservation): void {
    if (result === null || result === undefined) {
      setAnonymous(req);
      if (observation !== undefined) publishAuthentication(observation, backends, 'anonymous', 'no_credentials');
      return next();
    }
    if (!isAuthResult(result)) {
      return next(new TypeError(`${OWNER}: a backend returned neither null nor { user, credentials: AuthCredentials } (AuthCredentials.anonymous is not a backend's answer; return null).`));
    }
    // An earlier middleware's user (a passport session) is kept: the request was already identified.
    identify(req, result.user, result.credentials, keepsUser);
    if (observation !== undefined) publishAuthentication(observation, backends, 'authenticated', 'valid_credentials', result.credentials);
    next();
  }
  function reject(err: unknown, req: Request, res: Response, next: NextFunction, observation?: ChainObservation): void {
    setAnonymous(req);
    if (!isInstance(err, AuthenticationError)) return next(asError(err));
    if (observation !== undefined) publishAuthentication(observation, backends, 'refused', refusalReason(err as AnyAuthenticationError));
    if (throttle !== undefined) countRefusal(throttle, err as AnyAuthenticationError, req, res, next, context);
    else context.fail(err as AnyAuthenticationError, req, res, next);
  }

  return tagMiddleware(function authenticationMiddleware(req: Request, res: Response, next: NextFunction): void {
    enterRequest(req, context);
    const observation = observeAuthentication();
    if (isExcluded(req)) {
      if (skipsGuards(req)) overrideContext(req, passingContext);
      setAnonymous(req);
      if (observation !== undefined) publishAuthentication(observation, backends, 'anonymous', 'excluded');
      return next();
    }
    if (throttle !== undefined && refuseBlocked(throttle, req, res)) return;

    let outcome: ChainOutcome | Promise<ChainOutcome>;
    try {
      outcome = observation === undefined ? authenticateChain(backends, req) : observedChain(backends, req, observation);
    } catch (err) {
      reject(err, req, res, next, observation);
      return;
    }
    // Sync backends (the JWT backend) answer without a promise, and without a microtask.
    if (isThenable<ChainOutcome>(outcome)) {
      outcome.then((result) => accept(result, req, next, observation), (err: unknown) => reject(err, req, res, next, observation));
    } else {
      accept(outcome, req, next, observation);
    }
  }, { backends, isExcluded });
}
