import type http from 'node:http';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { closeServer, listenLocally } from '../helpers/local-server';
import { claims } from '../helpers/tokens';

/** How a provider publishes where its keys are. */
export type Publication = 'jwks-only' | 'openid-configuration' | 'oauth-authorization-server';

/** A real identity provider on 127.0.0.1: a key pair, its JWKS and its metadata, with request counts. */
export interface IdentityProvider {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** The issuer: `origin` plus the provider's path (e.g. `/tenant-a`), without a trailing slash. */
  readonly issuer: string;
  /** Where the key set is served. */
  readonly jwksUri: string;
  readonly key: JoseKey;
  /** JSON documents served, by path; a test may change or delete them. */
  readonly documents: Map<string, unknown>;
  /** When set, every answer has this status and no document (an outage). Default: none. */
  outageStatus: number | undefined;
  /** The paths requested so far, in order. */
  readonly requests: string[];
  /** A token of this provider (its `iss`, `aud` `api`), signed with its key, with `overrides`. */
  token(overrides?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** The well-known path of `publication` for an issuer at `path` (RFC 8414 §3.1 inserts; OIDC appends). */
export function metadataPath(publication: Exclude<Publication, 'jwks-only'>, path: string): string {
  return publication === 'openid-configuration' ? `${path}/.well-known/openid-configuration` : `/.well-known/oauth-authorization-server${path}`;
}

/**
 * Starts an identity provider whose issuer is at `path`, publishing its JWKS at `<path>/jwks`
 * and, unless `jwks-only`, the metadata document naming it.
 *
 * @example
 * ```ts
 * const idp = await startIdentityProvider('oauth-authorization-server', '/realms/b');
 * const token = await idp.token({ sub: 'bob' });
 * ```
 */
export async function startIdentityProvider(publication: Publication, path = '', alg: 'RS256' | 'ES256' = 'RS256'): Promise<IdentityProvider> {
  const documents = new Map<string, unknown>();
  const requests: string[] = [];
  const state: { outageStatus: number | undefined } = { outageStatus: undefined };
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const url = req.url ?? '';
    requests.push(url);
    res.on('error', () => undefined);
    const document = state.outageStatus === undefined ? documents.get(url) : undefined;
    res.statusCode = state.outageStatus ?? (document === undefined ? 404 : 200);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify(document ?? { error: 'unavailable' }));
  };
  const { server, origin } = await listenLocally(handle);
  const issuer = `${origin}${path}`;
  const key = await joseKey(alg, `${alg.toLowerCase()}-${path.replace(/\W/g, '') || 'root'}`);
  const jwksUri = `${issuer}/jwks`;
  documents.set(`${path}/jwks`, keySet(key));
  if (publication !== 'jwks-only') documents.set(metadataPath(publication, path), { issuer, jwks_uri: jwksUri });
  return {
    origin,
    issuer,
    jwksUri,
    key,
    documents,
    get outageStatus() {
      return state.outageStatus;
    },
    set outageStatus(status: number | undefined) {
      state.outageStatus = status;
    },
    requests,
    token: (overrides = {}) => joseToken(key, { payload: claims({ iss: issuer, aud: 'api', ...overrides }) }),
    close: () => closeServer(server),
  };
}
