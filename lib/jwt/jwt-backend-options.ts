import type { IncomingMessage } from 'node:http';
import type { TokenCookieOptions } from '../cookie/cookie-options';
import type { TokenPayload } from '../credentials';
import type { BaseUser } from '../user';
import type { JWTUser } from './jwt-user';
import type { Algorithm } from '../keys/algorithms';
import type { RemoteKeySetOptions } from '../keys/remote-key-set';
import type { JsonWebKeySet, KeyMap } from '../keys/static-key-set';
import type { KeyInput, SigningKeyInput } from '../keys/key-objects';
import type { Store } from '../store/store';
import type { RevocationOptions } from './revocation-options';
import type { DiscoveryDocument } from '../keys/discovery';
import type { KeyResolutionOptions, KeyResolverFunction } from './issuers/key-resolver-options';
import type { TrustedIssuer } from './issuers/trusted-issuer';
import type { AuthLogger } from '../observability/logger';
import type { DpopMode, DpopOptions, MtlsOptions } from './dpop/dpop-options';
import type { RefreshTokenOptions } from '../refresh/refresh-options';

/**
 * Options of {@link JWTAuthenticationBackend}. Read once, validated, and copied at construction;
 * a mistake throws a `TypeError` there, never a 500 later.
 *
 * @typeParam TUser - The application's user type, returned by `retrieveUser`.
 *
 * @example
 * ```ts
 * const options: JWTAuthenticationBackendOptions<AppUser> = {
 *   secretKey: process.env.JWT_SECRET!,
 *   issuer: 'https://auth.example.com/',
 *   audience: 'my-api',
 *   retrieveUser: (payload) => users.findById(String(payload.sub)),
 * };
 * ```
 */
export interface JWTAuthenticationBackendOptions<TUser extends BaseUser = JWTUser> {
  /**
   * The verification key, converted to `KeyObject`s once:
   * - one key: the HMAC secret (string or Buffer) for `HS*`, or the public key (PEM string,
   *   certificate, or `KeyObject`; a private key is reduced to its public half) for
   *   `RS*`/`PS*`/`ES*`/`EdDSA`, used whatever the token's `kid`;
   * - an inline JWKS (`{ keys: [...] }`, public keys with `kid`), chosen by the token's `kid`;
   * - a map of `kid` to keys, for self-managed rotation (old and new keys both verify).
   * Give `secretKey` or `jwksUri`, not both; with neither, a single `issuer` URL is used for
   * OpenID Connect discovery. Default: none.
   */
  readonly secretKey?: KeyInput | JsonWebKeySet | KeyMap;
  /**
   * The URL of the identity provider's JSON Web Key Set (HTTPS; plain HTTP only to this
   * machine, or to any host with `keySetFetch.allowInsecureHttp` in development). Its signing
   * keys (`use` `sig` or absent, `key_ops` including `verify`; RSA, EC or OKP) are imported with
   * `node:crypto` from their public members only and chosen by `kid`; only asymmetric algorithms
   * are allowed, and the default algorithm becomes `RS256`. Default: none.
   */
  readonly jwksUri?: string;
  /** How the remote key set (`jwksUri` or discovery) is fetched and kept. Default: see {@link RemoteKeySetOptions}. */
  readonly keySetFetch?: RemoteKeySetOptions;
  /**
   * Accept RSA keys under 2048 bits and HMAC secrets shorter than the hash output (32, 48 or
   * 64 bytes for HS256/384/512), which RFC 7518 forbids. Only for legacy systems. Default: `false`.
   */
  readonly allowWeakKeys?: boolean;
  /** The one algorithm tokens must use. Default: `'HS256'` (`'RS256'` for remote key sets). Give this or `algorithms`, not both. */
  readonly algorithm?: Algorithm;
  /**
   * The algorithms tokens may use (an allow-list). All must fit `secretKey`: HMAC and
   * asymmetric algorithms cannot be mixed. `createToken` signs with the first. Default: `[algorithm]`.
   */
  readonly algorithms?: readonly Algorithm[];
  /**
   * The authentication scheme before the token, matched case-insensitively. `'JWT'` reproduces
   * starlette-jwt. A header with another scheme is not this backend's (anonymous). Default: `'Bearer'`.
   */
  readonly prefix?: string;
  /**
   * The request header that carries the credentials (`<prefix> <token>`); `login()` writes the
   * token there too. `false` reads no header, for a backend that takes the token from `cookie`
   * only. Default: `'authorization'`.
   */
  readonly header?: string | false;
  /**
   * Also read the token from a cookie, after the header (the header wins when both are present),
   * with a same-origin check on state-changing requests; `login()` then sets the cookie and
   * `logout()` clears it. `{}` takes the defaults. Default: no cookie.
   *
   * @example
   * ```ts
   * new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET!, cookie: { name: 'session', secure: process.env.NODE_ENV === 'production' } });
   * ```
   */
  readonly cookie?: TokenCookieOptions;
  /** The `realm` of the `WWW-Authenticate` challenge. Default: `'api'`. */
  readonly realm?: string;
  /** The claim used as `req.user.displayName`, falling back to `sub`. Default: `'username'`. */
  readonly usernameField?: string;
  /** The accepted `iss` value, or any of a list. A single string is also set by `createToken`. Default: not checked. */
  readonly issuer?: string | readonly string[];
  /**
   * The accepted `aud` value: a string, a RegExp, or a list of them; a token matches when any
   * of its audiences matches any of these. A single string is also set by `createToken`.
   * Default: `aud` is not checked.
   */
  readonly audience?: string | RegExp | readonly (string | RegExp)[];
  /** The accepted `sub` value. Default: `sub` is not checked. */
  readonly subject?: string;
  /** Leeway for `exp`, `nbf` and `maxAge`, in seconds. Default: `0`. */
  readonly clockTolerance?: number;
  /** The greatest age of a token, in seconds after its `iat` (which becomes required). Default: unlimited. */
  readonly maxAge?: number;
  /**
   * Claims every token must carry. The default refuses tokens that never expire; pass `[]`
   * to opt out. Default: `['exp']`.
   */
  readonly requiredClaims?: readonly string[];
  /**
   * The claim scopes are read from (a space-delimited string or an array of strings).
   * Default: the first present of `scope` (RFC 8693), `scp`, `scopes`.
   */
  readonly scopesClaim?: string;
  /** The clock, in milliseconds since the epoch; inject one in tests. Default: `Date.now`. */
  readonly clock?: () => number;
  /**
   * Loads the application's user from the verified claims (a database lookup), sync or async.
   * Its result becomes `req.user` and must implement `BaseUser`. `null`/`undefined` means the
   * user no longer exists: 401 `invalid_token` with reason `unknown_user`. What it throws is the
   * application's error (`next(err)`), unless it is an `AuthenticationError`.
   * Default: `req.user` is a `JWTUser` built from the claims.
   */
  readonly retrieveUser?: (payload: TokenPayload, req: IncomingMessage) => TUser | null | undefined | Promise<TUser | null | undefined>;
  /**
   * Tells whether a verified token has been revoked (e.g. its `jti` is on a deny-list), sync or
   * async; it runs before `retrieveUser`. `true` gives 401 `invalid_token` with reason
   * `revoked`; a result that is not a boolean is an application error. Default: never revoked.
   */
  readonly isRevoked?: (payload: TokenPayload, req: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * The private key `createToken` and `login` sign with, for `RS*`/`PS*`/`ES*`/`EdDSA` (PEM or
   * `KeyObject`); it must be the private half of a key in `secretKey`. HMAC backends sign with
   * `secretKey`. Default: none (an asymmetric backend then only verifies).
   */
  readonly signingKey?: SigningKeyInput;
  /**
   * The `kid` put in the header of issued tokens. With a `kid` map of HMAC secrets it also picks
   * the secret to sign with (and is then required to sign). Default: the `kid` of the signing
   * key's entry in `secretKey`; for a single asymmetric key, its RFC 7638 thumbprint; for a
   * single HMAC secret, none.
   */
  readonly signingKeyId?: string;
  /** Lifetime of the tokens `createToken` and `login` issue, in seconds. Default: `3600`. */
  readonly expiresIn?: number;
  /**
   * The `typ` header every token must carry (explicit typing, RFC 8725 §3.11), compared
   * case-insensitively with or without `application/`: e.g. `'at+jwt'` for RFC 9068 access
   * tokens. `createToken` then writes it. Default: not checked (`createToken` writes `JWT`).
   */
  readonly type?: string;
  /** The longest token accepted, in characters, checked before any decoding. Default: `8192`. */
  readonly maxTokenLength?: number;
  /**
   * How many verified tokens to remember (a least-recently-used cache keyed by the whole token),
   * so a token seen before skips decoding and the signature check. Every hit still checks
   * `exp`/`nbf`/`iat`/`maxAge` against the clock and that the verifying key is still trusted;
   * `isRevoked` and `retrieveUser` run on every request; an expired token stays remembered, so
   * it is refused again without the signature check. With a static key (not `jwksUri`), tokens
   * whose signature failed are remembered apart, up to 1,000 (or `cacheSize` if smaller), and
   * refused again without the check. `0` turns both off. Default: `2000` entries (about 1 MB
   * for typical tokens; a larger cache keeps more tokens of more clients, but every entry lives
   * long enough to reach the old generation, which then grows several times its size between
   * collections: about 45 MB of RSS for 10,000 entries under a million distinct tokens).
   */
  readonly cacheSize?: number;
  /**
   * How long, in seconds, a remembered verification (a verified token, or a forged one) is used
   * before the token is verified afresh, signature included. A cached token is never accepted
   * past its own `exp` whatever this says. Default: `600` (10 minutes).
   *
   * @example
   * ```ts
   * new JWTAuthenticationBackend({ secretKey, cacheSize: 50_000, cacheMaxAge: 60 });
   * ```
   */
  readonly cacheMaxAge?: number;
  /**
   * Where revocations are shared: `memoryStore()` for one process, `redisStore({ client })`
   * (`express-jwt-auth/redis`) for several instances. The backend then gains `revoke()` and
   * `revokeSubject()`, and checks every authenticated request (cache hits too) against a local
   * copy fed by the store's change feed, after the signature and claims and before
   * `isRevoked`/`retrieveUser`: 401 `invalid_token` reason `revoked`. Default: none.
   */
  readonly store?: Store;
  /** How the local copy of the revocations is kept and what happens when the store is away. Default: see {@link RevocationOptions}. */
  readonly revocation?: RevocationOptions;
  /**
   * Several trusted identity providers, each with its `issuer`, its `audience` and its own keys
   * (`jwksUri`, discovery from `issuer`, or static keys) and outage state. The token's `iss`,
   * read before verification only to choose an entry, picks one; an `iss` missing or not listed
   * is refused with 401 `invalid_token` without any fetch. Replaces `secretKey`, `jwksUri`,
   * `issuer` and `audience`; the backend then only verifies. See docs/several-issuers.md.
   * Default: none.
   *
   * @example
   * ```ts
   * new JWTAuthenticationBackend({ issuers: [
   *   { issuer: 'https://login.tenant-a.example', audience: 'orders-api' },
   *   { issuer: 'https://auth.tenant-b.example/realms/b', audience: 'orders-api', discovery: 'oauth-authorization-server' },
   * ] });
   * ```
   */
  readonly issuers?: readonly TrustedIssuer[];
  /**
   * Which metadata document discovery reads to find the key set from `issuer` (without
   * `jwksUri` or `secretKey`): `'openid-configuration'` (OpenID Connect), `'oauth-authorization-server'`
   * (RFC 8414), or both in the order to try them. Also the default of each `issuers` entry.
   * Default: `'openid-configuration'`.
   */
  readonly discovery?: DiscoveryDocument | readonly DiscoveryDocument[];
  /**
   * Finds the verification key of each request's token, e.g. per tenant, under the same key
   * type, algorithm and strength rules as `secretKey`; `algorithms` must be given. Its answers
   * are remembered and its outages answered 503 as a remote key set's (see `keyResolution`).
   * Replaces `secretKey` and `jwksUri`; the backend then only verifies. Default: none.
   *
   * @example
   * ```ts
   * new JWTAuthenticationBackend({
   *   algorithms: ['RS256'],
   *   keyResolver: async (req, header) => (await tenants.byHost(req.headers.host))?.publicKeyPem ?? null,
   *   keyResolution: { cacheKey: (req, header) => `${req.headers.host}|${String(header.kid)}` },
   * });
   * ```
   */
  readonly keyResolver?: KeyResolverFunction;
  /** How the keys of `keyResolver` are remembered and how long it may take. Default: see {@link KeyResolutionOptions}. */
  readonly keyResolution?: KeyResolutionOptions;
  /**
   * This server's resource identifier (RFC 8707, RFC 9728 §1.2), e.g. an MCP server's
   * `'https://mcp.example.com/mcp'`: every token's `aud` must contain it exactly (401
   * `invalid_token`, reason `claim_mismatch` or `missing_claim`, claim `aud`), on top of
   * `audience` when both are given; `createToken` writes it into `aud` (beside a single-string
   * `audience`). A canonical URL: `https` (plain `http` only to localhost), lower-case scheme and
   * host, no default port, query or fragment. Its metadata URL goes into every challenge (see
   * `resourceMetadataUrl`). Default: not checked.
   */
  readonly resource?: string;
  /**
   * The URL of this server's RFC 9728 protected-resource metadata, written into every
   * `WWW-Authenticate` challenge as `resource_metadata` (RFC 9728 §5.1), where MCP clients look
   * for it. Default: derived from `resource` by path insertion
   * (`https://mcp.example.com/.well-known/oauth-protected-resource/mcp`); none without `resource`.
   */
  readonly resourceMetadataUrl?: string;
  /**
   * Where what an operator must see is logged, once per cause at warning level: a remote key
   * set's configuration fault (the issuer expected and the one found, a refused URL, no usable
   * key). Never part of a response. `false` silences it. Default: `console` (`console.warn`).
   */
  readonly logger?: AuthLogger | false;
  /**
   * Accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>` with a `DPoP` proof
   * header, checked on every request (type, asymmetric algorithm, public key, signature, `htm`,
   * `htu`, `iat`, `ath`, the token's `cnf.jkt`), its `jti` reserved in `store` so that a replay
   * is refused by every instance. `'allowed'` takes Bearer tokens too, except those bound to a
   * key; `'required'` refuses every token without a proof. Needs `store`. Whatever this says, a
   * token with `cnf.jkt` is never accepted as a Bearer token. Default: none (Bearer only).
   *
   * @example
   * ```ts
   * new JWTAuthenticationBackend({ jwksUri, store: memoryStore(), dpop: 'required' });
   * ```
   */
  readonly dpop?: DpopMode;
  /** How DPoP proofs are checked: algorithms, `iat` window, public URL, nonces. Needs `dpop`. Default: see {@link DpopOptions}. */
  readonly dpopOptions?: DpopOptions;
  /**
   * Where the client certificate of an mTLS-bound token (`cnf.x5t#S256`, RFC 8705) may come from
   * besides the TLS connection: a header from a trusted TLS-terminating proxy. Such tokens are
   * always checked against the connection's certificate. Default: the connection only.
   */
  readonly mtls?: MtlsOptions;
  /**
   * Issue a rotating refresh token with every `login()` and token-endpoint answer, kept in
   * `store` (required): `refresh()` exchanges it, a reused one ends its sign-in everywhere. See
   * docs/refresh-tokens.md. Default: none.
   */
  readonly refreshTokens?: RefreshTokenOptions;
  /**
   * A claim whose values are granted as scopes, beside the scopes claim: e.g. `'permissions'`
   * (Auth0 RBAC, an array of strings, or a space-delimited string). Its values join
   * `req.auth.scopes`, so `requires('read:reports')` is satisfied by a scope or a permission of
   * that name. Default: none.
   */
  readonly permissionsClaim?: string;
  /**
   * A token profile. `'rfc9068'` (JWT access tokens, RFC 9068): tokens must have `typ` `at+jwt`
   * and the claims `iss`, `aud`, `exp`, `iat`, `sub`, `client_id` and `jti` (`sub` and
   * `client_id` strings), on top of any `requiredClaims`; `issuer` and `audience` (or
   * `issuers`) become required options (RFC 9068 §4 has the resource server check both); `createToken` writes
   * `typ: at+jwt` and refuses claims without `sub` or `client_id`. Default: none.
   */
  readonly profile?: 'rfc9068';
}

/** The option names {@link JWTAuthenticationBackendOptions} knows. */
export const JWT_BACKEND_OPTION_NAMES: readonly string[] = Object.freeze([
  'secretKey', 'algorithm', 'algorithms', 'prefix', 'header', 'realm', 'usernameField', 'issuer',
  'audience', 'subject', 'clockTolerance', 'maxAge', 'requiredClaims', 'scopesClaim', 'clock',
  'retrieveUser', 'isRevoked', 'signingKey', 'expiresIn', 'jwksUri', 'keySetFetch', 'allowWeakKeys',
  'signingKeyId', 'type', 'maxTokenLength', 'cacheSize', 'cacheMaxAge', 'cookie',
  'store', 'revocation',
  'issuers', 'discovery', 'keyResolver', 'keyResolution',
  'resource', 'resourceMetadataUrl',
  'permissionsClaim', 'profile',
  'logger',
  'dpop', 'dpopOptions', 'mtls',
  'refreshTokens',
]);
