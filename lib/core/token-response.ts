import type { ServerResponse } from 'node:http';

/**
 * The body of an OAuth 2.0 style token response (RFC 6749 §5.1).
 *
 * @example
 * ```ts
 * const body: TokenResponseBody = { access_token: token, token_type: 'Bearer', expires_in: 3600 };
 * ```
 */
export interface TokenResponseBody {
  readonly access_token: string;
  readonly token_type: string;
  /** Lifetime in seconds. */
  readonly expires_in: number;
  /** The granted scopes, space-separated; present when the token has scopes (RFC 6749 §5.1). */
  readonly scope?: string;
}

/**
 * The RFC 6749 §5.1 body of an issued token: `scope` when the token has scopes (space-separated).
 *
 * @example
 * ```ts
 * tokenResponseBody(token, 'Bearer', 3600, ['read']); // { access_token, token_type: 'Bearer', expires_in: 3600, scope: 'read' }
 * ```
 */
export function tokenResponseBody<TType extends string>(
  token: string,
  tokenType: TType,
  expiresIn: number,
  scopes: readonly string[],
): TokenResponseBody & { readonly token_type: TType } {
  return {
    access_token: token,
    token_type: tokenType,
    expires_in: expiresIn,
    ...(scopes.length === 0 ? {} : { scope: scopes.join(' ') }),
  };
}

/**
 * Sends a JSON response that carries credentials: never cached (RFC 6749 §5.1 asks for
 * `Cache-Control: no-store` and `Pragma: no-cache`). Works with Node's `ServerResponse` and so
 * with Express's `res`.
 *
 * @example
 * ```ts
 * sendCredentialResponse(res, 201, { access_token, token_type: 'Bearer', expires_in: 3600 });
 * ```
 */
export function sendCredentialResponse(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
