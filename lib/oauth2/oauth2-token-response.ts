import type { TokenResponseBody } from '../core/token-response';

/**
 * The body of a successful OAuth 2.0 token response (RFC 6749 §5.1), as the token endpoint built by
 * `OAuth2PasswordBearer.tokenEndpoint()` sends it (Litestar's `OAuth2Login`).
 *
 * @example
 * ```ts
 * const body: OAuth2TokenResponseBody = { access_token: token, token_type: 'Bearer', expires_in: 3600, scope: 'read' };
 * ```
 */
export interface OAuth2TokenResponseBody extends TokenResponseBody {
  /** Always `Bearer` (RFC 6750). */
  readonly token_type: 'Bearer';
  /** The granted scopes, space-delimited; absent when the token carries none. */
  readonly scope?: string;
}
