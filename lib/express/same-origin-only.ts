import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { checkSameOrigin, readExpectedOrigin, readTrustedOrigins } from '../cookie/same-origin';
import { DEFAULT_CHALLENGE } from '../core/challenge';
import { rejectUnknownOptions } from '../core/options';
import type { CrossSiteRequestError } from '../errors';
import { renderAuthenticationError } from './render-error';
import { contextOf } from './request-state';

/**
 * Options of {@link sameOriginOnly}.
 *
 * @example
 * ```ts
 * app.post('/session', sameOriginOnly({ trustedOrigins: ['https://admin.example.com'] }), login);
 * ```
 */
export interface SameOriginOnlyOptions {
  /** Other origins (`scheme://host[:port]`) allowed besides the request's own. Default: none. */
  readonly trustedOrigins?: readonly string[];
  /**
   * This application's own origin, behind a proxy that terminates TLS (see the cookie option of
   * the same name). Default: worked out from the request's connection and `Host` header.
   */
  readonly expectedOrigin?: string;
}

/**
 * Refuses a state-changing request (anything but GET, HEAD, OPTIONS, TRACE) that comes from
 * another site, with 403 `cross_site_request`, by the check a cookie backend applies to the
 * requests its cookie authenticates (`Sec-Fetch-Site`, then `Origin`, then `Referer`: scheme,
 * host and port). Put it on the routes that
 * set or clear a session cookie: the cookie check cannot cover them, since a login request
 * carries no cookie yet, and without it another site can sign a visitor into an account of its
 * choosing (login CSRF) or sign them out.
 *
 * @example
 * ```ts
 * app.post('/session', sameOriginOnly(), express.urlencoded({ extended: false }), async (req, res) => {
 *   const user = await users.checkPassword(req.body.username, req.body.password);
 *   if (user === null) return res.status(401).send('Wrong username or password');
 *   res.setHeader('Location', '/');
 *   backend.login(res, user.id, { status: 303 });
 * });
 * app.post('/logout', sameOriginOnly(), (req, res) => { backend.logout(res); res.redirect(303, '/'); });
 * ```
 */
export function sameOriginOnly(options: SameOriginOnlyOptions = {}): RequestHandler {
  if (typeof options !== 'object' || options === null) throw new TypeError('sameOriginOnly: "options" must be an object, e.g. { trustedOrigins: [...] }.');
  rejectUnknownOptions('sameOriginOnly', options, ['trustedOrigins', 'expectedOrigin']);
  const trusted = readTrustedOrigins('sameOriginOnly', options.trustedOrigins);
  const expected = readExpectedOrigin('sameOriginOnly', options.expectedOrigin);
  return function sameOriginOnly(req: Request, res: Response, next: NextFunction): void {
    const context = contextOf(req);
    try {
      checkSameOrigin(req, trusted, context?.challenge ?? DEFAULT_CHALLENGE, expected);
    } catch (err) {
      // Answered as the middleware answers its own errors, or by default without it.
      if (context !== undefined) context.fail(err as CrossSiteRequestError, req, res, next);
      else renderAuthenticationError(err as CrossSiteRequestError, req, res, next);
      return;
    }
    next();
  };
}
