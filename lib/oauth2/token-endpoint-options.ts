import type { IncomingMessage } from 'node:http';
import type { FailureThrottle } from '../throttle/failure-throttle';

/**
 * What `verifyCredentials` returns for a username and password that match.
 *
 * @example
 * ```ts
 * const verified: VerifiedCredentials = { sub: user.id, scopes: user.scopes, claims: { username: user.name } };
 * ```
 */
export interface VerifiedCredentials {
  /** The subject of the token (`sub`): a stable user id. A non-empty string. */
  readonly sub: string;
  /**
   * Every scope this user may hold. The token gets those of them the client asked for, or all
   * of them when it asked for none.
   */
  readonly scopes: readonly string[];
  /**
   * Extra claims for the token (e.g. `username`). They must not set `sub` or the scope claim
   * (returned above) nor `iat`, `exp` or `jti` (set by the signer). Default: none.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/**
 * Checks a resource owner's password, sync or async: `null` (or `undefined`) for an unknown
 * user or a wrong password, which must take the same time (compare against a dummy hash for
 * unknown users), or the verified subject and scopes. What it throws is the application's
 * error (`next(err)`).
 *
 * @example
 * ```ts
 * const verifyCredentials: CredentialsVerifier = async (username, password) => {
 *   const user = await users.checkPassword(username, password); // scrypt even for unknown users
 *   return user === null ? null : { sub: user.id, scopes: user.scopes };
 * };
 * ```
 */
export type CredentialsVerifier = (
  username: string,
  password: string,
  requestedScopes: readonly string[],
  req: IncomingMessage,
) => VerifiedCredentials | null | undefined | Promise<VerifiedCredentials | null | undefined>;

/**
 * Authenticates a confidential client (RFC 6749 §2.3.1), sync or async: `true` when the client
 * id and secret match. Compare secrets in constant time.
 *
 * @example
 * ```ts
 * const digest = (value: string) => createHash('sha256').update(value).digest();
 * const verifyClient: ClientVerifier = (id, secret) =>
 *   id === 'mobile-app' && timingSafeEqual(digest(secret), digest(process.env.MOBILE_SECRET!));
 * ```
 */
export type ClientVerifier = (clientId: string, clientSecret: string, req: IncomingMessage) => boolean | Promise<boolean>;

/**
 * Options of `OAuth2PasswordBearer.tokenEndpoint()`. Read once when the endpoint is
 * built; a mistake throws a `TypeError` there.
 *
 * @example
 * ```ts
 * const options: TokenEndpointOptions = {
 *   verifyCredentials: async (username, password) => {
 *     const user = await users.checkPassword(username, password); // same time for unknown users
 *     return user === null ? null : { sub: user.id, scopes: user.scopes };
 *   },
 * };
 * ```
 */
export interface TokenEndpointOptions {
  /** Checks the username and password of the `password` grant (RFC 6749 §4.3). Required. */
  readonly verifyCredentials: CredentialsVerifier;
  /**
   * Authenticates the client by HTTP Basic (`client_id:client_secret`) or by `client_id` and
   * `client_secret` in the body (RFC 6749 §2.3.1). When set, a request without client
   * credentials, or with wrong ones, gets 401 `invalid_client`. Default: none (public clients:
   * client credentials are ignored).
   */
  readonly verifyClient?: ClientVerifier;
  /**
   * The largest request body read, in bytes; a larger one gets 413 `invalid_request`.
   * Default: `8192` (8 KiB).
   */
  readonly maxBodyBytes?: number;
  /**
   * Throttles failed sign-ins, built by `failureThrottle({ store })`: per client IP (`req.ip`,
   * which follows `trust proxy`) and per username, in fixed windows of the store. A client or
   * username past its limit gets 429 `slow_down` with `Retry-After`, before its credentials are
   * checked; a successful sign-in never counts. Fails open when the store is down. Default: none.
   */
  readonly throttle?: FailureThrottle;
}

/** The option names {@link TokenEndpointOptions} knows. */
export const TOKEN_ENDPOINT_OPTION_NAMES: readonly string[] = Object.freeze(['verifyCredentials', 'verifyClient', 'maxBodyBytes', 'throttle']);
