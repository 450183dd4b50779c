import express from 'express';
import type { ErrorRequestHandler, Express, RequestHandler } from 'express';
import type { Response } from 'supertest';
import { authenticated, type AuthenticatedRequest, authenticationMiddleware, JWTAuthenticationBackend } from '../../lib';
import { OAuth2PasswordBearer, type OAuth2PasswordBearerOptions } from '../../lib/oauth2';
import type { CredentialsVerifier, TokenEndpointOptions, VerifiedCredentials } from '../../lib/oauth2/token-endpoint-options';
import { type CookieBackendTestOptions, withCookieOptions } from '../helpers/cookies';
import { fixedClock, SECRET } from '../helpers/tokens';

/** The test users: alice may hold `read`, admin `read admin`, nobody nothing. */
export const TEST_USERS: Readonly<Record<string, { password: string; scopes: string[] }>> = {
  alice: { password: 'alice-password', scopes: ['read'] },
  admin: { password: 'admin-password', scopes: ['read', 'admin'] },
  nobody: { password: 'nobody-password', scopes: [] },
};

/** The options of a JWT backend and of the OAuth2 password flow around it, in one object, as the tests give them. */
export type OAuth2TestOptions = CookieBackendTestOptions & Partial<OAuth2PasswordBearerOptions>;

/**
 * The OAuth2 password flow around a JWT backend with the test secret and the fixed clock, and
 * `tokenUrl: '/token'`, unless told otherwise (`tokenUrl` and `scopes` go to the flow, the rest to the backend).
 */
export function oauth2Backend(options: OAuth2TestOptions = {}): OAuth2PasswordBearer {
  const { tokenUrl = '/token', scopes, ...backend } = options;
  return new OAuth2PasswordBearer(new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, ...withCookieOptions(backend) }), { tokenUrl, ...(scopes === undefined ? {} : { scopes }) });
}

/** What a token app remembers: each `verifyCredentials` call, and the application's errors. */
export interface TokenProbe {
  verifyCalls: { username: string; password: string; requestedScopes: readonly string[] }[];
  appErrors: unknown[];
  /** Whether the guarded `GET /me` handler ran. */
  handlerRan: boolean;
}

/** Options of {@link buildTokenApp}. */
export interface TokenAppOptions {
  readonly expressFactory?: typeof express;
  readonly backend?: OAuth2PasswordBearer;
  /** Endpoint options besides `verifyCredentials` (or replacing it). */
  readonly endpoint?: Partial<TokenEndpointOptions>;
  /** Handlers put in front of the endpoint, e.g. body parsers. Default: none. */
  readonly before?: RequestHandler[];
}

/**
 * An app with the OAuth2 backend's middleware (`/token` excluded), the token endpoint at
 * `/token` for every method, a guarded `GET /me`, and an error handler that records application
 * errors and answers 500. `verifyCredentials` checks {@link TEST_USERS} and records each call.
 */
export function buildTokenApp(options: TokenAppOptions = {}): { app: Express; probe: TokenProbe; backend: OAuth2PasswordBearer } {
  const probe: TokenProbe = { verifyCalls: [], appErrors: [], handlerRan: false };
  const backend = options.backend ?? oauth2Backend();
  const verifyCredentials: CredentialsVerifier = (username, password, requestedScopes) => {
    probe.verifyCalls.push({ username, password, requestedScopes });
    const user = TEST_USERS[username];
    const verified: VerifiedCredentials | null = user?.password === password
      ? { sub: `user-${username}`, scopes: user.scopes, claims: { username } }
      : null;
    return Promise.resolve(verified);
  };
  const app = (options.expressFactory ?? express)();
  app.use(authenticationMiddleware(backend, { exclude: ['/token'] }));
  app.all('/token', ...(options.before ?? []), backend.tokenEndpoint({ verifyCredentials, ...options.endpoint }));
  app.get('/me', authenticated((req: AuthenticatedRequest, res) => {
    probe.handlerRan = true;
    res.json({ identity: req.user.identity, scopes: req.auth.scopes });
  }));
  const onAppError: ErrorRequestHandler = (err, _req, res, _next) => {
    probe.appErrors.push(err);
    res.status(500).json({ error: 'application_error' });
  };
  app.use(onAppError);
  return { app, probe, backend };
}

/** What an RFC 6749 §5.2 refusal must look like. */
export interface ExpectedOAuth2Error {
  readonly status: number;
  readonly error: string;
  /** The exact `error_description`, when the test pins it. */
  readonly description?: string;
  /** Extra headers that must be present, with their exact values. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Asserts a token endpoint refusal completely: status, `Cache-Control: no-store`, `Pragma:
 * no-cache`, JSON body with exactly `error` and `error_description`, no `WWW-Authenticate`
 * unless expected, no token issued, and no application error.
 */
export function expectOAuth2Error(res: Response, probe: TokenProbe, expected: ExpectedOAuth2Error): void {
  expect(res.status).toBe(expected.status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers.pragma).toBe('no-cache');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers.authorization).toBeUndefined();
  expect(res.headers['set-cookie']).toBeUndefined();
  if (expected.headers?.['WWW-Authenticate'] === undefined) expect(res.headers['www-authenticate']).toBeUndefined();
  for (const [name, value] of Object.entries(expected.headers ?? {})) expect(res.headers[name.toLowerCase()]).toBe(value);
  const body = JSON.parse(res.text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe(expected.error);
  expect(typeof body.error_description).toBe('string');
  if (expected.description !== undefined) expect(body.error_description).toEqual(expected.description);
  expect(probe.appErrors).toEqual([]);
}

/** The claims of a compact JWS, unverified, for assertions. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A form body, encoded as browsers and Swagger UI send it. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
