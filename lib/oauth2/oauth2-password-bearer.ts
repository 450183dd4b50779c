import type { IncomingMessage } from 'node:http';
import type { oas31 } from 'openapi3-ts';
import type { AuthenticationBackend, AuthResult } from '../backend';
import type { Challenge } from '../core/challenge';
import { SCOPE_TOKEN, VISIBLE_ASCII } from '../core/grammar';
import { rejectUnknownOptions } from '../core/options';
import { issuerOf } from '../jwt/issuer-registry';
import { JWTAuthenticationBackend } from '../jwt/jwt-backend';
import type { JWTUser } from '../jwt/jwt-user';
import type { OpenApiSecurityProvider } from '../openapi/security-schemes';
import { refreshSideOf } from '../refresh/refresh-registry';
import type { BaseUser } from '../user';
import { OAUTH2_OPTION_NAMES, type OAuth2PasswordBearerOptions } from './oauth2-password-bearer-options';
import { createTokenEndpoint, type TokenEndpointHandler } from './token-endpoint';
import type { TokenEndpointOptions } from './token-endpoint-options';

const OWNER = 'OAuth2PasswordBearer';

function readTokenUrl(value: unknown): string {
  if (typeof value !== 'string' || value === '' || !VISIBLE_ASCII.test(value)) {
    throw new TypeError(`${OWNER}: "tokenUrl" is required: the URL or path (visible ASCII) of the token endpoint, e.g. '/token'.`);
  }
  let url: URL;
  try {
    url = new URL(value, 'http://relative.invalid/');
  } catch (cause) {
    throw new TypeError(`${OWNER}: "tokenUrl" is not a valid URL or path.`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`${OWNER}: "tokenUrl" must be an http(s) URL or a path.`);
  return value;
}

function readScopes(value: unknown): Readonly<Record<string, string>> {
  if (value === undefined) return Object.freeze({});
  const valid = typeof value === 'object' && value !== null && !Array.isArray(value)
    && Object.entries(value).every(([name, description]) => SCOPE_TOKEN.test(name) && typeof description === 'string');
  if (!valid) {
    throw new TypeError(`${OWNER}: "scopes" must be an object of scope names (no spaces, quotes or backslashes) to descriptions, e.g. { read: 'Read your data' }.`);
  }
  return Object.freeze({ ...(value as Record<string, string>) });
}

function readBackend<TUser extends BaseUser>(backend: unknown): JWTAuthenticationBackend<TUser> {
  if (!(backend instanceof JWTAuthenticationBackend)) {
    throw new TypeError(`${OWNER}: the first argument must be a JWTAuthenticationBackend, e.g. new OAuth2PasswordBearer(new JWTAuthenticationBackend({ secretKey }), { tokenUrl: '/token' }).`);
  }
  // RFC 6750: OAuth2 access tokens of type Bearer travel as `Authorization: Bearer <token>`,
  // which is what OpenAPI's oauth2 scheme and every OAuth2 client send.
  if (backend.headerName !== 'authorization' || backend.challenge.scheme.toLowerCase() !== 'bearer') {
    throw new TypeError(`${OWNER}: OAuth2 bearer tokens travel as "Authorization: Bearer <token>" (RFC 6750); leave the backend's "header" and "prefix" at their defaults.`);
  }
  return backend as JWTAuthenticationBackend<TUser>;
}

/**
 * OAuth2's password flow around a JWT backend (Litestar's `OAuth2PasswordBearerAuth`): it
 * authenticates exactly as the backend does (`Authorization: Bearer <token>`, and the cookie if
 * the backend has one), adds an RFC 6749 token endpoint that issues the backend's tokens, and
 * describes itself to OpenAPI as the `password` flow, so Swagger UI's "Authorize" button logs in
 * against `tokenEndpoint()`. Give it to `authenticationMiddleware` in place of the backend.
 *
 * @typeParam TUser - The application's user type, when the backend has `retrieveUser`.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET! });
 * const oauth2 = new OAuth2PasswordBearer(backend, { tokenUrl: '/token', scopes: { read: 'Read your data' } });
 * app.use(authenticationMiddleware(oauth2, { exclude: ['/token'] }));
 * app.all('/token', oauth2.tokenEndpoint({
 *   verifyCredentials: async (username, password) => {
 *     const user = await users.checkPassword(username, password); // same time for unknown users
 *     return user === null ? null : { sub: user.id, scopes: user.scopes };
 *   },
 * }));
 * ```
 */
export class OAuth2PasswordBearer<TUser extends BaseUser = JWTUser> implements AuthenticationBackend, OpenApiSecurityProvider {
  /** The backend that verifies and issues the tokens. */
  readonly backend: JWTAuthenticationBackend<TUser>;
  /** Where clients get tokens, as published in the OpenAPI `password` flow. */
  readonly tokenUrl: string;
  /** The documented scopes, name to description. */
  readonly scopes: Readonly<Record<string, string>>;
  /** The backend's challenge. */
  readonly challenge: Challenge;

  constructor(backend: JWTAuthenticationBackend<TUser>, options: OAuth2PasswordBearerOptions) {
    this.backend = readBackend<TUser>(backend);
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`${OWNER}: pass an options object, e.g. { tokenUrl: '/token' }.`);
    }
    rejectUnknownOptions(OWNER, options, OAUTH2_OPTION_NAMES);
    this.tokenUrl = readTokenUrl(options.tokenUrl);
    this.scopes = readScopes(options.scopes);
    this.challenge = this.backend.challenge;
  }

  /** Authenticates as the backend does. */
  authenticate(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    return this.backend.authenticate(req);
  }

  /**
   * Builds the token endpoint (RFC 6749 §4.3): a handler for `POST` requests with
   * `grant_type=password`, `username`, `password` and an optional `scope`, answered per §5.1
   * and §5.2. With the backend's `refreshTokens`, every answer also carries a `refresh_token`,
   * and `grant_type=refresh_token` (RFC 6749 §6) rotates one. Mount it at `tokenUrl` with `app.all()` (so that other methods get 405) and
   * exclude that path from `authenticationMiddleware`. Throws a `TypeError` for bad options, or
   * when the backend cannot sign.
   *
   * @example
   * ```ts
   * app.all('/token', oauth2.tokenEndpoint({
   *   verifyCredentials: async (username, password, requestedScopes, req) => {
   *     const user = await users.checkPassword(username, password);
   *     return user === null ? null : { sub: user.id, scopes: user.scopes, claims: { username } };
   *   },
   * }));
   * ```
   */
  tokenEndpoint(options: TokenEndpointOptions): TokenEndpointHandler {
    const issue = issuerOf(this.backend);
    if (issue === undefined) {
      throw new TypeError(`${OWNER}.tokenEndpoint: the backend cannot sign tokens; give it "signingKey" (the private key).`);
    }
    return createTokenEndpoint({
      realm: this.challenge.realm ?? 'api',
      scopeClaim: this.backend.scopeClaims[0],
      issue: (claims) => issue(claims),
      refresh: refreshSideOf(this.backend),
    }, options);
  }

  /**
   * The OpenAPI 3.1 security scheme: the OAuth2 `password` flow with `tokenUrl` and `scopes`.
   *
   * @example
   * ```ts
   * oauth2.openApiSecurityScheme();
   * // { type: 'oauth2', description: '...', flows: { password: { tokenUrl: '/token', scopes: { read: '...' } } } }
   * ```
   */
  openApiSecurityScheme(): oas31.SecuritySchemeObject {
    return {
      type: 'oauth2',
      description: 'OAuth 2.0 resource owner password flow: the token endpoint issues a JSON Web Token, sent as `Authorization: Bearer <token>`.',
      flows: { password: { tokenUrl: this.tokenUrl, scopes: { ...this.scopes } } },
    };
  }
}
