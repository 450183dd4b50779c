import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rejectUnknownOptions } from '../core/options';
import { InsufficientScopeError, NotAuthenticatedError } from '../errors';
import { type AuthContext, getAuthContext } from './request-context';
import { tagRouteAccess } from './route-access';
import { SCOPE_TOKEN, VISIBLE_ASCII } from '../core/grammar';

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
}

const GUARD_OPTIONS = ['statusCode', 'redirect'] as const;

function readScopes(owner: string, scopes: unknown): readonly string[] {
  const list = typeof scopes === 'string' ? [scopes] : scopes;
  if (!Array.isArray(list) || !list.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new TypeError(`${owner}: scopes must be a scope name or an array of scope names (RFC 6750 scope-tokens: no spaces, quotes or backslashes).`);
  }
  return Object.freeze([...list]);
}

function readOptions(owner: string, options: object): RequiresOptions {
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

function checkObject(owner: string, options: unknown, hint: string): asserts options is object {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${owner}: "options" must be an object, e.g. ${hint}.`);
  }
}

/** The middleware's context, or `undefined` after handing `next` the error that says to install it. */
function contextOrFail(owner: string, req: Request, next: NextFunction): AuthContext | undefined {
  const context = getAuthContext(req);
  if (context === undefined) {
    next(new TypeError(`${owner}() found no authentication: install app.use(authenticationMiddleware(backend)) before this route.`));
  }
  return context;
}

function redirectTarget(redirect: string, req: Request): string {
  return `${redirect}${redirect.includes('?') ? '&' : '?'}next=${encodeURIComponent(req.originalUrl)}`;
}

function createGuard(owner: string, scopes: readonly string[], options: RequiresOptions): RequestHandler {
  const { statusCode, redirect } = options;
  const guard = function requireAuthentication(req: Request, res: Response, next: NextFunction): void {
    const context = contextOrFail(owner, req, next);
    if (context === undefined) return;
    if (req.user?.isAuthenticated !== true) {
      if (redirect !== undefined) {
        res.redirect(303, redirectTarget(redirect, req));
        return;
      }
      context.fail(new NotAuthenticatedError({ challenge: context.challenge }), req, res, next);
      return;
    }
    if (!req.auth.hasScopes(scopes)) {
      context.fail(new InsufficientScopeError(scopes, { challenge: context.challenge, status: statusCode }), req, res, next);
      return;
    }
    next();
  };
  return tagRouteAccess(guard, { kind: 'authenticated', scopes });
}

/**
 * Guards a route: only authenticated requests, holding every one of `scopes`, get through.
 * An anonymous request gets 401 with a bare `WWW-Authenticate` challenge (or a 303 to
 * `redirect`); an authenticated one lacking a scope gets 403 `insufficient_scope`.
 *
 * @example
 * ```ts
 * app.get('/me', authenticated(), (req, res) => res.json({ user: req.user!.displayName }));
 * ```
 */
export function authenticated(options: AuthenticatedOptions = {}): RequestHandler {
  checkObject('authenticated', options, "{ scopes: ['admin'] }, or use requires('admin')");
  const { scopes, ...rest } = options;
  return createGuard('authenticated', readScopes('authenticated', scopes ?? []), readOptions('authenticated', rest));
}

/**
 * Guards a route by scopes, like Starlette's `@requires`: an anonymous request gets 401 (or a
 * 303 to `redirect`), an authenticated one lacking a scope gets 403 (or `statusCode`).
 * `requires('authenticated')` is the same as `authenticated()`.
 *
 * @example
 * ```ts
 * app.delete('/posts/:id', requires(['posts:write', 'admin']), handler);
 * ```
 */
export function requires(scopes: string | readonly string[], options: RequiresOptions = {}): RequestHandler {
  checkObject('requires', options, '{ statusCode: 404 }');
  return createGuard('requires', readScopes('requires', scopes), readOptions('requires', options));
}

/**
 * Lets every request through and marks the route public, so intent is explicit and OpenAPI
 * generation can tell it from a forgotten guard. Anonymous access is already the default.
 *
 * @example
 * ```ts
 * app.get('/health', anonymousAllowed(), (req, res) => res.send('ok'));
 * ```
 */
export function anonymousAllowed(): RequestHandler {
  const guard = function allowAnonymous(req: Request, _res: Response, next: NextFunction): void {
    if (contextOrFail('anonymousAllowed', req, next) !== undefined) next();
  };
  return tagRouteAccess(guard, { kind: 'anonymous' });
}
