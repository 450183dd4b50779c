import { fetchJson, type FetchLimits, isFetchableUrl } from './fetch-json';

/**
 * Finds the key-set URL of an OpenID Connect provider (OpenID Connect Discovery 1.0 §4):
 * `<issuer>/.well-known/openid-configuration` must name this very `issuer` (§4.3; a mismatch
 * means the document is not the issuer's) and a fetchable `jwks_uri`.
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri('https://idp.example.com', { timeoutMs: 5000, maxBytes: 1 << 20 });
 * ```
 */
export async function discoverJwksUri(issuer: string, limits: FetchLimits): Promise<string> {
  const document = await fetchJson(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, limits);
  const { issuer: named, jwks_uri: jwksUri } = (document ?? {}) as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) throw new Error('the discovery document names another issuer');
  if (typeof jwksUri !== 'string' || !isFetchableUrl(jwksUri)) throw new Error('the discovery document has no usable jwks_uri');
  return jwksUri;
}
