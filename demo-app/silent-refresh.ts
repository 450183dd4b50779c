import { type Router } from 'express';
import express from 'express';
import { type JWTAuthenticationBackend, refreshHandler } from '../lib';
import type { DemoAccount } from './users';

/** Where the refresh cookie is sent: the refresh route is its only route. */
export const REFRESH_PATH = '/auth/refresh';
/** The `Path` of the refresh cookie. */
export const REFRESH_COOKIE_PATH = '/auth';

// Served as a file, not inline, so that a Content-Security-Policy without 'unsafe-inline' allows it.
// It refreshes when two thirds of the access token's lifetime have passed, then again after each
// answer's expires_in; the refresh cookie is HttpOnly, so the page never sees either token.
const SCRIPT = `(() => {
  const script = document.currentScript;
  const counter = document.getElementById('refreshes');
  let count = 0;
  function schedule(seconds) {
    setTimeout(refresh, Math.max(1, seconds * 2 / 3) * 1000);
  }
  async function refresh() {
    const res = await fetch('${REFRESH_PATH}', { method: 'POST', credentials: 'same-origin' });
    if (!res.ok) { window.location.assign('/login?next=' + encodeURIComponent(location.pathname)); return; }
    const body = await res.json();
    count += 1;
    if (counter) counter.textContent = String(count);
    schedule(body.expires_in);
  }
  schedule(Number(script.dataset.expiresIn));
})();
`;

/**
 * The browser's silent refresh: `POST /auth/refresh` (the library's `refreshHandler`, reading the
 * `HttpOnly`, `SameSite=Strict` refresh cookie) and the script the profile page loads to call it
 * before the access token expires.
 */
export function silentRefreshRoutes(backend: JWTAuthenticationBackend<DemoAccount>): Router {
  const router = express.Router();
  router.post(REFRESH_PATH, refreshHandler(backend));
  router.get('/silent-refresh.js', (_req, res) => {
    res.type('text/javascript').set('Cache-Control', 'no-cache').send(SCRIPT);
  });
  return router;
}
