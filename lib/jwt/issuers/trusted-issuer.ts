import type { Algorithm } from '../../keys/algorithms';
import type { DiscoveryDocument } from '../../keys/discovery';
import type { KeyInput } from '../../keys/key-objects';
import type { RemoteKeySetOptions } from '../../keys/remote-key-set';
import type { JsonWebKeySet, KeyMap } from '../../keys/static-key-set';

/**
 * One identity provider a backend with the `issuers` option trusts: its `iss`, the audience its
 * tokens must name, and where its keys come from (`jwksUri`, discovery from `issuer`, or static
 * keys in `secretKey`). Each entry keeps its own keys and its own outage state.
 *
 * @example
 * ```ts
 * const tenants: TrustedIssuer[] = [
 *   { issuer: 'https://login.tenant-a.example', audience: 'orders-api' },
 *   { issuer: 'https://auth.tenant-b.example/realms/b', audience: 'orders-api', discovery: 'oauth-authorization-server' },
 *   { issuer: 'https://idp.partner.example', audience: 'orders-api', jwksUri: 'https://idp.partner.example/keys' },
 * ];
 * ```
 */
export interface TrustedIssuer {
  /**
   * The exact `iss` of this provider's tokens: an HTTPS URL without query or fragment (plain
   * HTTP only to this machine, or with `keySetFetch.allowInsecureHttp` in development). Each
   * issuer appears once in the list. Required.
   */
  readonly issuer: string;
  /** The accepted `aud` value(s) of this provider's tokens, as the backend's `audience` option. Required. */
  readonly audience: string | RegExp | readonly (string | RegExp)[];
  /**
   * The URL of this provider's JSON Web Key Set (HTTPS, same rules as the backend's `jwksUri`).
   * Default: discovered from `issuer` (see `discovery`), unless `secretKey` is given.
   */
  readonly jwksUri?: string;
  /** Static keys of this provider, in the three shapes of the backend's `secretKey`. Default: none. */
  readonly secretKey?: KeyInput | JsonWebKeySet | KeyMap;
  /**
   * Which metadata document names this provider's `jwks_uri`: `'openid-configuration'` (OpenID
   * Connect, `<issuer>/.well-known/openid-configuration`), `'oauth-authorization-server'`
   * (RFC 8414, `/.well-known/oauth-authorization-server` inserted before the issuer's path), or
   * both in the order to try them. Default: the backend's `discovery` (`'openid-configuration'`).
   */
  readonly discovery?: DiscoveryDocument | readonly DiscoveryDocument[];
  /**
   * The algorithms this provider's tokens may use. Default: the backend's `algorithm(s)` when
   * given, else `['RS256']` (`['HS256']` with a `secretKey` secret).
   */
  readonly algorithms?: readonly Algorithm[];
  /** How this provider's key set is fetched and kept. Default: the backend's `keySetFetch`. */
  readonly keySetFetch?: RemoteKeySetOptions;
}
