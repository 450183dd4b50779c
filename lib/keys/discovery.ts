import { fetchJson, type FetchLimits, isFetchableUrl } from './fetch-json';
import { KeySetFetchError } from './key-set-fetch-error';

/**
 * Finds the key-set URL of an OpenID Connect provider (OpenID Connect Discovery 1.0 §4):
 * `<issuer>/.well-known/openid-configuration` must name this very `issuer` (§4.3; a mismatch
 * means the document is not the issuer's) and a fetchable `jwks_uri`. Rejects with a
 * {@link KeySetFetchError}: `issuer_mismatch` (with `expected` and `found`), `insecure_url`,
 * `invalid_document`, or the reason the fetch failed.
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri('https://idp.example.com', { timeoutMs: 5000, maxBytes: 1 << 20, allowInsecureHttp: false });
 * ```
 */
export async function discoverJwksUri(issuer: string, limits: FetchLimits): Promise<string> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const document = await fetchJson(url, limits);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new KeySetFetchError('invalid_document', { url });
  const { issuer: named, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) {
    throw new KeySetFetchError('issuer_mismatch', { url, expected: issuer, found: typeof named === 'string' ? named : undefined });
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) throw new KeySetFetchError('invalid_document', { url });
  if (!isFetchableUrl(jwksUri, limits.allowInsecureHttp)) {
    if (new URL(jwksUri).protocol === 'http:') throw new KeySetFetchError('insecure_url', { url: jwksUri });
    throw new KeySetFetchError('invalid_document', { url });
  }
  return jwksUri;
}
