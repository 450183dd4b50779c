import express, { type Router } from 'express';
import { authenticated, type AuthenticatedRequest, type JWTCookieAuthenticationBackend, requires } from '../lib';
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
export function browserRoutes(backend: JWTCookieAuthenticationBackend<DemoAccount>): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/login', (req, res) => {
    res.type('html').send(loginPage(localPath(req.query.next)));
  });

  router.post('/session', form, async (req, res) => {
    const { username, password, next } = (req.body ?? {}) as Record<string, unknown>;
    const user = typeof username === 'string' && typeof password === 'string' ? await verifyCredentials(username, password) : null;
    if (user === null) {
      res.status(401).type('html').send(loginPage(localPath(next), 'Unknown user or wrong password.'));
      return;
    }
    res.location(localPath(next));
    backend.login(res, { sub: user.username, username: user.username, scope: user.scopes.join(' ') }, { status: 303 });
  });

  router.get('/profile', authenticated({ redirect: '/login' }), (req, res) => {
    const { user, auth } = req as AuthenticatedRequest;
    res.type('html').send(profilePage(user.displayName, auth.scopes));
  });

  router.post('/notes', requires('read'), form, (req, res) => {
    const note = typeof req.body?.note === 'string' ? req.body.note : '';
    res.type('html').send(notePage((req as AuthenticatedRequest).user.displayName, note));
  });

  router.post('/logout', (_req, res) => {
    backend.logout(res);
    res.redirect(303, '/login');
  });

  return router;
}
