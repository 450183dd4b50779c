import express, { type Router } from 'express';
import { anonymousAllowed, authenticated, type AuthenticatedRequest, type IdentifiedRequest, type JWTAuthenticationBackend, requires } from '../lib';
import { type DemoAccount, verifyCredentials } from './users';

/**
 * The JSON API: `POST /login` issues a bearer token, `GET /` shows the payload (anonymous
 * allowed), `GET /me` needs a token, `GET /admin` needs the `admin` scope, `POST /revoke`
 * revokes the token it is called with, `POST /revoke-all` signs its user out everywhere (every
 * token issued so far), `GET /service/status` needs the API key's `service` scope,
 * `GET /account/security` a sign-in in the last 5 minutes (step-up, RFC 9470).
 */
export function apiRoutes(backend: JWTAuthenticationBackend<DemoAccount>): Router {
  const router = express.Router();

  router.post('/login', express.json({ limit: '4kb' }), async (req, res) => {
    const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof username !== 'string' || typeof password !== 'string') {
      res.status(400).json({ error: 'invalid_request', detail: 'Send JSON {"username": "...", "password": "..."}.' });
      return;
    }
    const user = await verifyCredentials(username, password);
    if (user === null) {
      res.status(401).set('WWW-Authenticate', `${backend.challenge.scheme} realm="${backend.challenge.realm ?? 'api'}"`)
        .json({ error: 'invalid_credentials', detail: 'Unknown user or wrong password.' });
      return;
    }
    // auth_time: when the user signed in, for the step-up route below (a token refreshed without a new sign-in keeps it).
    const authTime = Math.floor(backend.clock() / 1000);
    backend.login(res, { sub: user.username, username: user.username, scope: user.scopes.join(' '), auth_time: authTime }, { status: 200 });
  });

  router.get('/', anonymousAllowed((req: IdentifiedRequest, res) => {
    res.json({ payload: req.auth.payload ?? null });
  }));

  router.get('/me', authenticated((req: AuthenticatedRequest<DemoAccount>, res) => {
    res.json({ username: req.user.displayName, identity: req.user.identity, scopes: req.auth.scopes });
  }));

  router.get('/admin', requires('admin', (req: AuthenticatedRequest<DemoAccount>, res) => {
    res.json({ message: `Welcome to the admin area, ${req.user.displayName}.` });
  }));

  // Every instance sharing the backend's store refuses the token within milliseconds.
  router.post('/revoke', authenticated(async (req: AuthenticatedRequest, res) => {
    await backend.revoke(req.auth.token as string);
    res.status(204).end();
  }));

  router.post('/revoke-all', authenticated(async (req: AuthenticatedRequest<DemoAccount>, res) => {
    await backend.revokeSubject(req.user.identity);
    res.status(204).end();
  }));

  // Sensitive settings want a recent sign-in: older tokens get 401 insufficient_user_authentication, max_age="300".
  router.get('/account/security', authenticated({ maxAge: 300 }, (req: AuthenticatedRequest<DemoAccount>, res) => {
    res.json({ message: `Recently signed in as ${req.user.displayName}: you may change your security settings.` });
  }));

  router.get('/service/status', requires('service', (req: AuthenticatedRequest, res) => {
    res.json({ status: 'ok', caller: req.user.displayName });
  }));

  return router;
}
