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
 * Sends a JSON response that carries credentials: never cached (RFC 6749 §5.1 asks for
 * `Cache-Control: no-store`). Works with Node's `ServerResponse` and so with Express's `res`.
 *
 * @example
 * ```ts
 * sendCredentialResponse(res, 201, { access_token, token_type: 'Bearer', expires_in: 3600 });
 * ```
 */
export function sendCredentialResponse(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
