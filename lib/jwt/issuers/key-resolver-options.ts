import type { JsonWebKey } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TokenPayload } from '../../credentials';
import type { KeyInput } from '../../keys/key-objects';

/**
 * What a {@link KeyResolverFunction} answers: the verification key (an HMAC secret, a PEM public
 * key or certificate, a `KeyObject`, or a public JWK), or `null`/`undefined` when it knows no
 * key for this token.
 *
 * @example
 * ```ts
 * const resolved: ResolvedKey = tenant?.publicKeyPem ?? null;
 * ```
 */
export type ResolvedKey = KeyInput | JsonWebKey | null | undefined;

/**
 * Finds the key that verifies one request's token, e.g. the key of the tenant the request is
 * for (the backend's `keyResolver` option). It receives the request, the token's header and its
 * payload NOT YET VERIFIED: use them to choose a key, never to decide anything else. Sync or
 * async.
 *
 * - a usable key: the token is verified with it (signature, then claims);
 * - `null`/`undefined`, or a key that does not fit the `algorithms` (wrong type or curve, RSA
 *   under 2048 bits, a PEM given as a secret...): 401 `invalid_token` reason `unknown_key`,
 *   with the cause for logs in the error's `cause`;
 * - throws a `KeySetUnavailableError`, or does not settle within `keyResolution.timeoutMs`:
 *   503 `temporarily_unavailable` with `Retry-After`;
 * - throws another `AuthenticationError`: that error is the answer;
 * - throws anything else: the application's error, passed to `next(err)`.
 *
 * @example
 * ```ts
 * const keyResolver: KeyResolverFunction = async (req, header) =>
 *   (await tenants.byHost(req.headers.host))?.keys[String(header.kid)] ?? null;
 * ```
 */
export type KeyResolverFunction = (
  req: IncomingMessage,
  header: Readonly<Record<string, unknown>>,
  unverifiedPayload: Readonly<TokenPayload>,
) => ResolvedKey | Promise<ResolvedKey>;

/**
 * How the keys a `keyResolver` answers are remembered and how long it may take.
 *
 * @example
 * ```ts
 * const keyResolution: KeyResolutionOptions = {
 *   cacheKey: (req, header) => `${req.headers.host}|${String(header.kid)}`,
 *   cacheSize: 500,
 *   timeoutMs: 2000,
 * };
 * ```
 */
export interface KeyResolutionOptions {
  /**
   * Names what a resolved key depends on: requests with the same name share the key without
   * calling the resolver again. A resolver that reads the request (a tenant from the host or a
   * path) MUST put what it reads in here, or one tenant's key would serve another's requests.
   * `undefined` resolves that request afresh, uncached. Default: the token's unverified `iss`
   * and `kid`.
   */
  readonly cacheKey?: (req: IncomingMessage, header: Readonly<Record<string, unknown>>, unverifiedPayload: Readonly<TokenPayload>) => string | undefined;
  /** How many resolved keys are remembered (least recently used out first); `0` remembers none. Default: `1000`. */
  readonly cacheSize?: number;
  /**
   * Age after which a remembered key is resolved again in the background (still used
   * meanwhile, and kept if that resolution fails or times out), in milliseconds. Default: `600000`.
   */
  readonly maxAgeMs?: number;
  /**
   * After a resolution failed with `KeySetUnavailableError` or a timeout, how long requests with
   * the same cache key are answered 503 without asking the resolver again, in milliseconds;
   * also their `Retry-After`. Default: `5000`.
   */
  readonly cooldownMs?: number;
  /** How long one resolution may take before the request is answered 503, in milliseconds. Default: `5000`. */
  readonly timeoutMs?: number;
}
