import { fetchJson, type FetchLimits, isFetchableUrl } from './fetch-json';
import { KeySetFetchError } from './key-set-fetch-error';

/**
 * A metadata document an issuer publishes under `/.well-known/`: `openid-configuration` (OpenID
 * Connect Discovery 1.0 §4) or `oauth-authorization-server` (RFC 8414 §3, for authorization
 * servers that are not OpenID Connect providers).
 *
 * @example
 * ```ts
 * const documents: readonly DiscoveryDocument[] = ['openid-configuration', 'oauth-authorization-server'];
 * ```
 */
export type DiscoveryDocument = 'openid-configuration' | 'oauth-authorization-server';

/** The documents `discovery` may name. */
export const DISCOVERY_DOCUMENTS: readonly DiscoveryDocument[] = Object.freeze(['openid-configuration', 'oauth-authorization-server']);

/**
 * Where `issuer` publishes `document`. OpenID Connect appends the well-known path to the issuer
 * (Discovery 1.0 §4.1); RFC 8414 §3.1 inserts it between the host and the issuer's path, with
 * any terminating `/` of the path removed first. For an issuer without a path both give
 * `<origin>/.well-known/<document>`.
 *
 * @example
 * ```ts
 * discoveryUrl('https://idp.example/tenant-1', 'oauth-authorization-server');
 * // 'https://idp.example/.well-known/oauth-authorization-server/tenant-1'
 * ```
 */
export function discoveryUrl(issuer: string, document: DiscoveryDocument): string {
  if (document === 'openid-configuration') return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

async function readDocument(issuer: string, url: string, limits: FetchLimits): Promise<string> {
  const document = await fetchJson(url, limits);
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new KeySetFetchError('invalid_document', { url });
  const { issuer: named, jwks_uri: jwksUri } = document as { issuer?: unknown; jwks_uri?: unknown };
  // Both specifications: the document must name this very issuer (OIDC Discovery §4.3, RFC 8414
  // §3.3); a mismatch means the document is not the issuer's.
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

/**
 * Finds the key-set URL of an issuer from its metadata: each of `documents` in turn (see
 * {@link discoveryUrl}) until one answers. The document must name this very `issuer` and a
 * fetchable `jwks_uri`. The next document is tried only when the previous one is not there
 * (an answer other than 200); a timeout, an unreachable host or a document that names another
 * issuer stops the search. Only the configured issuer is ever asked: a token never chooses what
 * is fetched. Rejects with a {@link KeySetFetchError}: `issuer_mismatch` (with `expected` and
 * `found`), `insecure_url`, `invalid_document`, or the reason the fetch failed.
 *
 * @example
 * ```ts
 * const jwksUri = await discoverJwksUri('https://idp.example.com', { timeoutMs: 5000, maxBytes: 1 << 20, allowInsecureHttp: false });
 * ```
 */
export async function discoverJwksUri(
  issuer: string,
  limits: FetchLimits,
  documents: readonly DiscoveryDocument[] = ['openid-configuration'],
): Promise<string> {
  let notFound: unknown;
  for (const document of documents) {
    try {
      return await readDocument(issuer, discoveryUrl(issuer, document), limits);
    } catch (err) {
      if (!(err instanceof KeySetFetchError && err.reason === 'http_status')) throw err;
      notFound = err;
    }
  }
  throw notFound;
}

/**
 * Reads a `discovery` option: one document or a list of them, tried in order. Throws a
 * `TypeError` naming `owner` for anything else. Default: `['openid-configuration']`.
 *
 * @example
 * ```ts
 * readDiscoveryOption('MyApp', 'oauth-authorization-server'); // ['oauth-authorization-server']
 * ```
 */
export function readDiscoveryOption(owner: string, value: unknown): readonly DiscoveryDocument[] {
  if (value === undefined) return Object.freeze(['openid-configuration'] as const);
  const list: unknown[] = Array.isArray(value) ? [...value] : [value];
  if (list.length === 0 || !list.every((item) => DISCOVERY_DOCUMENTS.includes(item as DiscoveryDocument)) || new Set(list).size !== list.length) {
    throw new TypeError(`${owner}: "discovery" must be 'openid-configuration', 'oauth-authorization-server', or a list of both in the order to try them.`);
  }
  return Object.freeze(list as DiscoveryDocument[]);
}
