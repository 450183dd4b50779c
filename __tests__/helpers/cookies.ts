import express from 'express';
import type { ErrorRequestHandler, Express, Request, RequestHandler } from 'express';
import type { Response } from 'supertest';
import {
  type AuthenticationBackend,
  authenticationMiddleware,
  type AuthenticationMiddlewareOptions,
  JWTAuthenticationBackend,
  type JWTAuthenticationBackendOptions,
  type TokenCookieOptions,
} from '../../lib';
import { echoUser, type Probe } from './apps';
import { fixedClock, SECRET } from './tokens';

/** The backend's options and the cookie's, in one object, as the tests give them. */
export type CookieBackendTestOptions = Partial<JWTAuthenticationBackendOptions> & Omit<TokenCookieOptions, 'name'> & { readonly cookieName?: string };

/**
 * A backend reading the header and a cookie, with the test secret and the fixed clock, unless
 * told otherwise: `cookieName`, `secure`, `sameSite`, `domain`, `path`, `trustedOrigins` and `expectedOrigin` go to
 * its `cookie` option, the rest to the backend.
 */
export function cookieBackend(options: CookieBackendTestOptions = {}): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, ...withCookieOptions({ cookie: {}, ...options }) });
}

/** Moves the flat cookie options of the tests into `cookie` (which they enable unless `cookie` is absent and none is given). */
export function withCookieOptions(options: CookieBackendTestOptions): Partial<JWTAuthenticationBackendOptions> {
  const { cookieName, secure, sameSite, domain, path, trustedOrigins, expectedOrigin, cookie, ...backend } = options;
  const given = Object.entries({ name: cookieName, secure, sameSite, domain, path, trustedOrigins, expectedOrigin }).filter(([, value]) => value !== undefined);
  if (cookie === undefined && given.length === 0) return backend;
  return { ...backend, cookie: { ...cookie, ...Object.fromEntries(given) } as TokenCookieOptions };
}

/** Options of {@link buildProbeApp}. */
export interface ProbeAppOptions {
  readonly expressFactory?: typeof express;
  /** One backend or a chain. Default: {@link cookieBackend}(). */
  readonly backend?: AuthenticationBackend<Request> | readonly AuthenticationBackend<Request>[];
  readonly middleware?: AuthenticationMiddlewareOptions;
  /** Guards put in front of the probed handler. Default: none. */
  readonly guards?: RequestHandler[];
  /** Installs the middleware and the probe in a router mounted at this path. Default: none. */
  readonly mount?: string;
  /** Adds routes (login, logout...) after the middleware and before the probe. */
  readonly routes?: (app: Express) => void;
}

/**
 * An app with the middleware installed and a catch-all probe: every method on every path runs
 * the guards, then a handler that records it ran and echoes the method, the path, the user and
 * the credentials. An error handler records application errors and answers 500.
 */
export function buildProbeApp(options: ProbeAppOptions = {}): { app: Express; probe: Probe } {
  const factory = options.expressFactory ?? express;
  const probe: Probe = { handlerRan: false, appErrors: [] };
  const app = factory();
  const middleware = authenticationMiddleware(options.backend ?? cookieBackend(), options.middleware);
  const handler: RequestHandler = (req, res) => {
    probe.handlerRan = true;
    res.json({
      method: req.method,
      path: req.originalUrl,
      user: echoUser(req.user),
      scopes: req.auth?.scopes,
      payload: req.auth?.payload ?? null,
    });
  };
  if (options.mount === undefined) {
    app.use(middleware);
    options.routes?.(app);
    app.use(...(options.guards ?? []), handler);
  } else {
    const router = factory.Router();
    router.use(middleware, ...(options.guards ?? []), handler);
    app.use(options.mount, router);
  }
  const onAppError: ErrorRequestHandler = (err, _req, res, _next) => {
    probe.appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  };
  app.use(onAppError);
  return { app, probe };
}

/** One `Set-Cookie` header, split into its name, value and attributes (names lower-cased). */
export interface ParsedSetCookie {
  readonly name: string;
  readonly value: string;
  readonly attributes: Readonly<Record<string, string | true>>;
}

/** Parses a `Set-Cookie` value; attribute order does not matter to the result. */
export function parseSetCookie(header: string): ParsedSetCookie {
  const [pair, ...rest] = header.split(';').map((part) => part.trim());
  const equals = pair.indexOf('=');
  const attributes: Record<string, string | true> = {};
  for (const attribute of rest) {
    const at = attribute.indexOf('=');
    if (at === -1) attributes[attribute.toLowerCase()] = true;
    else attributes[attribute.slice(0, at).toLowerCase()] = attribute.slice(at + 1);
  }
  return { name: pair.slice(0, equals), value: pair.slice(equals + 1), attributes };
}

/** The `Set-Cookie` headers of a response, as a list (empty when there are none). */
export function setCookiesOf(res: Response): string[] {
  const header: unknown = res.headers['set-cookie'];
  if (header === undefined) return [];
  return Array.isArray(header) ? header.map(String) : [String(header)];
}

/** The one `Set-Cookie` of a response for the cookie `name`, parsed; fails when not exactly one. */
export function setCookieNamed(res: Response, name: string): ParsedSetCookie {
  const matches = setCookiesOf(res).map(parseSetCookie).filter((cookie) => cookie.name === name);
  expect(matches).toHaveLength(1);
  return matches[0];
}

/**
 * Asserts a `cross_site_request` refusal completely: 403, no `WWW-Authenticate` (other
 * credentials would not help), the problem+json body, and that the handler did not run.
 */
export function expectCrossSiteRejection(res: Response, probe: Probe): void {
  expect(res.status).toBe(403);
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(JSON.parse(res.text)).toEqual({
    type: 'about:blank',
    title: 'Forbidden',
    status: 403,
    detail: 'A cookie-authenticated request that changes state must come from this site\'s own origin.',
    error: 'cross_site_request',
  });
  expect(probe.handlerRan).toBe(false);
  expect(probe.appErrors).toEqual([]);
}
