import type { IncomingMessage } from 'node:http';
import type { AuthenticationBackend, AuthResult } from '../backend';
import { type Challenge, DEFAULT_CHALLENGE } from '../core/challenge';
import { isInstance } from '../core/is-instance';
import { AuthCredentials } from '../credentials';
import { type AnyAuthenticationError, AuthenticationError, InsufficientScopeError, InvalidRequestError, NotAuthenticatedError } from '../errors';
import { PROBLEM_JSON, type ProblemDetails, problemDetails } from '../problem-details';
import { authenticateChain } from '../request/backend-chain';
import type { ConnectionAuth } from './connection-auth';
import { presentToken, readQueryToken, readSubprotocolToken, type TokenHeader } from './presented-token';
import { checkUpgradeOrigin } from './upgrade-origin';
import type { UpgradeSettings } from './upgrade-options';

/**
 * The HTTP answer to a refused upgrade, as `authenticationMiddleware` would give a request:
 * the status, the headers (`WWW-Authenticate` where the error has a challenge,
 * `Cache-Control: no-store`, the problem+json content type) and the problem-details body.
 */
export interface UpgradeRefusal {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ProblemDetails;
}

/**
 * What an upgrade is: anonymous, authenticated (with the user and credentials), or refused
 * (with the error and its HTTP answer).
 */
export type UpgradeOutcome =
  | { readonly kind: 'anonymous'; readonly auth: ConnectionAuth<object> }
  | { readonly kind: 'authenticated'; readonly auth: ConnectionAuth<object> }
  | { readonly kind: 'refused'; readonly error: AnyAuthenticationError; readonly refusal: UpgradeRefusal };

/** Authenticates upgrades (and in-band renewals) with a fixed list of backends and settings. */
export interface UpgradeAuthenticator {
  /** The challenge of the first backend, for the errors this layer raises itself. */
  readonly challenge: Challenge;
  /**
   * The outcome of an upgrade request. `explicitToken` is a token the transport carried
   * outside the request's headers (Socket.IO's `auth.token`). Rejects only with errors that are
   * not authentication errors (a hook of the application that threw).
   */
  authenticate(req: IncomingMessage, explicitToken?: string): Promise<UpgradeOutcome>;
  /**
   * The outcome of `token` alone, presented in the backend's header of the upgrade request `req`
   * (an in-band renewal): the transports of the upgrade are not read again.
   */
  authenticateToken(req: IncomingMessage, token: string): Promise<UpgradeOutcome>;
}

const ANONYMOUS: ConnectionAuth<object> = Object.freeze({ user: undefined, credentials: AuthCredentials.anonymous });

/**
 * The refusal of `error`: its status, its headers, `Cache-Control: no-store` and its
 * problem-details body, as `renderAuthenticationError` writes them over HTTP.
 *
 * @example
 * ```ts
 * const { status, headers, body } = refusalOf(new NotAuthenticatedError());
 * ```
 */
export function refusalOf(error: AuthenticationError): UpgradeRefusal {
  return {
    status: error.status,
    headers: { ...error.headers, 'Cache-Control': 'no-store', 'Content-Type': `${PROBLEM_JSON}; charset=utf-8` },
    body: problemDetails(error),
  };
}

function readBackends(owner: string, backends: unknown): readonly AuthenticationBackend[] {
  const list = Array.isArray(backends) ? backends : [backends];
  if (list.length === 0 || !list.every((backend) => typeof (backend as AuthenticationBackend | null)?.authenticate === 'function')) {
    throw new TypeError(`${owner}: the first argument must be a backend with an authenticate(req) method, or a non-empty array of them, e.g. new JWTAuthenticationBackend({ secretKey }).`);
  }
  return Object.freeze([...list] as AuthenticationBackend[]);
}

// A token from the subprotocol, the query or Socket.IO's `auth` is presented in the header of the
// first backend that reads one (the JWT backend's `headerName`), with that backend's scheme.
function tokenHeaderOf(backends: readonly AuthenticationBackend[]): TokenHeader {
  for (const backend of backends) {
    const { headerName } = backend as { readonly headerName?: unknown };
    if (typeof headerName === 'string') {
      const scheme = (backend.challenge ?? DEFAULT_CHALLENGE).scheme;
      return { name: headerName, label: headerName === 'authorization' ? 'Authorization' : headerName, scheme };
    }
  }
  return { name: 'authorization', label: 'Authorization', scheme: (backends[0].challenge ?? DEFAULT_CHALLENGE).scheme };
}

function isAuthResult(value: unknown): value is AuthResult<object> {
  const result = value as Partial<AuthResult<object>> | null;
  return typeof result?.user === 'object' && result.user !== null && result.credentials instanceof AuthCredentials
    && result.credentials.isAuthenticated;
}

/**
 * Builds the framework-neutral core that `authenticateUpgrades` (ws) and
 * `socketIoAuthentication` share: the backends' three outcomes, the requirements
 * (`authenticated`, `scopes`) with the guards' errors, the browser transports of a token, and the
 * origin check of cookie-authenticated upgrades.
 *
 * @example
 * ```ts
 * const upgrades = createUpgradeAuthenticator('myAdapter', backend, readUpgradeOptions('myAdapter', { authenticated: true }));
 * const outcome = await upgrades.authenticate(req);
 * ```
 */
export function createUpgradeAuthenticator(
  owner: string,
  backend: AuthenticationBackend | readonly AuthenticationBackend[],
  settings: UpgradeSettings,
): UpgradeAuthenticator {
  const backends = readBackends(owner, backend);
  const challenge = backends[0].challenge ?? DEFAULT_CHALLENGE;
  const header = tokenHeaderOf(backends);

  // The request as the backends see it, and whether its token was put there by the client
  // itself (a header, a subprotocol, a query parameter, Socket.IO's `auth`) rather than by the
  // browser on its own (a cookie).
  function requestOf(req: IncomingMessage, explicitToken: string | undefined): { view: IncomingMessage; explicit: boolean } {
    const tokens: string[] = [];
    if (explicitToken !== undefined) tokens.push(explicitToken);
    if (settings.subprotocolToken) {
      const token = readSubprotocolToken(req, challenge);
      if (token !== null) tokens.push(token);
    }
    if (settings.queryToken) {
      const token = readQueryToken(req, challenge);
      if (token !== null) tokens.push(token);
    }
    if (tokens.length > 1) throw new InvalidRequestError('duplicate_token', { challenge });
    if (tokens.length === 1) return { view: presentToken(req, header, tokens[0], challenge), explicit: true };
    return { view: req, explicit: req.headers[header.name] !== undefined };
  }

  function decide(result: unknown, req: IncomingMessage, explicit: boolean): UpgradeOutcome {
    if (result === null || result === undefined) {
      if (settings.required) throw new NotAuthenticatedError({ challenge });
      return { kind: 'anonymous', auth: ANONYMOUS };
    }
    if (!isAuthResult(result)) {
      throw new TypeError(`${owner}: a backend returned neither null nor { user, credentials: AuthCredentials } (return null for no credentials).`);
    }
    if (!explicit) checkUpgradeOrigin(req, settings.trustedOrigins, challenge, settings.expectedOrigin);
    if (!result.credentials.hasScopes(settings.scopes)) throw new InsufficientScopeError(settings.scopes, { challenge });
    return { kind: 'authenticated', auth: Object.freeze({ user: result.user, credentials: result.credentials }) };
  }

  async function settle(req: IncomingMessage, read: () => { view: IncomingMessage; explicit: boolean }): Promise<UpgradeOutcome> {
    try {
      const { view, explicit } = read();
      return decide(await authenticateChain(backends, view), req, explicit);
    } catch (err) {
      if (isInstance(err, AuthenticationError)) {
        const error = err as AnyAuthenticationError;
        return { kind: 'refused', error, refusal: refusalOf(error) };
      }
      throw err;
    }
  }

  return Object.freeze({
    challenge,
    authenticate: (req: IncomingMessage, explicitToken?: string) => settle(req, () => requestOf(req, explicitToken)),
    authenticateToken: (req: IncomingMessage, token: string) => {
      if (typeof token !== 'string' || token === '') return settle(req, () => { throw new InvalidRequestError('empty_token', { challenge }); });
      return settle(req, () => ({ view: presentToken(req, header, token, challenge, true), explicit: true }));
    },
  });
}
