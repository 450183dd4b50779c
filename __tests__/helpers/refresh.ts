import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import {
  authenticated,
  authenticationMiddleware,
  JWTAuthenticationBackend,
  type JWTAuthenticationBackendOptions,
  refreshHandler,
  type Store,
} from '../../lib';
import type { Probe } from './apps';
import { SECRET } from './tokens';

/** What a sign-in answered (RFC 6749 §5.1 body). */
export interface SignedIn {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly expires_in: number;
  readonly scope?: string;
}

/** A header backend with refresh tokens on `store`, the test secret, and `clock`. */
export function refreshBackend(store: Store, clock: () => number, options: Partial<JWTAuthenticationBackendOptions> = {}): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, clock, store, expiresIn: 900, refreshTokens: { reuseInterval: 2 }, ...options });
}

/**
 * An app around a refresh backend: `POST /login` (JSON `{ sub, scope }`, through
 * `backend.login`), `POST /refresh` (`refreshHandler` behind `express.json()`), `POST /logout`
 * (`backend.logout(res, { req, refreshToken })`) and `GET /probe` behind `authenticated()`,
 * whose handler records that it ran.
 */
export function refreshApp(backend: JWTAuthenticationBackend, expressFactory: typeof express = express): { app: Express; probe: Probe } {
  const probe: Probe = { handlerRan: false, appErrors: [] };
  const app = expressFactory();
  app.use(authenticationMiddleware(backend, { exclude: ['/login', '/refresh', '/logout'] }));
  app.post('/login', express.json(), (req, res) => {
    const { sub, scope } = req.body as { sub: string; scope?: string };
    backend.login(res, { sub, ...(scope === undefined ? {} : { scope }) }, { status: 200 });
  });
  app.post('/refresh', express.json(), refreshHandler(backend));
  app.post('/logout', express.json(), async (req, res) => {
    const token = (req.body as { refresh_token?: string } | undefined)?.refresh_token;
    await backend.logout(res, { req, ...(token === undefined ? {} : { refreshToken: token }) });
    res.status(204).end();
  });
  app.get('/probe', authenticated((req, res) => {
    probe.handlerRan = true;
    res.json({ sub: req.user.identity, scopes: req.auth.scopes });
  }));
  app.use(((err, _req, res, _next) => {
    probe.appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  }) as express.ErrorRequestHandler);
  return { app, probe };
}

/** Signs `sub` in through `POST /login` and returns the body. */
export async function signIn(app: Express, sub = 'alice', scope = 'read write'): Promise<SignedIn> {
  const res = await request(app).post('/login').send({ sub, scope });
  expect(res.status).toBe(200);
  return res.body as SignedIn;
}

/** The status `GET /probe` answers for an access token. */
export async function probeStatus(app: Express, accessToken: string): Promise<number> {
  return (await request(app).get('/probe').set('Authorization', `Bearer ${accessToken}`)).status;
}

/** The payload of a JWT, unverified (for assertions on claims the server wrote). */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
