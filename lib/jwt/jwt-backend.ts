import { createPublicKey } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { CookieTokenSource } from '../cookie/cookie-source';
import type { Challenge } from '../core/challenge';
import { isThenable } from '../core/thenable';
import { sendCredentialResponse, type TokenResponseBody, tokenResponseBody } from '../core/token-response';
import { type TokenPayload, withCheckedScopes } from '../credentials';
import { describeMisfit } from '../keys/key-objects';
import { publicJwk } from '../keys/publish';
import type { JsonWebKeySet } from '../keys/static-key-set';
import { BackendRefresh, type LogoutOptions, type RefreshOptions } from '../refresh/refresh-side';
import { registerRefreshSide } from '../refresh/refresh-registry';
import type { TokenPair } from '../refresh/token-pair';
import { HeaderTokenSource } from '../request/header-source';
import type { TokenSource } from '../request/token-source';
import type { BaseUser } from '../user';
import { registerIssuer } from './issuer-registry';
import { buildSelectionVerifier, sharedVerifierSettings } from './issuers/build-selection-verifier';
import type { RequestVerifier } from './issuers/resolver-verifier';
import type { JWTAuthenticationBackendOptions } from './jwt-backend-options';
import { JWTUser } from './jwt-user';
import { type JwtSettings, readJwtOptions } from './read-jwt-options';
import { resolveUser } from './resolve-user';
import { RevocationList, type RevokeOptions } from './revocation';
import { credentialScopes } from './permissions';
import { checkIssuedClaims } from './rfc9068';
import { scopesFromPayload } from './scopes';
import { createJwtSigner, type IssuedToken, type JwtSigner } from './sign';
import { rejectionCache, TokenCache } from './token-cache';
import { createJwtVerifier, type JwtVerifier } from './verify';
import { SenderConstraint } from './dpop/sender-constraint';

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
  /** The JSON body to send. Default: `{ access_token, token_type, expires_in, scope }` (`scope` when the token has scopes). */
  readonly body?: unknown;
  /**
   * The response status. Default: `201` (a token was created); pass `200` for clients that
   * expect it, or `303` with a `Location` header to send a browser on after a cookie login.
   */
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

function buildSources(owner: string, settings: JwtSettings<BaseUser>, binding: SenderConstraint): readonly TokenSource[] {
  const { headerName, cookie, challenge } = settings;
  const sources: TokenSource[] = [];
  if (headerName !== undefined) {
    // Written as the user spelled it, or as RFC 9110 spells the default.
    const label = headerName === 'authorization' ? 'Authorization' : headerName;
    sources.push(new HeaderTokenSource(headerName, label, challenge));
  }
  if (binding.source !== undefined) sources.push(binding.source);
  if (cookie !== undefined) sources.push(new CookieTokenSource(owner, cookie, challenge));
  return Object.freeze(sources);
}

function buildVerifier(settings: JwtSettings<BaseUser>): JwtVerifier {
  const { keys, cacheSize } = settings;
  return createJwtVerifier({
    ...sharedVerifierSettings(settings),
    keys: keys.keys,
    algorithms: settings.algorithms,
    issuer: settings.issuer,
    audience: settings.audience,
    cache: cacheSize === 0 ? undefined : new TokenCache(cacheSize),
    // Forged tokens are attacker-made, up to maxTokenLength each: a smaller bound on their memory.
    // None for a remote key set, whose keys may change under a remembered signature.
    rejections: keys.remote ? undefined : rejectionCache(cacheSize),
  });
}

/** The `aud` of issued tokens: what the backend requires of `aud`, so it accepts what it issues. */
function signedAudience(audience: string | undefined, resource: string | undefined): string | readonly string[] | undefined {
  if (audience === undefined || resource === undefined || audience === resource) return audience ?? resource;
  return [audience, resource];
}

function acceptedIssuers(settings: JwtSettings<BaseUser>): readonly string[] {
  const { issuer, keySelection } = settings;
  if (keySelection?.kind === 'issuers') return Object.freeze(keySelection.issuers.map((entry) => entry.issuer));
  return Object.freeze(issuer === undefined ? [] : [issuer].flat());
}

function buildSigner(settings: JwtSettings<BaseUser>): JwtSigner | undefined {
  const { signingKey, signingKeyId } = settings.keys;
  if (signingKey === undefined) return undefined;
  const { algorithms, issuer, audience } = settings;
  const publicHalf = signingKey.type === 'private' ? createPublicKey(signingKey) : signingKey;
  return createJwtSigner({
    key: signingKey,
    kid: signingKeyId,
    type: settings.issuedType,
    // The first allowed algorithm the signing key can produce (e.g. EdDSA in ['RS256', 'EdDSA']).
    algorithm: algorithms.find((algorithm) => describeMisfit(publicHalf, algorithm, true) === undefined) ?? algorithms[0],
    issuer: typeof issuer === 'string' ? issuer : undefined,
    audience: signedAudience(typeof audience === 'string' ? audience : undefined, settings.resource),
    expiresIn: settings.expiresIn,
    clock: settings.clock,
    allowWeakKeys: settings.allowWeakKeys,
  });
}

/**
 * Authenticates requests that carry a JWT, and issues tokens it will accept. It reads the token
 * from the `Authorization` header (`Bearer <token>`; another `header` or `prefix` if configured)
 * and, with the `cookie` option, from a cookie after the header. It verifies the signature
 * first, then the claims; on success `req.user` is a {@link JWTUser} (or what `retrieveUser`
 * returns) and `req.auth` carries `['authenticated', ...scopes]`, the verified `payload` and the
 * `token`. `login()` writes a new token where this backend reads it.
 *
 * @typeParam TUser - The application's user type, when `retrieveUser` is given.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET! });
 * app.use(authenticationMiddleware(backend));
 * app.post('/login', express.json(), async (req, res) => {
 *   const user = await users.checkPassword(req.body.username, req.body.password);
 *   if (user === null) return res.status(401).json({ error: 'invalid_credentials' });
 *   backend.login(res, { sub: user.id, scope: 'read' });
 * });
 * ```
 */
export class JWTAuthenticationBackend<TUser extends BaseUser = JWTUser> implements AuthenticationBackend {
  /** The challenge this backend's errors and the guards' 401s carry. */
  readonly challenge: Challenge;
  /** The header the token is read from, lower-cased; `undefined` with `header: false`. */
  readonly headerName: string | undefined;
  /** The cookie the token is read from after the header; `undefined` without the `cookie` option. */
  readonly cookieName: string | undefined;
  /** The claims the scopes are read from, in order. */
  readonly scopeClaims: readonly string[];
  /** Every accepted `iss`: `issuer` as a list, or the `issuer` of each `issuers` entry; empty when `iss` is not checked. */
  readonly acceptedIssuers: readonly string[];
  /** The RFC 8707 resource URL every token's `aud` must contain (`resource`); `undefined` when not checked. */
  readonly resource: string | undefined;
  /** The clock token times are checked with (milliseconds since the epoch); the step-up guards read `auth_time` against it. */
  readonly clock: () => number;
  private readonly settings: JwtSettings<TUser>;
  private readonly sources: readonly TokenSource[];
  private readonly verify: RequestVerifier;
  private readonly sign: JwtSigner | undefined;
  private readonly revocations: RevocationList | undefined;
  private readonly binding: SenderConstraint;
  private readonly refreshTokens: BackendRefresh | undefined;

  constructor(options: JWTAuthenticationBackendOptions<TUser>) {
    const owner = 'JWTAuthenticationBackend';
    this.settings = readJwtOptions(owner, options);
    this.binding = new SenderConstraint(this.settings.senderConstraint, this.settings.challenge);
    this.challenge = this.binding.challenge;
    this.headerName = this.settings.headerName;
    this.scopeClaims = this.settings.scopeClaims;
    this.acceptedIssuers = acceptedIssuers(this.settings);
    this.resource = this.settings.resource;
    this.clock = this.settings.clock;
    this.sources = buildSources(owner, this.settings, this.binding);
    const cookie = this.sources.find((source): source is CookieTokenSource => source instanceof CookieTokenSource);
    this.cookieName = cookie?.name;
    const { keySelection } = this.settings;
    this.verify = keySelection === undefined ? buildVerifier(this.settings) : buildSelectionVerifier(this.settings, keySelection);
    this.sign = buildSigner(this.settings);
    this.revocations = this.settings.revocation && new RevocationList(this.settings.revocation, (token) => this.verify(token));
    if (this.sign !== undefined) registerIssuer(this, (claims, expiresIn) => this.issue(claims, expiresIn));
    this.refreshTokens = this.buildRefresh(owner);
  }

  private buildRefresh(owner: string): BackendRefresh | undefined {
    const { refresh } = this.settings;
    if (refresh === undefined || this.revocations === undefined) return undefined;
    if (this.sign === undefined) throw new TypeError(`${owner}: "refreshTokens" needs a backend that can sign: give it "signingKey" (the private key).`);
    const revocations = this.revocations;
    const side = new BackendRefresh(refresh, {
      owner,
      challenge: this.challenge,
      sources: this.sources,
      scopeClaims: this.scopeClaims,
      issue: (claims, expiresIn) => this.issue(claims, expiresIn),
      verify: (token) => this.verify(token),
      revokeSid: (sid) => revocations.revokeSid(sid),
    });
    registerRefreshSide(this, side);
    return side;
  }

  /**
   * Returns `null` when the request carries no token where this backend looks, the user and
   * credentials when the token verifies, and throws `InvalidRequestError`/`InvalidTokenError`
   * (or `CrossSiteRequestError` for a cookie) otherwise. The header wins over the cookie. Answers
   * synchronously unless `isRevoked` or `retrieveUser` is set or a remote key set has to be fetched.
   */
  authenticate(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    // Only a DPoP backend gives its errors the challenge of the scheme used; the others pay nothing.
    if (this.binding.source === undefined) return this.authenticateRequest(req);
    return this.binding.rechallenge(req, () => this.authenticateRequest(req));
  }

  private authenticateRequest(req: IncomingMessage): AuthResult<TUser> | null | Promise<AuthResult<TUser>> {
    for (const source of this.sources) {
      const token = source.read(req);
      if (token !== null) return this.authenticateToken(token, req, source === this.binding.source);
    }
    return null;
  }

  private authenticateToken(token: string, req: IncomingMessage, viaDpop: boolean): AuthResult<TUser> | Promise<AuthResult<TUser>> {
    const payload = this.verify(token, req);
    return isThenable<TokenPayload>(payload)
      ? Promise.resolve(payload).then((verified) => this.checkBinding(token, verified, req, viaDpop))
      : this.checkBinding(token, payload, req, viaDpop);
  }

  // Every request, cache hits included: a proof or a certificate is per request, never cached.
  private checkBinding(token: string, payload: TokenPayload, req: IncomingMessage, viaDpop: boolean): AuthResult<TUser> | Promise<AuthResult<TUser>> {
    this.revocations?.check(payload);
    const bound = this.binding.check(req, token, payload, viaDpop);
    return bound === undefined ? this.buildResult(token, payload, req) : bound.then(() => this.buildResult(token, payload, req));
  }

  private buildResult(token: string, payload: TokenPayload, req: IncomingMessage): AuthResult<TUser> | Promise<AuthResult<TUser>> {
    const { scopeClaims, permissionsClaim, usernameField, retrieveUser, isRevoked, challenge } = this.settings;
    const credentials = withCheckedScopes(credentialScopes(payload, scopeClaims, permissionsClaim), { token, payload });
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
    const { keys, remote } = this.settings.keys;
    if (remote) throw new TypeError('jwks(): this backend verifies a remote key set; it has no keys of its own to publish.');
    const entries = keys.entries();
    if (entries.some((entry) => entry.key.type !== 'public')) throw new TypeError('jwks(): an HMAC backend has no public keys; its secret is never published.');
    return { keys: entries.map(publicJwk) };
  }

  /**
   * Signs a new token with the backend's key: `iat`, `exp` (`expiresIn` seconds ahead), a random
   * `jti`, and the backend's `iss`/`aud` when it has exactly one, so that it accepts what it
   * issues. Throws a `TypeError` for an asymmetric backend without `signingKey`, for claims that
   * set `iat`, `exp` or `jti` themselves, and for a `sub` that is not a non-empty string.
   *
   * @example
   * ```ts
   * const token = backend.createToken({ sub: user.id, scope: 'read write' }, { expiresIn: 900 });
   * ```
   */
  createToken(claimsOrSubject: ClaimsOrSubject, options: CreateTokenOptions = {}): string {
    return this.issue(claimsOrSubject, options.expiresIn).token;
  }

  /**
   * Issues a token and sends it (Litestar's `login()`), where this backend reads tokens: in its
   * header (`Authorization: Bearer <token>`, or the configured `header` and `prefix`) and, with
   * the `cookie` option, in the cookie (`Max-Age` the token's lifetime). The answer has status
   * 201 (see `status`), `Cache-Control: no-store`, `Pragma: no-cache`, and the RFC 6749 §5.1
   * body `{ access_token, token_type, expires_in, scope }` (`scope` when the token has scopes).
   * Returns the token. With `refreshTokens` the answer also carries a refresh token (in the body
   * as `refresh_token`, or in the refresh cookie of a cookie backend) and is sent once its
   * family is stored; when the store cannot be reached it is 503 `temporarily_unavailable`
   * instead, and the returned token is refused. A login route of a cookie backend should be guarded by
   * `sameOriginOnly()`, so that another site cannot sign a visitor into an account of its choosing.
   *
   * @example
   * ```ts
   * app.post('/login', express.json(), async (req, res) => {
   *   const user = await users.checkPassword(req.body.username, req.body.password);
   *   if (user === null) return res.status(401).json({ error: 'invalid_credentials' });
   *   backend.login(res, { sub: user.id, scope: 'read' });
   * });
   * ```
   */
  login(res: ServerResponse, claimsOrSubject: ClaimsOrSubject, options: LoginOptions = {}): string {
    const status = options.status ?? 201;
    if (!Number.isInteger(status) || status < 200 || status > 399) {
      throw new TypeError('login: "status" must be an integer success or redirection status (200-399).');
    }
    if (this.refreshTokens !== undefined) {
      const { familyId, access } = this.refreshTokens.issueSignIn(typeof claimsOrSubject === 'string' ? { sub: claimsOrSubject } : claimsOrSubject, options.expiresIn);
      void this.refreshTokens.sendSignIn(res, status, familyId, access, options.body);
      return access.token;
    }
    const issued = this.issue(claimsOrSubject, options.expiresIn);
    for (const source of this.sources) source.attach(res, issued.token, issued.expiresIn);
    sendCredentialResponse(res, status, options.body === undefined ? this.tokenResponse(issued) : options.body);
    return issued.token;
  }

  /**
   * Takes the token off the client where the backend can: clears the cookie (same name, path and
   * domain, `Max-Age=0`) with the `cookie` option; a header token is forgotten by the client
   * itself. Send your response after it. Like `login()`, guard the route with `sameOriginOnly()`.
   * With `refreshTokens` it also clears the refresh cookie and ends the sign-in's family (named by
   * `options.refreshToken`, or the refresh cookie or access token of `options.req`): its refresh
   * and access tokens are refused everywhere. The cookies are cleared at once; the promise
   * settles when the family is ended, and rejects (`RefreshTokenError`, 503) when the store
   * cannot be reached.
   *
   * @example
   * ```ts
   * app.post('/logout', sameOriginOnly(), (req, res) => { backend.logout(res); res.redirect(303, '/login'); });
   * app.post('/auth/logout', sameOriginOnly(), async (req, res) => { await backend.logout(res, { req }); res.status(204).end(); });
   * ```
   */
  logout(res: ServerResponse, options: LogoutOptions = {}): Promise<void> {
    for (const source of this.sources) source.clear(res);
    return this.refreshTokens?.logout(res, options) ?? Promise.resolve();
  }

  /**
   * Exchanges a refresh token for a new access token and a new refresh token (RFC 6749 §6),
   * rotating it: the token given stops working. Within `refreshTokens.reuseInterval` of a
   * rotation, the token it replaced returns the same pair (concurrent refreshes); after, it is a
   * reuse, and the whole sign-in is ended everywhere. Rejects with {@link RefreshTokenError}
   * (`invalid_grant`, `invalid_request`, `invalid_scope`, or 503 when the store cannot be
   * reached). Throws a `TypeError` without the `refreshTokens` option.
   *
   * @example
   * ```ts
   * const pair = await backend.refresh(req.body.refresh_token);
   * res.json({ access_token: pair.accessToken, refresh_token: pair.refreshToken, expires_in: pair.expiresIn });
   * ```
   */
  refresh(refreshToken: string, options: RefreshOptions = {}): Promise<TokenPair> {
    if (this.refreshTokens === undefined) throw new TypeError('refresh: this backend has no "refreshTokens" option (with a "store").');
    return this.refreshTokens.refresh(refreshToken, options.scope);
  }

  /**
   * Revokes a token everywhere the backend's `store` reaches, until the token's `exp`: verified
   * first (a token that does not verify rejects with its `InvalidTokenError`), then refused by
   * its `jti` with 401 `invalid_token` reason `revoked`, at once here and within milliseconds on
   * every instance sharing the store. A bare `jti` is kept until `options.expiresAt` (default:
   * now plus `revocation.maxTokenLifetime`). Rejects when the store cannot be written right now:
   * the token is still refused by this instance, and the revocation is written and announced
   * as soon as the store is back (while this process runs). Throws a `TypeError` without the
   * `store` option.
   *
   * @example
   * ```ts
   * app.post('/logout', authenticated(async (req, res) => {
   *   if (req.auth.token !== undefined) await backend.revoke(req.auth.token);
   *   res.status(204).end();
   * }));
   * ```
   */
  revoke(tokenOrJti: string, options?: RevokeOptions): Promise<void> {
    return this.revocationList('revoke').revoke(tokenOrJti, options);
  }

  /**
   * Signs a subject out everywhere: every token whose `sub` is `sub` and whose `iat` is at or
   * before the current second is refused (401 `invalid_token` reason `revoked`), on every
   * instance sharing the `store`, for `revocation.maxTokenLifetime` seconds. Tokens issued
   * afterwards are accepted. With `refreshTokens`, every refresh-token family of the subject
   * ends too. Throws a `TypeError` without the `store` option.
   *
   * @example
   * ```ts
   * app.post('/revoke-all', authenticated(async (req, res) => { await backend.revokeSubject(req.user.identity); res.status(204).end(); }));
   * ```
   */
  revokeSubject(sub: string): Promise<void> {
    const revoked = this.revocationList('revokeSubject').revokeSubject(sub);
    const families = this.refreshTokens?.families;
    return families === undefined ? revoked : revoked.then(async () => { await families.endSubject(sub); });
  }

  /**
   * Resolves once the backend's local copy of the revocations is loaded from its `store` and the
   * change feed is connected; until then requests are answered 503 (see `revocation.failOpen`).
   * Await it before listening. Resolves at once without a `store`.
   *
   * @example
   * ```ts
   * await backend.ready();
   * app.listen(3000);
   * ```
   */
  ready(): Promise<void> {
    return this.revocations?.ready() ?? Promise.resolve();
  }

  /**
   * Stops the backend's change-feed subscription and reloads, for a clean shutdown. It does not
   * close the store (which may be shared): close that after, with `store.close()`.
   *
   * @example
   * ```ts
   * await backend.close();
   * await store.close();
   * ```
   */
  async close(): Promise<void> {
    await this.revocations?.close();
  }

  private revocationList(method: string): RevocationList {
    if (this.revocations === undefined) throw new TypeError(`${method}: this backend has no "store" to keep revocations in; give it one, e.g. store: memoryStore().`);
    return this.revocations;
  }

  private issue(claimsOrSubject: ClaimsOrSubject, expiresIn: number | undefined): IssuedToken {
    if (this.sign === undefined) {
      throw new TypeError('createToken: this backend cannot sign: give it "signingKey" (the private key), or "signingKeyId" for a kid map of secrets; a remote key set never signs.');
    }
    const claims = typeof claimsOrSubject === 'string' ? { sub: claimsOrSubject } : claimsOrSubject;
    const { profile, issuer, audience, resource } = this.settings;
    // What the signer will add: the backend's single issuer, and its single audience or resource.
    const signedAud = typeof audience === 'string' ? audience : resource;
    if (profile !== undefined && typeof claims === 'object' && claims !== null) {
      checkIssuedClaims({ ...claims, ...(typeof issuer === 'string' ? { iss: issuer } : {}), ...(signedAud === undefined ? {} : { aud: signedAud }) }, profile.issuedClaims);
    }
    return this.sign(claims, expiresIn);
  }

  private tokenResponse(issued: IssuedToken): TokenResponseBody {
    // The scheme the header source writes (`Bearer`), even when the guards challenge with `DPoP`.
    return tokenResponseBody(issued.token, this.settings.challenge.scheme, issued.expiresIn, scopesFromPayload(issued.payload, this.settings.scopeClaims));
  }
}
