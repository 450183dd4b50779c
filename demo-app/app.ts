import express, { type ErrorRequestHandler, type Express } from 'express';
import { authenticationMiddleware, JWTCookieAuthenticationBackend } from '../lib';
import { ApiKeyBackend } from './api-key-backend';
import { apiRoutes } from './api-routes';
import { browserRoutes } from './browser-routes';
import { TOKEN_LIFETIME_SEC } from './tokens';
import { type DemoAccount, findAccount } from './users';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** The HS256 secret tokens are signed and verified with. Required. */
  readonly secret: string;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
  /** Whether the session cookie is `Secure` (HTTPS only). Default: `false`, for plain-HTTP trials. */
  readonly secureCookies?: boolean;
  /** The key of the `service` account, sent as `X-API-Key`. Required. */
  readonly apiKey: string;
}

/**
 * The demo application. The JSON API (`POST /login`, `GET /`, `GET /me`, `GET /admin`,
 * `POST /revoke`) uses bearer tokens; the browser pages (`GET /login`, `POST /session`,
 * `GET /profile`, `POST /notes`, `POST /logout`) use the same backend through its cookie;
 * `GET /service/status` takes the `X-API-Key` of a second backend.
 */
export function createDemoApp({ secret, clock = Date.now, secureCookies = false, apiKey }: DemoAppOptions): Express {
  // Revoked token ids; a real application keeps them (until the tokens expire) in its database.
  const revokedTokenIds = new Set<string>();
  // One JWT backend serves both the API and the pages: the Authorization header first, then the cookie.
  const backend = new JWTCookieAuthenticationBackend<DemoAccount>({
    secretKey: secret,
    clock,
    expiresIn: TOKEN_LIFETIME_SEC,
    secure: secureCookies,
    isRevoked: (payload) => typeof payload.jti === 'string' && revokedTokenIds.has(payload.jti),
    retrieveUser: (payload) => findAccount(payload.sub),
  });
  const app = express();
  app.disable('x-powered-by');
  // Logging in and out must work with a stale or foreign token still around.
  app.use(authenticationMiddleware([backend, new ApiKeyBackend(apiKey)], { exclude: ['/login', '/session', '/logout'] }));
  app.use(apiRoutes(backend, revokedTokenIds));
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
