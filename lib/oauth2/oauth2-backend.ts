import type { IncomingMessage, ServerResponse } from 'node:http';
import type { oas31 } from 'openapi3-ts';
import type { AuthResult } from '../backend';
import { JWTCookieAuthenticationBackend } from '../cookie/cookie-backend';
import { COOKIE_OPTION_NAMES } from '../cookie/cookie-backend-options';
import { scopesFromPayload } from '../jwt/scopes';
import { sendCredentialResponse } from '../core/token-response';
import type { ClaimsOrSubject, LoginOptions } from '../jwt/jwt-backend';
import { JWT_BACKEND_OPTION_NAMES } from '../jwt/jwt-backend-options';
import type { JWTUser } from '../jwt/jwt-user';
import type { IssuedToken } from '../jwt/sign';
import type { OpenApiSecurityProvider } from '../openapi/security-schemes';
import type { BaseUser } from '../user';
import { OAUTH2_OPTION_NAMES, type OAuth2PasswordBearerBackendOptions } from './oauth2-backend-options';
import type { OAuth2TokenResponseBody } from './oauth2-token-response';
import { createTokenEndpoint, type TokenEndpointHandler } from './token-endpoint';
import type { TokenEndpointOptions } from './token-endpoint-options';
import { SCOPE_TOKEN, VISIBLE_ASCII } from '../core/grammar';

const OWNER = 'OAuth2PasswordBearerBackend';

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

/** Refuses what an OAuth2 bearer backend cannot honour; runs before the JWT options are read. */
function checkOAuth2Options(options: unknown): void {
  if (typeof options !== 'object' || options === null) return; // the JWT backend says what to pass
  const { cookie, prefix, header } = options as Partial<OAuth2PasswordBearerBackendOptions>;
  if (cookie !== undefined && typeof cookie !== 'boolean') throw new TypeError(`${OWNER}: "cookie" must be true or false.`);
  if (cookie !== true) {
    const given = COOKIE_OPTION_NAMES.find((name) => (options as Record<string, unknown>)[name] !== undefined);
    if (given !== undefined) throw new TypeError(`${OWNER}: "${given}" is a cookie option; set cookie: true to read and set the cookie.`);
  }
  // RFC 6750: OAuth2 access tokens of type Bearer travel as `Authorization: Bearer <token>`,
  // which is what OpenAPI's oauth2 scheme and every OAuth2 client send.
  if (prefix !== undefined && (typeof prefix !== 'string' || prefix.toLowerCase() !== 'bearer')) {
    throw new TypeError(`${OWNER}: OAuth2 bearer tokens use the "Bearer" scheme (RFC 6750); leave "prefix" out.`);
  }
  if (header !== undefined && (typeof header !== 'string' || header.toLowerCase() !== 'authorization')) {
    throw new TypeError(`${OWNER}: OAuth2 bearer tokens travel in the Authorization header (RFC 6750); leave "header" out.`);
  }
}

/**
 * Authenticates requests by an OAuth2 bearer token, a JWT, in the `Authorization` header (and
 * in a cookie with `cookie: true`), and issues those tokens from an RFC 6749 token endpoint with
 * the resource owner password credentials grant (Litestar's `OAuth2PasswordBearerAuth`). Its
 * OpenAPI security scheme is the `password` flow, so Swagger UI's "Authorize" button logs in
 * against `tokenEndpoint()`.
 *
 * It is a {@link JWTCookieAuthenticationBackend} whose cookie is off unless `cookie: true`:
 * every JWT option works as there, except `prefix` and `header` (always `Authorization:
 * Bearer`).
 *
 * @typeParam TUser - The application's user type, when `retrieveUser` is given.
 *
 * @example
 * ```ts
 * const backend = new OAuth2PasswordBearerBackend({
 *   secretKey: process.env.JWT_SECRET!,
 *   tokenUrl: '/token',
 *   scopes: { read: 'Read your data', admin: 'Administer the site' },
 * });
 * app.use(authenticationMiddleware(backend, { exclude: ['/token'] }));
 * app.all('/token', backend.tokenEndpoint({
 *   verifyCredentials: async (username, password) => {
 *     const user = await users.checkPassword(username, password); // same time for unknown users
 *     return user === null ? null : { sub: user.id, scopes: user.scopes };
 *   },
 * }));
 * app.get('/admin', requires('admin'), handler);
 * ```
 */
export class OAuth2PasswordBearerBackend<TUser extends BaseUser = JWTUser>
  extends JWTCookieAuthenticationBackend<TUser>
  implements OpenApiSecurityProvider {
  /** Where clients get tokens, as published in the OpenAPI `password` flow. */
  readonly tokenUrl: string;
  /** The documented scopes, name to description. */
  readonly scopes: Readonly<Record<string, string>>;
  /** Whether the token is also read from, and set in, the cookie. */
  readonly cookieEnabled: boolean;

  constructor(options: OAuth2PasswordBearerBackendOptions<TUser>) {
    checkOAuth2Options(options);
    super(options);
    this.tokenUrl = readTokenUrl(options.tokenUrl);
    this.scopes = readScopes(options.scopes);
    this.cookieEnabled = options.cookie === true;
  }

  protected override optionNames(): readonly string[] {
    return [...JWT_BACKEND_OPTION_NAMES, ...COOKIE_OPTION_NAMES, ...OAUTH2_OPTION_NAMES];
  }

  /**
   * Reads `Authorization: Bearer <token>`, then (with `cookie: true`) the cookie. Returns `null`
   * when there is no token; throws `InvalidRequestError`/`InvalidTokenError` for a bad one.
   */
  override authenticate(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    return this.cookieEnabled ? super.authenticate(req) : this.authenticateHeader(req);
  }

  /**
   * Issues a token and answers with the OAuth2 token response (Litestar's `OAuth2Login`):
   * status 201 unless told otherwise, `Authorization: Bearer <token>` (and the cookie, with
   * `cookie: true`), `Cache-Control: no-store`, `Pragma: no-cache`, and the body
   * `{ access_token, token_type: 'Bearer', expires_in, scope }` (`scope` when the token has
   * scopes). Returns the token.
   *
   * @example
   * ```ts
   * backend.login(res, { sub: user.id, scope: 'read' }); // 201 {"access_token":"...","token_type":"Bearer","expires_in":3600,"scope":"read"}
   * ```
   */
  override login(res: ServerResponse, claimsOrSubject: ClaimsOrSubject, options: LoginOptions = {}): string {
    // The body depends on the issued token, which the parent's login() keeps to itself; so
    // this repeats its few steps rather than reaching into them.
    const status = options.status ?? 201;
    if (!Number.isInteger(status) || status < 200 || status > 399) {
      throw new TypeError('login: "status" must be an integer success or redirection status (200-399).');
    }
    const issued = this.issue(claimsOrSubject, options);
    this.attachToken(res, issued);
    res.setHeader('Pragma', 'no-cache');
    sendCredentialResponse(res, status, options.body === undefined ? this.tokenResponse(issued) : options.body);
    return issued.token;
  }

  /** Clears the cookie with `cookie: true`; otherwise does nothing (a client forgets a bearer token itself). */
  override logout(res: ServerResponse): void {
    if (this.cookieEnabled) super.logout(res);
  }

  /**
   * Builds the token endpoint (RFC 6749 §4.3): a handler for `POST` requests with
   * `grant_type=password`, `username`, `password` and an optional `scope`, answered per §5.1
   * and §5.2. Mount it at `tokenUrl` with `app.all()` (so that other methods get 405) and
   * exclude that path from `authenticationMiddleware`. Throws a `TypeError` for bad options, or
   * when this backend cannot sign.
   *
   * @example
   * ```ts
   * app.all('/token', backend.tokenEndpoint({
   *   verifyCredentials: async (username, password, requestedScopes, req) => {
   *     const user = await users.checkPassword(username, password);
   *     return user === null ? null : { sub: user.id, scopes: user.scopes, claims: { username } };
   *   },
   * }));
   * ```
   */
  tokenEndpoint(options: TokenEndpointOptions): TokenEndpointHandler {
    if (this.settings.sign === undefined) {
      throw new TypeError(`${OWNER}.tokenEndpoint: this backend cannot sign tokens; give it "signingKey" (the private key).`);
    }
    return createTokenEndpoint({
      realm: this.challenge.realm ?? 'api',
      scopeClaim: this.settings.scopeClaims[0],
      issue: (claims) => this.issue(claims, {}),
    }, options);
  }

  /**
   * The OpenAPI 3.1 security scheme of this backend: the OAuth2 `password` flow with
   * `tokenUrl` and `scopes`.
   *
   * @example
   * ```ts
   * backend.openApiSecurityScheme();
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

  /** Sets `Authorization` and, with `cookie: true`, the cookie. */
  protected override attachToken(res: ServerResponse, issued: IssuedToken): void {
    if (this.cookieEnabled) super.attachToken(res, issued);
    else res.setHeader('Authorization', `${this.challenge.scheme} ${issued.token}`);
  }

  private tokenResponse(issued: IssuedToken): OAuth2TokenResponseBody {
    const scopes = scopesFromPayload(issued.payload, this.settings.scopeClaims);
    return {
      access_token: issued.token,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      ...(scopes.length === 0 ? {} : { scope: scopes.join(' ') }),
    };
  }
}
