import express from 'express';
import express4 from 'express4';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import {
  type AuthenticationBackend,
  authenticationMiddleware,
  type AuthenticationMiddlewareOptions,
  JWTAuthenticationBackend,
  type JWTAuthenticationBackendOptions,
} from '../../lib';
import { fixedClock, SECRET } from './tokens';
import type { BaseUser } from '../../lib';

/** Both supported Express majors, for `describe.each`. */
export const EXPRESS_VERSIONS = [
  ['Express 5', express],
  ['Express 4', express4 as unknown as typeof express],
] as const;

/** What an app built by {@link buildApp} remembers: which handlers ran, and what they saw. */
export interface Probe {
  handlerRan: boolean;
  appErrors: unknown[];
}

/** A JWT backend with the test secret and the fixed clock, unless told otherwise. */
export function jwtBackend(options: Partial<JWTAuthenticationBackendOptions> = {}): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, ...options });
}

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  readonly expressFactory?: typeof express;
  readonly backend?: AuthenticationBackend<express.Request>;
  readonly middleware?: AuthenticationMiddlewareOptions;
  /** Guards (and other handlers) put in front of the probed handler. Default: none. */
  readonly guards?: RequestHandler[];
  /** Whether to install `authenticationMiddleware`. Default: `true`. */
  readonly install?: boolean;
}

/** What the probes echo of `req.user`: `null` when it is absent (an anonymous request). */
export function echoUser(user: unknown): { isAuthenticated: boolean; displayName: string; identity: string } | null {
  if (user === undefined) return null;
  const { isAuthenticated, displayName, identity } = user as BaseUser;
  return { isAuthenticated, displayName, identity };
}

/**
 * An app with the middleware installed and one route, `GET /probe`, whose handler records that
 * it ran and echoes the user and credentials. An error handler records application errors and
 * answers 500 `{ error: 'application_error' }`.
 */
export function buildApp(options: BuildAppOptions = {}): { app: Express; probe: Probe } {
  const probe: Probe = { handlerRan: false, appErrors: [] };
  const app = (options.expressFactory ?? express)();
  if (options.install !== false) app.use(authenticationMiddleware(options.backend ?? jwtBackend(), options.middleware));
  app.get('/probe', ...(options.guards ?? []), (req, res) => {
    probe.handlerRan = true;
    res.json({
      user: echoUser(req.user),
      scopes: req.auth?.scopes,
      payload: req.auth?.payload ?? null,
    });
  });
  const onAppError: ErrorRequestHandler = (err, _req, res, _next) => {
    probe.appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  };
  app.use(onAppError);
  return { app, probe };
}
