import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { extractToken, rejectRepeatedHeader } from '../request/bearer';
import type { Challenge } from '../core/challenge';
import { scopesFromPayload } from './scopes';
import { sendCredentialResponse, type TokenResponseBody } from '../core/token-response';
import { isThenable } from '../core/thenable';
import { AuthCredentials, type TokenPayload } from '../credentials';
import { publicJwk } from '../keys/publish';
import type { JsonWebKeySet } from '../keys/static-key-set';
import type { BaseUser } from '../user';
import { JWT_BACKEND_OPTION_NAMES, type JWTAuthenticationBackendOptions } from './jwt-backend-options';
import { JWTUser } from './jwt-user';
import { type JwtSettings, readJwtOptions } from './read-jwt-options';
import { resolveUser } from './resolve-user';
import type { IssuedToken } from './sign';

/**
 * Options of {@link JWTAuthenticationBackend.createToken}.
 *
 * @example
 * ```ts
 * backend.createToken('alice', { expiresIn: 900 });
 * ```
 */
export interface CreateTokenOptions {
  /** Lifetime of this token, in seconds. Default: the backend's `expiresIn` (3600). */
  readonly expiresIn?: number;
}

/**
 * Options of {@link JWTAuthenticationBackend.login}.
 *
 * @example
 * ```ts
 * backend.login(res, 'alice', { status: 200, expiresIn: 600, body: { ok: true } });
 * ```
 */
export interface LoginOptions extends CreateTokenOptions {
  /** The JSON body to send. Default: `{ access_token, token_type, expires_in }`. */
  readonly body?: unknown;
  /** The response status. Default: `201`. */
  readonly status?: number;
}

/**
 * The claims of a new token, or just its subject (`sub`).
 *
 * @example
 * ```ts
 * backend.createToken('alice');                       // { sub: 'alice' }
 * backend.createToken({ sub: 'alice', scope: 'read' });
 * ```
 */
export type ClaimsOrSubject = string | Readonly<Record<string, unknown>>;

/**
 * Authenticates requests that carry a JWT in the `Authorization` header (the starlette-jwt
 * backend, done properly), and issues tokens it will accept. Verifies the signature first,
 * then the claims; on success `req.user` is a {@link JWTUser} (or what `retrieveUser` returns)
 * and `req.auth` carries `['authenticated', ...scopes]`, the verified `payload` and the `token`.
 *
 * @typeParam TUser - The application's user type, when `retrieveUser` is given.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET! });
 * app.use(authenticationMiddleware(backend));
 * app.post('/login', express.json(), async (req, res) => {
 *   const user = await checkPassword(req.body);
 *   if (user) backend.login(res, { sub: user.id, scope: 'read' });
 *   else res.sendStatus(401);
 * });
 * ```
 */
export class JWTAuthenticationBackend<TUser extends BaseUser = JWTUser> implements AuthenticationBackend {
  /** The challenge this backend's errors and the guards' 401s carry. */
  readonly challenge: Challenge;
  /** The options, read once. */
  protected readonly settings: JwtSettings<TUser>;

  constructor(options: JWTAuthenticationBackendOptions<TUser>) {
    this.settings = readJwtOptions(new.target.name, options, this.optionNames());
    this.challenge = this.settings.challenge;
  }

  /** The option names this class accepts; subclasses add theirs. */
  protected optionNames(): readonly string[] {
    return JWT_BACKEND_OPTION_NAMES;
  }

  /**
   * Returns `null` when the request has no credentials in this backend's scheme, the user and
   * credentials when the token verifies, and throws `InvalidRequestError`/`InvalidTokenError`
   * otherwise. Answers synchronously unless `isRevoked` or `retrieveUser` is set or a remote key
   * set has to be fetched.
   */
  authenticate(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    return this.authenticateHeader(req);
  }

  /** Authenticates by the credentials header alone: `null` when it holds no token of this scheme. */
  protected authenticateHeader(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    const { headerName, scheme, challenge } = this.settings;
    const token = extractToken(req.headers[headerName], scheme, challenge);
    if (token === null) return null;
    rejectRepeatedHeader(req.rawHeaders, headerName, challenge);
    return this.authenticateToken(token, req);
  }


  /** Verifies a token found in the request and builds the result, running the user hooks. */
  protected authenticateToken(token: string, req: IncomingMessage): AuthResult<TUser> | Promise<AuthResult<TUser>> {
    const payload = this.settings.verify(token);
    return isThenable<TokenPayload>(payload)
      ? Promise.resolve(payload).then((verified) => this.buildResult(token, verified, req))
      : this.buildResult(token, payload, req);
  }

  private buildResult(token: string, payload: TokenPayload, req: IncomingMessage): AuthResult<TUser> | Promise<AuthResult<TUser>> {
    const { scopeClaims, usernameField, retrieveUser, isRevoked, challenge } = this.settings;
    const credentials = new AuthCredentials(['authenticated', ...scopesFromPayload(payload, scopeClaims)], { token, payload });
    if (retrieveUser === undefined && isRevoked === undefined) {
      // Without hooks TUser is JWTUser: the constructor's type parameter defaults to it.
      return { user: new JWTUser(payload, token, usernameField) as unknown as TUser, credentials };
    }
    const defaultUser = (): JWTUser => new JWTUser(payload, token, usernameField);
    return resolveUser(this.settings, payload, req, credentials, challenge, defaultUser) as Promise<AuthResult<TUser>>;
  }

  /**
   * The backend's public keys as a JSON Web Key Set (RFC 7517 §5), to publish so that other
   * services can verify its tokens: every key in `secretKey`, each with `kid` (an RFC 7638
   * thumbprint for a single key), `use: 'sig'` and, when it serves one algorithm, `alg`. Private
   * members are never included. During a rotation, list the old public keys in `secretKey` (a
   * `kid` map) until their tokens expire. Throws a `TypeError` for an HMAC backend (a secret is
   * never published) and for a backend that verifies a remote key set (not its own keys).
   *
   * @example
   * ```ts
   * app.get('/.well-known/jwks.json', (req, res) => res.json(backend.jwks()));
   * ```
   */
  jwks(): JsonWebKeySet {
    if (this.settings.remoteKeys) throw new TypeError('jwks(): this backend verifies a remote key set; it has no keys of its own to publish.');
    const entries = this.settings.keys.entries();
    if (entries.some((entry) => entry.key.type !== 'public')) throw new TypeError('jwks(): an HMAC backend has no public keys; its secret is never published.');
    return { keys: entries.map(publicJwk) };
  }

  /**
   * Signs a new token with the backend's key: `iat`, `exp` (`expiresIn` seconds ahead), a random
   * `jti`, and the backend's `iss`/`aud` when it has exactly one, so that it accepts what it
   * issues. Throws a `TypeError` for an asymmetric backend without `signingKey`, or for claims
   * that set `iat`, `exp` or `jti` themselves.
   *
   * @example
   * ```ts
   * const token = backend.createToken({ sub: user.id, scope: 'read write' }, { expiresIn: 900 });
   * ```
   */
  createToken(claims: ClaimsOrSubject, options: CreateTokenOptions = {}): string {
    return this.issue(claims, options).token;
  }

  /**
   * Issues a token and sends it (Litestar's `login()`): status 201, `Authorization: <prefix>
   * <token>` and `Cache-Control: no-store` headers, and a JSON body, by default
   * `{ access_token, token_type, expires_in }`. Returns the token.
   *
   * @example
   * ```ts
   * app.post('/login', express.json(), async (req, res) => {
   *   const user = await checkPassword(req.body);
   *   if (!user) return res.status(401).json({ error: 'invalid_credentials' });
   *   backend.login(res, user.id);
   * });
   * ```
   */
  login(res: ServerResponse, claimsOrSubject: ClaimsOrSubject, options: LoginOptions = {}): string {
    const status = options.status ?? 201;
    if (!Number.isInteger(status) || status < 200 || status > 399) {
      throw new TypeError('login: "status" must be an integer success or redirection status (200-399).');
    }
    const issued = this.issue(claimsOrSubject, options);
    this.attachToken(res, issued);
    const body: TokenResponseBody = {
      access_token: issued.token,
      token_type: this.challenge.scheme,
      expires_in: issued.expiresIn,
    };
    sendCredentialResponse(res, status, options.body === undefined ? body : options.body);
    return issued.token;
  }

  /** Puts an issued token on the response; the header backend sets `Authorization`. */
  protected attachToken(res: ServerResponse, issued: IssuedToken): void {
    res.setHeader('Authorization', `${this.challenge.scheme} ${issued.token}`);
  }

  /** Signs `claimsOrSubject` (a string is the subject) with the backend's key. */
  protected issue(claimsOrSubject: ClaimsOrSubject, options: CreateTokenOptions): IssuedToken {
    const { sign } = this.settings;
    if (sign === undefined) {
      throw new TypeError('createToken: this backend cannot sign: give it "signingKey" (the private key), or "signingKeyId" for a kid map of secrets; a remote key set never signs.');
    }
    const claims = typeof claimsOrSubject === 'string' ? { sub: claimsOrSubject } : claimsOrSubject;
    return sign(claims, options.expiresIn);
  }
}
