import type { IncomingMessage } from 'node:http';
import { authenticateClient } from './client-authentication';
import { OAuth2Error } from './oauth2-error';
import type { TokenParameterName, TokenParameters } from './read-token-request';
import type { ClientVerifier, CredentialsVerifier, VerifiedCredentials } from './token-endpoint-options';
import { SCOPE_TOKEN } from '../core/grammar';

/** What the grant needs, read once when the endpoint is built. */
export interface PasswordGrantSettings {
  readonly verifyCredentials: CredentialsVerifier;
  readonly verifyClient: ClientVerifier | undefined;
  /** The realm of the `invalid_client` challenge. */
  readonly realm: string;
  /** The claim the granted scopes are written to, space-delimited. */
  readonly scopeClaim: string;
}

/** A granted request: the claims of the token to issue, and its scopes. */
export interface PasswordGrant {
  readonly claims: Readonly<Record<string, unknown>>;
  readonly scopes: readonly string[];
}


function required(parameters: TokenParameters, name: TokenParameterName): string {
  const value = parameters.get(name);
  if (value === undefined) throw new OAuth2Error('missing_parameter', { parameter: name });
  return value;
}

function requestedScopes(parameters: TokenParameters): readonly string[] {
  const scope = parameters.get('scope');
  if (scope === undefined) return [];
  const scopes = scope.split(' ').filter((token) => token !== '');
  if (!scopes.every((token) => SCOPE_TOKEN.test(token))) throw new OAuth2Error('malformed_scope');
  return [...new Set(scopes)];
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks what `verifyCredentials` returned; a wrong shape is the application's bug, a `TypeError`. */
function checkVerified(verified: unknown, scopeClaim: string): VerifiedCredentials {
  const shape = 'verifyCredentials must return null or { sub: string, scopes: string[], claims?: object }';
  if (!isPlainObject(verified)) throw new TypeError(`${shape}.`);
  const { sub, scopes, claims } = verified;
  if (typeof sub !== 'string' || sub === '') throw new TypeError(`${shape}: "sub" must be a non-empty string.`);
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new TypeError(`${shape}: "scopes" must be an array of scope names (no spaces, quotes or backslashes).`);
  }
  if (claims !== undefined && !isPlainObject(claims)) throw new TypeError(`${shape}: "claims" must be an object.`);
  for (const reserved of ['sub', scopeClaim]) {
    if (claims !== undefined && Object.hasOwn(claims, reserved)) {
      throw new TypeError(`verifyCredentials: "claims" must not set "${reserved}"; return the subject as "sub" and the scopes as "scopes".`);
    }
  }
  return { sub, scopes, claims };
}

/**
 * Runs the resource owner password credentials grant (RFC 6749 §4.3.2) on the parameters of a
 * token request, in this order: `grant_type` present, the client authenticated (when the
 * endpoint has `verifyClient`), `grant_type=password`, `username` and `password` present,
 * `scope` well-formed, the credentials verified, and the scopes granted: those requested that
 * the user may hold, or all of them when none are requested. Throws {@link OAuth2Error} for the
 * client's mistakes and a `TypeError` when `verifyCredentials` answers in the wrong shape.
 *
 * An unknown user and a wrong password both give the same `invalid_grant`; this function does
 * the same work for both, and `verifyCredentials` must take the same time for both.
 *
 * @example
 * ```ts
 * const { claims, scopes } = await runPasswordGrant(parameters, req, settings);
 * ```
 */
export async function runPasswordGrant(
  parameters: TokenParameters,
  req: IncomingMessage,
  settings: PasswordGrantSettings,
): Promise<PasswordGrant> {
  const grantType = required(parameters, 'grant_type');
  await authenticateClient(req, parameters, settings.verifyClient, settings.realm);
  if (grantType !== 'password') throw new OAuth2Error('unsupported_grant_type');
  const username = required(parameters, 'username');
  const password = required(parameters, 'password');
  const requested = requestedScopes(parameters);
  const answer = await settings.verifyCredentials(username, password, requested, req);
  if (answer === null || answer === undefined) throw new OAuth2Error('bad_credentials');
  const verified = checkVerified(answer, settings.scopeClaim);
  const allowed = new Set(verified.scopes);
  const scopes = requested.length === 0 ? [...allowed] : requested.filter((scope) => allowed.has(scope));
  // RFC 6749 §3.3 lets the server grant fewer scopes than requested, but not none of them.
  if (requested.length > 0 && scopes.length === 0) throw new OAuth2Error('scope_not_allowed');
  const claims = {
    ...verified.claims,
    sub: verified.sub,
    ...(scopes.length === 0 ? {} : { [settings.scopeClaim]: scopes.join(' ') }),
  };
  return { claims, scopes };
}
