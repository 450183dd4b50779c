import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SCOPE_TOKEN, VISIBLE_ASCII } from '../core/grammar';
import { rejectUnknownOptions } from '../core/options';
import { isThenable } from '../core/thenable';
import { type AnyAuthenticationError, AuthenticationError, InsufficientScopeError, NotAuthenticatedError } from '../errors';
import { asError } from '../core/as-error';
import { isInstance } from '../core/is-instance';
import { readStepUp } from '../jwt/step-up';
import { publishGuardRefusal } from '../observability/guard-events';
import type { GuardRefusalMessage } from '../observability/messages';
import type { AuthenticatedRequest, GuardedHandler, IdentifiedRequest } from './authenticated-request';
import type { GuardCheck } from './guard-check';
import type { AuthContext } from './request-context';
import { authOf, contextOf } from './request-state';
import { type RouteAccess, tagRouteAccess } from './route-access';
import { stepUpCheck } from './step-up-check';

/**
 * Options of {@link requires}.
 *
 * @example
 * ```ts
 * app.get('/admin', requires('admin', { statusCode: 404, redirect: '/login' }), handler);
 * ```
 */
export interface RequiresOptions {
  /**
   * The status of the answer to an authenticated request that lacks a scope (e.g. `404` to
   * hide the route). Default: `403` with `error="insufficient_scope"` (RFC 6750 §3.1).
   */
  readonly statusCode?: number;
  /**
   * For browser routes: where an anonymous request is sent, with a `303 See Other` and
   * `?next=<originalUrl>` appended. Default: none (an anonymous request gets 401).
   */
  readonly redirect?: string;
}

/**
 * Options of {@link authenticated}.
 *
 * @example
 * ```ts
 * app.get('/reports', authenticated({ scopes: ['reports:read'] }), handler);
 * ```
 */
export interface AuthenticatedOptions extends RequiresOptions {
  /** Scopes the request must also hold. Default: none. */
  readonly scopes?: string | readonly string[];
  /**
   * Step-up (RFC 9470): the token's `acr` must be one of these authentication context classes,
   * else 401 `insufficient_user_authentication` with `acr_values="..."` in the challenge (in
   * this order: most preferred first). Checked before `scopes`. Default: `acr` is not checked.
   */
  readonly acrValues?: string | readonly string[];
  /**
   * Step-up (RFC 9470): the user must have authenticated at most this many seconds ago, by the
   * token's `auth_time` and the (first) backend's clock, else 401
   * `insufficient_user_authentication` with `max_age="..."` in the challenge. Not the backend's
   * `maxAge`, which limits the token's age after `iat`. Default: `auth_time` is not checked.
   */
  readonly maxAge?: number;
}

const GUARD_OPTIONS = ['statusCode', 'redirect'] as const;

function readScopes(owner: string, scopes: unknown): readonly string[] {
  const list = typeof scopes === 'string' ? [scopes] : scopes;
  if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new TypeError(`${owner}: scopes must be a scope name or an array of scope names (RFC 6750 scope-tokens: no spaces, quotes or backslashes).`);
  }
  return Object.freeze([...list]);
}

/** Reads `statusCode` and `redirect`, refusing any other option, at construction. */
export function readOptions(owner: string, options: object): RequiresOptions {
  rejectUnknownOptions(owner, options, GUARD_OPTIONS);
  const { statusCode, redirect } = options as RequiresOptions;
  if (statusCode !== undefined && !(Number.isInteger(statusCode) && statusCode >= 400 && statusCode <= 599)) {
    throw new TypeError(`${owner}: "statusCode" must be an integer HTTP error status (400-599).`);
  }
  if (redirect !== undefined && (typeof redirect !== 'string' || !VISIBLE_ASCII.test(redirect))) {
    throw new TypeError(`${owner}: "redirect" must be a non-empty URL or path of visible ASCII characters.`);
  }
  return { statusCode, redirect };
}

/** Throws a `TypeError` unless `options` is a plain options object. */
export function checkObject(owner: string, options: unknown, hint: string): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${owner}: "options" must be an object, e.g. ${hint}.`);
  }
}

/** Throws a `TypeError` unless `handler` is a function or absent. */
export function checkHandler(owner: string, handler: unknown): void {
  if (handler !== undefined && typeof handler !== 'function') {
    throw new TypeError(`${owner}: the route handler must be a function (req, res, next).`);
  }
}

/** The middleware's context, or `undefined` after handing `next` the error that says to install it. */
function contextOrFail(owner: string, req: Request, next: NextFunction): AuthContext | undefined {
  const context = contextOf(req);
  if (context === undefined) {
    next(new TypeError(`${owner}() found no authentication: install app.use(authenticationMiddleware(backend)) before this route.`));
  }
  return context;
}

function redirectTarget(redirect: string, req: Request): string {
  return `${redirect}${redirect.includes('?') ? '&' : '?'}next=${encodeURIComponent(req.originalUrl)}`;
}

/** Calls the handler a guard was given; a rejection goes to `next`, on Express 4 as on 5. */
function runHandler(handler: GuardedHandler<Request>, req: Request, res: Response, next: NextFunction): void {
  const outcome = handler(req, res, next);
  if (isThenable(outcome)) outcome.then(undefined, (err: unknown) => next(asError(err)));
}

/**
 * Builds a guard: 401 (or a 303 to `redirect`) for an anonymous request, then `check`'s answer,
 * then 403 (or `statusCode`) for a missing scope; the handler, when given, runs after all pass.
 */
export function createGuard(
  owner: GuardRefusalMessage['guard'],
  scopes: readonly string[],
  options: RequiresOptions,
  handler: GuardedHandler<Request> | undefined,
  check?: GuardCheck,
  access: RouteAccess = { kind: 'authenticated', scopes },
): RequestHandler {
  const { statusCode, redirect } = options;
  const guard = function requireAuthentication(req: Request, res: Response, next: NextFunction): void {
    const context = contextOrFail(owner, req, next);
    if (context === undefined) return;
    // Authentication is what `req.auth` says, never the truthiness of `req.user`, which an
    // earlier middleware (a passport session) may have set.
    const auth = authOf(req);
    // A CORS preflight (a method in `excludeMethods`) goes on to whatever answers it, never to a
    // handler that was promised an authenticated request: `'route'` skips the rest of this route
    // (`app.all('/x', authenticated(), handler)`), and is a plain `next()` for app-wide guards.
    if (context.guardsPass) return next('route');
    if (auth?.isAuthenticated !== true) {
      publishGuardRefusal(owner, 'not_authenticated', redirect === undefined ? 401 : 303);
      if (redirect !== undefined) {
        res.redirect(303, redirectTarget(redirect, req));
        return;
      }
      context.fail(new NotAuthenticatedError({ challenge: context.challenge }), req, res, next);
      return;
    }
    const refusal = check?.(auth, req, context);
    if (refusal !== undefined) {
      if (isInstance(refusal, AuthenticationError)) {
        const known = refusal as AnyAuthenticationError;
        if (known.code === 'insufficient_scope' || known.code === 'insufficient_user_authentication') publishGuardRefusal(owner, known.code, known.status);
        context.fail(known, req, res, next);
      } else {
        next(refusal);
      }
      return;
    }
    if (!auth.hasScopes(scopes)) {
      publishGuardRefusal(owner, 'insufficient_scope', statusCode ?? 403);
      context.fail(new InsufficientScopeError(scopes, { challenge: context.challenge, status: statusCode }), req, res, next);
      return;
    }
    if (handler === undefined) next();
    else runHandler(handler, req, res, next);
  };
  return tagRouteAccess(guard, access);
}

/**
 * Guards a route: only authenticated requests, holding every one of `scopes`, get through.
 * An anonymous request gets 401 with a bare `WWW-Authenticate` challenge (or a 303 to
 * `redirect`); an authenticated one lacking a scope gets 403 `insufficient_scope`; with `acrValues`
 * or `maxAge` (step-up, RFC 9470), one whose `acr` or `auth_time` falls short gets 401
 * `insufficient_user_authentication` with `acr_values`/`max_age` in the challenge. Requests whose
 * method is in the middleware's `excludeMethods` (default `OPTIONS`: CORS preflights) skip the
 * rest of the route, so they reach what answers preflights (`cors()`, Express's own `OPTIONS`
 * answer), never a handler behind the guard.
 *
 * Given a handler, it returns one route handler that guards and then calls it with a typed
 * {@link AuthenticatedRequest}: `req.user` and `req.auth` are present, without a cast.
 *
 * @example
 * ```ts
 * app.get('/me', authenticated((req: AuthenticatedRequest<JWTUser>, res) => res.json({ id: req.user.identity })));
 * app.get('/reports', authenticated({ scopes: ['reports:read'] }), listReports);
 * app.post('/payments', authenticated({ acrValues: ['urn:example:mfa'], maxAge: 300 }), pay);
 * ```
 */
export function authenticated(options?: AuthenticatedOptions): RequestHandler;
export function authenticated<TRequest extends Request = AuthenticatedRequest>(handler: GuardedHandler<TRequest>): RequestHandler;
export function authenticated<TRequest extends Request = AuthenticatedRequest>(options: AuthenticatedOptions, handler: GuardedHandler<TRequest>): RequestHandler;
export function authenticated(first: AuthenticatedOptions | GuardedHandler<Request> = {}, second?: GuardedHandler<Request>): RequestHandler {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second];
  checkObject('authenticated', options, "{ scopes: ['admin'] }, or use requires('admin')");
  checkHandler('authenticated', handler);
  const { scopes, acrValues, maxAge, ...rest } = options;
  const required = readScopes('authenticated', scopes ?? []);
  const stepUp = readStepUp('authenticated', acrValues, maxAge);
  const access: RouteAccess = { kind: 'authenticated', scopes: required, ...(stepUp === undefined ? {} : { stepUp }) };
  return createGuard('authenticated', required, readOptions('authenticated', rest), handler, stepUp && stepUpCheck(stepUp), access);
}

/**
 * Guards a route by scopes, like Starlette's `@requires`: an anonymous request gets 401 (or a
 * 303 to `redirect`), an authenticated one lacking a scope gets 403 (or `statusCode`).
 * `requires([])` is the same as `authenticated()`. Given a handler, it calls it with a typed
 * {@link AuthenticatedRequest}, as {@link authenticated} does.
 *
 * @example
 * ```ts
 * app.delete('/posts/:id', requires(['posts:write', 'admin']), deletePost);
 * app.get('/admin', requires('admin', (req: AuthenticatedRequest<JWTUser>, res) => res.send(`Hi, ${req.user.displayName}`)));
 * ```
 */
export function requires(scopes: string | readonly string[], options?: RequiresOptions): RequestHandler;
export function requires<TRequest extends Request = AuthenticatedRequest>(scopes: string | readonly string[], handler: GuardedHandler<TRequest>): RequestHandler;
export function requires<TRequest extends Request = AuthenticatedRequest>(scopes: string | readonly string[], options: RequiresOptions, handler: GuardedHandler<TRequest>): RequestHandler;
export function requires(scopes: string | readonly string[], first: RequiresOptions | GuardedHandler<Request> = {}, second?: GuardedHandler<Request>): RequestHandler {
  const [options, handler] = typeof first === 'function' ? [{}, first] : [first, second];
  checkObject('requires', options, '{ statusCode: 404 }');
  checkHandler('requires', handler);
  return createGuard('requires', readScopes('requires', scopes), readOptions('requires', options), handler);
}

/**
 * Lets every request through and marks the route public, so intent is explicit and OpenAPI
 * generation can tell it from a forgotten guard. Anonymous access is already the default. It
 * does not make bad credentials acceptable: the middleware still answers a request with an
 * expired or forged token 401 before any guard runs. Given a handler, it calls it with an
 * {@link IdentifiedRequest} (`req.auth` present, `req.user` when authenticated).
 *
 * @example
 * ```ts
 * app.get('/health', anonymousAllowed(), (req, res) => res.send('ok'));
 * app.get('/', anonymousAllowed((req: IdentifiedRequest, res) => res.send(req.auth.isAuthenticated ? 'Welcome back' : 'Hello')));
 * ```
 */
export function anonymousAllowed(): RequestHandler;
export function anonymousAllowed<TRequest extends Request = IdentifiedRequest>(handler: GuardedHandler<TRequest>): RequestHandler;
export function anonymousAllowed(handler?: GuardedHandler<Request>): RequestHandler {
  checkHandler('anonymousAllowed', handler);
  const guard = function allowAnonymous(req: Request, res: Response, next: NextFunction): void {
    if (contextOrFail('anonymousAllowed', req, next) === undefined) return;
    if (handler === undefined) next();
    else runHandler(handler, req, res, next);
  };
  return tagRouteAccess(guard, { kind: 'anonymous' });
}
