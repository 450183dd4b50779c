import express, { type ErrorRequestHandler, type Express } from 'express';
import { authenticationMiddleware, JWTCookieAuthenticationBackend } from '../lib';
import { apiRoutes } from './api-routes';
import { browserRoutes } from './browser-routes';
import { TOKEN_LIFETIME_SEC } from './tokens';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** The HS256 secret tokens are signed and verified with. Required. */
  readonly secret: string;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
  /** Whether the session cookie is `Secure` (HTTPS only). Default: `false`, for plain-HTTP trials. */
  readonly secureCookies?: boolean;
}

/**
 * The demo application. The JSON API (`POST /login`, `GET /`, `GET /me`, `GET /admin`) uses
 * bearer tokens; the browser pages (`GET /login`, `POST /session`, `GET /profile`,
 * `POST /notes`, `POST /logout`) use the same backend through its cookie.
 */
export function createDemoApp({ secret, clock = Date.now, secureCookies = false }: DemoAppOptions): Express {
  // One backend serves both: the Authorization header first, then the cookie.
  const backend = new JWTCookieAuthenticationBackend({
    secretKey: secret,
    clock,
    expiresIn: TOKEN_LIFETIME_SEC,
    secure: secureCookies,
  });
  const app = express();
  app.disable('x-powered-by');
  // Logging in and out must work with a stale or foreign token still around.
  app.use(authenticationMiddleware(backend, { exclude: ['/login', '/session', '/logout'] }));
  app.use(apiRoutes(backend));
  app.use(browserRoutes(backend));

  const badBody: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
    if (err.type === 'entity.parse.failed' || err.type === 'entity.too.large') {
      res.status(err.status ?? 400).json({ error: 'invalid_request', detail: 'The request body is not acceptable.' });
      return;
    }
    next(err);
  };
  app.use(badBody);
  return app;
}
