import type { IssuedToken } from './sign';

/** Signs claims the way a backend's `createToken` does, and tells what was issued. */
export type TokenIssuer = (claims: Readonly<Record<string, unknown>>, expiresIn?: number) => IssuedToken;

// Extras composed around a backend (the OAuth2 token endpoint) need the issued token's payload
// and lifetime, which the public `createToken` keeps to itself; they find them here, so the
// backend needs no protected methods for them to override or call.
const issuers = new WeakMap<object, TokenIssuer>();

/** Records how `backend` issues tokens. */
export function registerIssuer(backend: object, issuer: TokenIssuer): void {
  issuers.set(backend, issuer);
}

/** How `backend` issues tokens, or `undefined` when it cannot sign. */
export function issuerOf(backend: object): TokenIssuer | undefined {
  return issuers.get(backend);
}
