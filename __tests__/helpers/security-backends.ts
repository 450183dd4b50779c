import type { Request } from 'express';
import type request from 'supertest';
import {
  type AuthenticationBackend,
  type InvalidTokenReason,
  JWTAuthenticationBackend,
  type JWTAuthenticationBackendOptions,
} from '../../lib';
import { OAuth2PasswordBearer } from '../../lib/oauth2';
import type { Probe } from './apps';
import { expectRejection, invalidTokenRejection } from './expectations';

/** How a backend under test receives the token: the `Authorization` header, or its cookie. */
export type Transport = 'header' | 'cookie';

/** One backend the security suites run against, and how to hand it a token. */
export interface BackendUnderTest {
  /** Reads as the subject of a sentence, e.g. `JWTAuthenticationBackend with a cookie, through its cookie`. */
  readonly name: string;
  readonly transport: Transport;
  /** A new backend with these options (the same for every backend kind). */
  build(options: JWTAuthenticationBackendOptions): AuthenticationBackend<Request>;
}

/**
 * Every shipped JWT backend, each through each way it reads a token. The security rules are
 * one verifier shared by all of them; this table proves that no transport bypasses it.
 */
export const BACKENDS: readonly BackendUnderTest[] = [
  {
    name: 'JWTAuthenticationBackend through the Authorization header',
    transport: 'header',
    build: (options) => new JWTAuthenticationBackend(options),
  },
  {
    name: 'JWTAuthenticationBackend with a cookie, through its cookie',
    transport: 'cookie',
    build: (options) => new JWTAuthenticationBackend({ ...options, cookie: {} }),
  },
  {
    name: 'OAuth2PasswordBearer through the Authorization header',
    transport: 'header',
    build: (options) => new OAuth2PasswordBearer(new JWTAuthenticationBackend(options), { tokenUrl: '/token' }),
  },
  {
    name: 'OAuth2PasswordBearer over a backend with a cookie, through its cookie',
    transport: 'cookie',
    build: (options) => new OAuth2PasswordBearer(new JWTAuthenticationBackend({ ...options, cookie: {} }), { tokenUrl: '/token' }),
  },
];

/** The cookie every cookie-reading backend here uses (the default name). */
export const COOKIE_NAME = 'token';

/** Puts `token` where `transport` says: `Authorization: Bearer <token>`, or `Cookie: token=<token>`. */
export function withToken(test: request.Test, transport: Transport, token: string): request.Test {
  return transport === 'header' ? test.set('Authorization', `Bearer ${token}`) : test.set('Cookie', `${COOKIE_NAME}=${token}`);
}


/**
 * Asserts a complete 401 `invalid_token` refusal with `reason`: status, `WWW-Authenticate`,
 * problem+json body, no caching, the `claim` member (absent when `claim` is `undefined`), and
 * that the route handler did not run.
 */
export function expectTokenRefused(res: request.Response, probe: Probe, reason: InvalidTokenReason, claim?: string): void {
  expectRejection(res, probe, invalidTokenRejection(reason));
  expect((JSON.parse(res.text) as Record<string, unknown>).claim).toBe(claim);
}
