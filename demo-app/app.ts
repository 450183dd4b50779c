import express, { type ErrorRequestHandler, type Express } from 'express';
import {
  anonymousAllowed,
  authenticated,
  type AuthenticatedRequest,
  authenticationMiddleware,
  formatChallenge,
  JWTAuthenticationBackend,
  requires,
} from '../lib';
import { demoKey, issueAccessToken, TOKEN_LIFETIME_SEC } from './tokens';
import { verifyCredentials } from './users';

/** Options of {@link createDemoApp}. */
export interface DemoAppOptions {
  /** The HS256 secret tokens are signed and verified with. Required. */
  readonly secret: string;
  /** The clock, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
}

/**
 * The demo application: `POST /login`, `GET /` (anonymous), `GET /me` (authenticated),
 * `GET /admin` (requires `admin`).
 */
export function createDemoApp({ secret, clock = Date.now }: DemoAppOptions): Express {
  const key = demoKey(secret);
  const backend = new JWTAuthenticationBackend({ secretKey: key, clock });
  const app = express();
  app.disable('x-powered-by');
  app.use(authenticationMiddleware(backend));

  app.post('/login', anonymousAllowed(), express.json({ limit: '4kb' }), async (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') {
      res.status(400).json({ error: 'invalid_request', detail: 'Send JSON {"username": "...", "password": "..."}.' });
      return;
    }
    const user = await verifyCredentials(username, password);
    if (user === null) {
      res.status(401).set('WWW-Authenticate', formatChallenge(backend.challenge))
        .json({ error: 'invalid_credentials', detail: 'Unknown user or wrong password.' });
      return;
    }
    res.set('Cache-Control', 'no-store').json({
      access_token: issueAccessToken(user, key, clock()),
      token_type: 'Bearer',
      expires_in: TOKEN_LIFETIME_SEC,
    });
  });

  app.get('/', (req, res) => {
    res.json({ payload: req.auth.payload ?? null });
  });

  app.get('/me', authenticated(), (req, res) => {
    const { user, auth } = req as AuthenticatedRequest;
    res.json({ username: user.displayName, identity: user.identity, scopes: auth.scopes });
  });

  app.get('/admin', requires('admin'), (req, res) => {
    res.json({ message: `Welcome to the admin area, ${(req as AuthenticatedRequest).user.displayName}.` });
  });

  const badBody: ErrorRequestHandler = (err: { type?: string; status?: number }, _req, res, next) => {
    if (err.type === 'entity.parse.failed' || err.type === 'entity.too.large') {
      res.status(err.status ?? 400).json({ error: 'invalid_request', detail: 'The request body is not acceptable JSON.' });
      return;
    }
    next(err);
  };
  app.use(badBody);
  return app;
}
