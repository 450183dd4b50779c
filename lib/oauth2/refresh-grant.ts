import type { IncomingMessage } from 'node:http';
import { SCOPE_TOKEN } from '../core/grammar';
import { RefreshTokenError } from '../refresh/refresh-error';
import type { RefreshSide } from '../refresh/refresh-registry';
import type { TokenPair } from '../refresh/token-pair';
import { authenticateClient } from './client-authentication';
import { OAuth2Error, type OAuth2ErrorReason } from './oauth2-error';
import type { TokenParameters } from './read-token-request';
import type { ClientVerifier } from './token-endpoint-options';

/** What the grant needs, read once when the endpoint is built. */
export interface RefreshGrantSettings {
  readonly verifyClient: ClientVerifier | undefined;
  /** The realm of the `invalid_client` challenge. */
  readonly realm: string;
  readonly refresh: RefreshSide;
}

/** How each refusal of a refresh reads at the token endpoint (RFC 6749 §5.2). */
function reasonOf(err: RefreshTokenError): OAuth2ErrorReason {
  switch (err.reason) {
    case 'missing':
      return 'missing_parameter';
    case 'too_large':
      return 'refresh_token_too_large';
    case 'scope_not_granted':
      return 'scope_not_granted';
    case 'unavailable':
      return 'store_unavailable';
    default:
      return 'refresh_token_invalid';
  }
}

/**
 * Turns a refused refresh into the token endpoint's error; anything else is passed on as it is.
 *
 * @example
 * ```ts
 * try { pair = await refresh.start(claims); } catch (err) { throw asOAuth2Error(err); }
 * ```
 */
export function asOAuth2Error(err: unknown): unknown {
  if (!(err instanceof RefreshTokenError)) return err;
  const reason = reasonOf(err);
  return new OAuth2Error(reason, reason === 'missing_parameter' ? { parameter: 'refresh_token' } : {});
}

/**
 * Runs the refresh token grant (RFC 6749 §6) on the parameters of a token request: the client
 * authenticated (when the endpoint has `verifyClient`), `refresh_token` present, `scope`
 * well-formed and never wider than the sign-in's, then the token rotated. Throws
 * {@link OAuth2Error}: `invalid_request`, `invalid_client`, `invalid_grant` (unknown, expired,
 * revoked or reused: one answer for all), `invalid_scope`, or 503 `temporarily_unavailable`.
 *
 * @example
 * ```ts
 * const pair = await runRefreshGrant(parameters, req, settings);
 * ```
 */
export async function runRefreshGrant(parameters: TokenParameters, req: IncomingMessage, settings: RefreshGrantSettings): Promise<TokenPair> {
  await authenticateClient(req, parameters, settings.verifyClient, settings.realm);
  const refreshToken = parameters.get('refresh_token');
  if (refreshToken === undefined) throw new OAuth2Error('missing_parameter', { parameter: 'refresh_token' });
  const scope = parameters.get('scope');
  const scopes = scope === undefined ? undefined : scope.split(' ').filter((token) => token !== '');
  if (scopes !== undefined && !scopes.every((token) => SCOPE_TOKEN.test(token))) throw new OAuth2Error('malformed_scope');
  try {
    return await settings.refresh.refresh(refreshToken, scopes);
  } catch (err) {
    throw asOAuth2Error(err);
  }
}
