import express, { type Router } from 'express';
import type { JWTAuthenticationBackend } from '../lib';
import { OAuth2PasswordBearer } from '../lib/oauth2';
import { type DemoAccount, verifyCredentials } from './users';

/** Where the demo's token endpoint is: exclude it from `authenticationMiddleware`. */
export const TOKEN_PATH = '/token';

/** The scopes the demo's tokens may carry, as Swagger UI offers them. */
export const DEMO_SCOPES: Readonly<Record<string, string>> = Object.freeze({
  read: 'Read your profile',
  admin: 'Use the admin area',
});

/**
 * The demo's OAuth2 password flow around its JWT backend: the token endpoint `POST /token` issues
 * the same tokens as `POST /login` (same keys, lifetime, `sub`, `username` and `scope`), and its
 * OpenAPI scheme is the password flow Swagger UI logs in with.
 */
export function createOAuth2Backend(backend: JWTAuthenticationBackend<DemoAccount>): OAuth2PasswordBearer<DemoAccount> {
  return new OAuth2PasswordBearer(backend, { tokenUrl: TOKEN_PATH, scopes: DEMO_SCOPES });
}

/**
 * `POST /token`: the RFC 6749 password grant for the demo's users (alice / alice-password,
 * admin / admin-password). `verifyCredentials` from `users.ts` runs scrypt against a dummy hash
 * for unknown users, so an unknown user and a wrong password take the same time and get the
 * same `invalid_grant`. Mounted with `all()`, so that other methods get 405.
 */
export function oauth2Routes(backend: OAuth2PasswordBearer<DemoAccount>): Router {
  const router = express.Router();
  router.all(TOKEN_PATH, backend.tokenEndpoint({
    async verifyCredentials(username, password) {
      const user = await verifyCredentials(username, password);
      return user === null ? null : { sub: user.username, scopes: user.scopes, claims: { username: user.username } };
    },
  }));
  return router;
}
