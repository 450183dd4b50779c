import type { IncomingMessage, ServerResponse } from 'node:http';
import { CookieTokenSource } from '../cookie/cookie-source';
import type { Challenge } from '../core/challenge';
import { sendCredentialResponse, type TokenResponseBody, tokenResponseBody } from '../core/token-response';
import type { TokenSource } from '../request/token-source';
import { type FamilyBackend, RefreshFamilies, type SignedAccessToken } from './refresh-families';
import { RefreshTokenError } from './refresh-error';
import type { RefreshSettings } from './refresh-options';
import type { RefreshSide } from './refresh-registry';
import { isFamilyId, newFamilyId } from './refresh-token';
import type { TokenPair } from './token-pair';

/**
 * Options of `backend.logout()` for a backend with `refreshTokens`: what identifies the sign-in
 * to end.
 *
 * @example
 * ```ts
 * await backend.logout(res, { req });                          // the cookies of a browser session
 * await backend.logout(res, { refreshToken: req.body.refresh_token });
 * ```
 */
export interface LogoutOptions {
  /** The request: its refresh cookie, or the `sid` of its access token, names the family to end. Default: none. */
  readonly req?: IncomingMessage;
  /** A refresh token of the family to end (header clients send it in the body). Default: none. */
  readonly refreshToken?: string;
}

/**
 * Options of `backend.refresh()`.
 *
 * @example
 * ```ts
 * await backend.refresh(refreshToken, { scope: ['read'] });
 * ```
 */
export interface RefreshOptions {
  /** Scopes for the new access token: a subset of those granted at sign-in (else `invalid_scope`). Default: all of them. */
  readonly scope?: readonly string[];
}

/** What the refresh side needs from its backend. */
export interface RefreshSideBackend extends Omit<FamilyBackend, 'issue'> {
  readonly owner: string;
  readonly challenge: Challenge;
  /** Where the backend reads access tokens and writes them at login. */
  readonly sources: readonly TokenSource[];
  /** Signs an access token (the backend's `createToken`), with an optional lifetime in seconds. */
  readonly issue: (claims: Readonly<Record<string, unknown>>, expiresIn?: number) => SignedAccessToken;
  /** Verifies an access token, for the `sid` a logout ends; rejects or throws when it does not verify. */
  readonly verify: (token: string) => Readonly<Record<string, unknown>> | Promise<Readonly<Record<string, unknown>>>;
}

/**
 * A backend's refresh tokens: its families, its refresh cookie, and how a sign-in, a refresh and
 * a logout reach the client.
 */
export class BackendRefresh implements RefreshSide {
  readonly families: RefreshFamilies;
  readonly cookie: CookieTokenSource | undefined;

  constructor(
    settings: RefreshSettings,
    private readonly backend: RefreshSideBackend,
  ) {
    this.families = new RefreshFamilies(settings, backend);
    this.cookie = settings.cookie === undefined ? undefined : new CookieTokenSource(`${backend.owner} refreshTokens`, settings.cookie, backend.challenge);
  }

  /** Throws a `TypeError` unless `claims` can start a family (a subject, no `sid` of their own). */
  checkClaims(claims: Readonly<Record<string, unknown>>): void {
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new TypeError('login: refresh tokens need a subject: give the claims a non-empty "sub".');
    if (claims.sid !== undefined) throw new TypeError('login: "sid" is set by refresh tokens (the sign-in\'s family id); leave it out.');
  }

  /** Issues the access token of a new sign-in; {@link record} then records its family. */
  issueSignIn(claims: Readonly<Record<string, unknown>>, expiresIn?: number): { readonly familyId: string; readonly access: SignedAccessToken } {
    this.checkClaims(claims);
    const familyId = newFamilyId();
    return { familyId, access: this.backend.issue({ ...claims, sid: familyId }, expiresIn) };
  }

  /** Records the family of a sign-in whose access token was issued by {@link issueSignIn}; on failure its access token is refused. */
  async record(familyId: string, access: SignedAccessToken): Promise<TokenPair> {
    try {
      return await this.families.start(familyId, access, this.scopesOf(access));
    } catch (err) {
      // The access token exists but its family does not: refuse it, so nothing unrecorded is usable.
      await this.backend.revokeSid(familyId).catch(() => undefined);
      throw err;
    }
  }

  private scopesOf(access: SignedAccessToken): string[] {
    const { scopeClaims } = this.backend;
    for (const claim of scopeClaims) {
      const value = access.payload[claim];
      if (typeof value === 'string') return value.split(' ').filter((scope) => scope !== '');
      if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
      if (value !== undefined) return [];
    }
    return [];
  }

  async start(claims: Readonly<Record<string, unknown>>, expiresIn?: number): Promise<TokenPair> {
    const { familyId, access } = this.issueSignIn(claims, expiresIn);
    return this.record(familyId, access);
  }

  refresh(refreshToken: unknown, scopes?: readonly string[]): Promise<TokenPair> {
    return this.families.refresh(refreshToken, scopes);
  }

  attach(res: ServerResponse, pair: TokenPair): void {
    for (const source of this.backend.sources) source.attach(res, pair.accessToken, pair.expiresIn);
    this.cookie?.attach(res, pair.refreshToken, pair.refreshExpiresIn);
  }

  /**
   * The RFC 6749 §5.1 body of a pair: `refresh_token` too for a header backend; a cookie
   * backend keeps the refresh token in its `HttpOnly` cookie, out of the page's reach.
   */
  body(pair: TokenPair): TokenResponseBody & { readonly refresh_token?: string } {
    const body = tokenResponseBody(pair.accessToken, this.backend.challenge.scheme, pair.expiresIn, pair.scopes);
    return this.cookie === undefined ? { ...body, refresh_token: pair.refreshToken } : body;
  }

  /** Sends a sign-in once its family is recorded, or 503 `temporarily_unavailable` when it cannot be. */
  async sendSignIn(res: ServerResponse, status: number, familyId: string, access: SignedAccessToken, body: unknown): Promise<void> {
    let pair: TokenPair;
    try {
      pair = await this.record(familyId, access);
    } catch (err) {
      const refusal = err instanceof RefreshTokenError ? err : new RefreshTokenError('unavailable', { cause: err });
      if (!res.headersSent) sendRefreshError(res, refusal);
      return;
    }
    if (res.headersSent) return;
    this.attach(res, pair);
    sendCredentialResponse(res, status, body === undefined ? this.body(pair) : body);
  }

  /** Clears the refresh cookie, and ends the family the options name (see {@link LogoutOptions}). */
  async logout(res: ServerResponse, options: LogoutOptions): Promise<void> {
    this.cookie?.clear(res);
    const { req, refreshToken } = options;
    let token = refreshToken;
    if (token === undefined && req !== undefined && this.cookie !== undefined) token = readQuietly(() => this.cookie?.read(req) ?? null);
    if (token !== undefined && (await this.families.endByToken(token))) return;
    if (req === undefined) return;
    for (const source of this.backend.sources) {
      const accessToken = readQuietly(() => source.read(req));
      if (accessToken === undefined) continue;
      let sid: unknown;
      try {
        sid = (await this.backend.verify(accessToken)).sid;
      } catch {
        continue;
      }
      if (isFamilyId(sid)) await this.families.end(sid, 'logout');
      return;
    }
  }
}

// A logout ends what it can identify; a cookie sent twice or from another site identifies nothing.
function readQuietly(read: () => string | null): string | undefined {
  try {
    return read() ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * Answers a refused refresh: its status, `Cache-Control: no-store` (and `Retry-After` for a
 * 503), and the RFC 6749 §5.2 JSON body.
 *
 * @example
 * ```ts
 * sendRefreshError(res, new RefreshTokenError('reused'));
 * ```
 */
export function sendRefreshError(res: ServerResponse, err: RefreshTokenError): void {
  res.statusCode = err.status;
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(err.body));
}
