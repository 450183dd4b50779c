import type { ErrorRequestHandler, RequestHandler, Response } from 'express';

/**
 * How the peers answer a refused request: the same status, `WWW-Authenticate` challenge and
 * problem+json body as the project's default rendering, so that no variant is faster only
 * because it says less.
 */
export function sendUnauthorized(res: Response, error: 'invalid_token' | 'not_authenticated'): void {
  const detail = error === 'invalid_token' ? 'The access token is invalid.' : 'This resource requires authentication.';
  const challenge = error === 'invalid_token'
    ? `Bearer realm="api", error="invalid_token", error_description="${detail}"`
    : 'Bearer realm="api"';
  res.status(401).set('WWW-Authenticate', challenge).set('Cache-Control', 'no-store')
    .type('application/problem+json')
    .send(JSON.stringify({ type: 'about:blank', title: 'Unauthorized', status: 401, detail, error }));
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The error handler of the peers that pass refusals to `next(err)` (express-jwt, express-oauth2-jwt-bearer). */
export const renderPeerError: ErrorRequestHandler = function renderPeerError(err, _req, res, next) {
  if (statusOf(err) === 401) sendUnauthorized(res, 'invalid_token');
  else next(err);
};

/** A guard for the peers: 401 unless `isAuthenticated` says the request carried a valid token. */
export function peerGuard(isAuthenticated: (res: Response, req: Parameters<RequestHandler>[0]) => boolean): RequestHandler {
  return function requireToken(req, res, next) {
    if (isAuthenticated(res, req)) next();
    else sendUnauthorized(res, 'not_authenticated');
  };
}
