import type { ServerResponse } from 'node:http';
import type { CookieTokenSource } from '../cookie/cookie-source';
import type { TokenResponseBody } from '../core/token-response';
import type { TokenPair } from './token-pair';

/**
 * What the refresh route and the token endpoint need from a backend with `refreshTokens`:
 * signing in (a new family), refreshing, and handing a pair to the client where the backend
 * reads it.
 */
export interface RefreshSide {
  /** The refresh cookie of a cookie backend; `undefined` for a header backend (the token travels in bodies). */
  readonly cookie: CookieTokenSource | undefined;
  /** Signs in: an access token with a new family's `sid`, and the family's first refresh token. */
  start(claims: Readonly<Record<string, unknown>>, expiresIn?: number): Promise<TokenPair>;
  /** Rotates a refresh token (see `backend.refresh`). */
  refresh(refreshToken: unknown, scopes?: readonly string[]): Promise<TokenPair>;
  /** Sets the backend's cookies for `pair` (access and refresh), where it has them. */
  attach(res: ServerResponse, pair: TokenPair): void;
  /** The RFC 6749 §5.1 body of `pair` (with `refresh_token` unless it travels in the refresh cookie). */
  body(pair: TokenPair): TokenResponseBody & { readonly refresh_token?: string };
}

// Extras composed around a backend (the refresh route, the OAuth2 token endpoint) find its
// refresh side here, as they find its signer in the issuer registry.
const sides = new WeakMap<object, RefreshSide>();

/** Records the refresh side of `backend`. */
export function registerRefreshSide(backend: object, side: RefreshSide): void {
  sides.set(backend, side);
}

/** The refresh side of `backend`, or `undefined` when it has no `refreshTokens`. */
export function refreshSideOf(backend: object): RefreshSide | undefined {
  return sides.get(backend);
}
