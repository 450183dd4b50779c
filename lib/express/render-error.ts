import type { NextFunction, Request, Response } from 'express';
import { PROBLEM_JSON, problemDetails } from '../problem-details';
import type { AnyAuthenticationError } from '../errors';

/**
 * Decides how an authentication error is answered. Receives Express's `next`, to hand the
 * error on instead (e.g. to an application error handler).
 *
 * @example
 * ```ts
 * const onError: AuthenticationErrorHandler = (err, req, res) => { res.status(err.status).set(err.headers).json({ error: err.code }); };
 * ```
 */
export type AuthenticationErrorHandler = (
  err: AnyAuthenticationError,
  req: Request,
  res: Response,
  next: NextFunction,
) => void | Promise<void>;

/**
 * The default rendering of an authentication error: its status, its `WWW-Authenticate` header,
 * `Cache-Control: no-store`, and an RFC 9457 `application/problem+json` body.
 *
 * @example
 * ```ts
 * app.use(authenticationMiddleware(backend, {
 *   onError(err, req, res, next) {
 *     logger.warn({ code: err.code });
 *     renderAuthenticationError(err, req, res, next);
 *   },
 * }));
 * ```
 */
export const renderAuthenticationError: AuthenticationErrorHandler = function renderAuthenticationError(err, _req, res, next) {
  if (res.headersSent) {
    next(err);
    return;
  }
  const body = JSON.stringify(problemDetails(err));
  // Written with Node's own calls, not res.send: a rejection needs no ETag, no freshness check
  // and no content negotiation, and forged tokens should be cheap to refuse.
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  // Credentials-dependent answers must not be cached by shared caches (RFC 6750 §5.3 spirit).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', `${PROBLEM_JSON}; charset=utf-8`);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
};
