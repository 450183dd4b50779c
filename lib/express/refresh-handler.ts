import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { isInstance } from '../core/is-instance';
import { sendCredentialResponse } from '../core/token-response';
import { type AnyAuthenticationError, AuthenticationError } from '../errors';
import type { JWTAuthenticationBackend } from '../jwt/jwt-backend';
import { RefreshTokenError } from '../refresh/refresh-error';
import { type RefreshSide, refreshSideOf } from '../refresh/refresh-registry';
import { sendRefreshError } from '../refresh/refresh-side';
import type { BaseUser } from '../user';
import { renderAuthenticationError } from './render-error';
import { contextOf } from './request-state';

interface RefreshRequest {
  readonly token: unknown;
  readonly scopes: readonly string[] | undefined;
}

/** The refresh token and requested scopes of a request: from the refresh cookie, or from the parsed body. */
function readRefreshRequest(side: RefreshSide, req: Request): RefreshRequest {
  if (side.cookie !== undefined) return { token: side.cookie.read(req) ?? undefined, scopes: undefined };
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null) return { token: undefined, scopes: undefined };
  const { refresh_token: token, scope } = body as Record<string, unknown>;
  if (scope !== undefined && typeof scope !== 'string') throw new RefreshTokenError('scope_not_granted');
  return { token, scopes: scope?.split(' ').filter((name) => name !== '') };
}

function fail(side: RefreshSide, err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) {
    next(err);
  } else if (isInstance(err, RefreshTokenError)) {
    // A refresh cookie that cannot work any more is taken off the browser; a 503 keeps it for the retry.
    if (err.status !== 503) side.cookie?.clear(res);
    sendRefreshError(res, err);
  } else if (isInstance(err, AuthenticationError)) {
    // A refresh cookie from another site, or sent twice: answered as the middleware answers its own errors.
    const context = contextOf(req);
    const authError = err as AnyAuthenticationError;
    if (context !== undefined) context.fail(authError, req, res, next);
    else renderAuthenticationError(authError, req, res, next);
  } else {
    next(err);
  }
}

/**
 * The refresh route of a backend with `refreshTokens` (mount it with `app.post`, and exclude it
 * from `authenticationMiddleware`: it needs no access token, and an expired one must not block
 * it). It rotates the refresh token and
 * answers 200 with the new pair, `Cache-Control: no-store`, as `login()` does: a header backend
 * reads `refresh_token` (and an optional narrower `scope`) from the body parsed before it
 * (`express.json()` or `express.urlencoded()`) and returns the new one as
 * `refresh_token`; a cookie backend reads its `HttpOnly`, `SameSite=Strict` refresh cookie
 * (only from its own site: 403 `cross_site_request` otherwise) and sets both cookies again.
 * Refusals are RFC 6749 §5.2 bodies (`invalid_grant`, `invalid_request`, `invalid_scope`; 503
 * `temporarily_unavailable` when the store is away). Throws a `TypeError` for a backend without
 * `refreshTokens`.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ secretKey, store, cookie: {}, refreshTokens: { cookie: { path: '/auth' } } });
 * app.post('/auth/refresh', refreshHandler(backend));
 * // A header backend: app.post('/refresh', express.json(), refreshHandler(backend));
 * ```
 */
export function refreshHandler(backend: JWTAuthenticationBackend<BaseUser>): RequestHandler {
  const side = typeof backend === 'object' && backend !== null ? refreshSideOf(backend) : undefined;
  if (side === undefined) {
    throw new TypeError('refreshHandler: pass a JWTAuthenticationBackend with the "refreshTokens" option (and a "store").');
  }
  return function refreshHandler(req: Request, res: Response, next: NextFunction): void {
    Promise.resolve()
      .then(async () => {
        const { token, scopes } = readRefreshRequest(side, req);
        const pair = await side.refresh(token, scopes);
        side.attach(res, pair);
        sendCredentialResponse(res, 200, side.body(pair));
      })
      .catch((err: unknown) => fail(side, err, req, res, next));
  };
}
