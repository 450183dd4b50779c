import express, { type Router } from 'express';
import { authenticated, type AuthenticatedRequest, type JWTAuthenticationBackend, requires, sameOriginOnly } from '../lib';
import { loginPage, notePage, profilePage } from './pages';
import { type DemoAccount, verifyCredentials } from './users';

// Only local paths: an open redirect through ?next= would hand the session to another site.
// `/`, not followed by a second `/`, then visible ASCII (%x21-7E) but `\`: browsers drop TAB,
// CR and LF from URLs and read `\` as `/`, so `/<TAB>/evil.example` or `/\evil.example` would
// leave the site as `//evil.example`; and control or non-Latin-1 characters cannot be written
// into a header at all (a 500 after the password check).
const LOCAL_PATH = /^\/(?!\/)[\x21-\x5b\x5d-\x7e]*$/;

function localPath(next: unknown): string {
  return typeof next === 'string' && LOCAL_PATH.test(next) ? next : '/profile';
}

/**
 * The browser flow: a login page that sets the cookie, a profile page, a note form (a
 * cookie-authenticated POST, so same-origin only) and logout.
 */
export function browserRoutes(backend: JWTAuthenticationBackend<DemoAccount>): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/login', (req, res) => {
    res.type('html').send(loginPage(localPath(req.query.next)));
  });

  // Login and logout set the cookie whatever the request carries: only this origin may ask.
  router.post('/session', sameOriginOnly(), form, async (req, res) => {
    const { username, password, next } = (req.body ?? {}) as Record<string, unknown>;
    const user = typeof username === 'string' && typeof password === 'string' ? await verifyCredentials(username, password) : null;
    if (user === null) {
      res.status(401).type('html').send(loginPage(localPath(next), 'Unknown user or wrong password.'));
      return;
    }
    res.location(localPath(next));
    backend.login(res, { sub: user.username, username: user.username, scope: user.scopes.join(' ') }, { status: 303 });
  });

  router.get('/profile', authenticated({ redirect: '/login' }, (req: AuthenticatedRequest<DemoAccount>, res) => {
    const exp = req.auth.payload?.exp;
    res.type('html').send(profilePage(req.user.displayName, req.auth.scopes, typeof exp === 'number' ? exp - Math.floor(Date.now() / 1000) : undefined));
  }));

  router.post('/notes', form, requires('read', (req: AuthenticatedRequest<DemoAccount>, res) => {
    const note: unknown = req.body?.note;
    res.type('html').send(notePage(req.user.displayName, typeof note === 'string' ? note : ''));
  }));

  // Ends the sign-in (its refresh-token family, named by the session's access token) everywhere.
  router.post('/logout', sameOriginOnly(), async (req, res) => {
    await backend.logout(res, { req });
    res.redirect(303, '/login');
  });

  return router;
}
