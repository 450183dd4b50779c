import type { IncomingMessage } from 'node:http';
import { readExpectedOrigin, readTrustedOrigins } from '../cookie/same-origin';
import { SCOPE_TOKEN } from '../core/grammar';
import { checkNumber, rejectUnknownOptions } from '../core/options';
import type { Store } from '../store/store';
import { isStore } from '../store/store';
import type { ConnectionAuth } from './connection-auth';

/**
 * What the application is told when a connection's token expires, when `onExpired` is set: the
 * connection's credentials, and the two ways on. Nothing is closed until it calls `close()`.
 *
 * @example
 * ```ts
 * const onExpired = (expiry: CredentialsExpiry) => {
 *   const socket = expiry.connection as WebSocket;
 *   socket.send(JSON.stringify({ type: 'reauthenticate' }));
 *   const timer = setTimeout(() => expiry.close(), 10_000);
 *   socket.once('message', (data) => { clearTimeout(timer); expiry.renew(String(data)).catch(() => expiry.close()); });
 * };
 * ```
 */
export interface CredentialsExpiry {
  /** The connection: the `ws` WebSocket, or the Socket.IO socket. */
  readonly connection: object;
  /** The connection's identity and credentials as they were when the token expired. */
  readonly auth: ConnectionAuth;
  /** Closes the connection as the default does: code 1008, reason "The access token has expired." */
  close(): void;
  /**
   * Authenticates `token` with the same backends (presented as the backend's own header), checks
   * the same requirements and the same subject, and keeps the connection open with the new
   * credentials (a new expiry, a new revocation watch). Rejects with the `AuthenticationError`
   * when the token is not acceptable; the connection is left as it is, for the caller to close.
   */
  renew(token: string): Promise<ConnectionAuth>;
}

/**
 * Options of {@link authenticateUpgrades} and {@link socketIoAuthentication}: what an upgrade
 * must carry, where a browser may put its token, and what ends a connection.
 *
 * @example
 * ```ts
 * const options: UpgradeAuthenticationOptions = { authenticated: true, scopes: ['chat'], store, trustedOrigins: ['https://admin.example.com'] };
 * ```
 */
export interface UpgradeAuthenticationOptions {
  /**
   * Whether an upgrade without credentials is refused (401 with a bare `WWW-Authenticate`
   * challenge, as the `authenticated()` guard answers). Default: `false`, anonymous connections
   * are accepted, as `authenticationMiddleware` lets anonymous requests through.
   */
  readonly authenticated?: boolean;
  /**
   * Scopes every connection must hold (403 `insufficient_scope` otherwise, as `requires()`);
   * implies `authenticated`. Default: none.
   */
  readonly scopes?: readonly string[];
  /**
   * Other origins (`scheme://host[:port]`) whose pages may open a cookie-authenticated
   * connection, besides the request's own. Default: none.
   */
  readonly trustedOrigins?: readonly string[];
  /**
   * This application's origin as browsers see it, behind a proxy that terminates TLS (as the
   * cookie option of the same name). Default: worked out from the connection and `Host`.
   */
  readonly expectedOrigin?: string;
  /**
   * Whether a token may come from the `Sec-WebSocket-Protocol` header, as the pair of offered
   * subprotocols `access_token`, `<token>` (a browser's `new WebSocket(url, ['access_token', token])`).
   * The token is taken out of the header before anything else sees it, and the server answers
   * with another offered subprotocol (`access_token` by default), never the token. Default: `true`.
   */
  readonly subprotocolToken?: boolean;
  /**
   * Whether a token may come from an `access_token` query parameter of the upgrade URL. URLs are
   * written to access logs, proxies' logs and browser history: enable it only for clients that
   * can do nothing else. Default: `false`.
   */
  readonly queryToken?: boolean;
  /**
   * The store the backend keeps revocations in (the same as its `store` option): its change feed
   * closes, on every instance, the connections whose token or subject is revoked (code 1008).
   * Default: none (revocation is checked at the upgrade only).
   */
  readonly store?: Store;
  /**
   * Called when a connection's token expires, instead of closing it (code 1008): the application
   * can ask the client for a new token in-band and `renew` it, or `close()`. Default: none (the
   * connection is closed at the token's `exp`).
   */
  readonly onExpired?: (expiry: CredentialsExpiry) => void;
  /**
   * The clock the expiry of a connection is timed by, in milliseconds since the epoch: give the
   * backend's own `clock` when it has one. Default: `Date.now`.
   */
  readonly clock?: () => number;
  /**
   * How long the backends may take to answer an upgrade, in milliseconds; an upgrade still
   * unanswered then is refused with 503 and its socket destroyed. Default: `10000`.
   */
  readonly authenticationTimeoutMs?: number;
  /**
   * Told of errors that are not authentication errors (a `retrieveUser` hook that threw): the
   * upgrade is answered 500 (over `ws`) or the Socket.IO connection refused. Default: none.
   */
  readonly onError?: (err: Error, req: IncomingMessage) => void;
}

/** The option names of {@link UpgradeAuthenticationOptions}, for `rejectUnknownOptions`. */
export const UPGRADE_OPTION_NAMES: readonly string[] = [
  'authenticated', 'scopes', 'trustedOrigins', 'expectedOrigin', 'subprotocolToken', 'queryToken', 'store', 'onExpired',
  'clock', 'authenticationTimeoutMs', 'onError',
];

/** The options, read and checked once. */
export interface UpgradeSettings {
  readonly required: boolean;
  readonly scopes: readonly string[];
  readonly trustedOrigins: ReadonlySet<string>;
  readonly expectedOrigin: string | undefined;
  readonly subprotocolToken: boolean;
  readonly queryToken: boolean;
  readonly store: Store | undefined;
  readonly onExpired: ((expiry: CredentialsExpiry) => void) | undefined;
  readonly clock: () => number;
  readonly authenticationTimeoutMs: number;
  readonly onError: ((err: Error, req: IncomingMessage) => void) | undefined;
}

function checkFunction(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') throw new TypeError(`${owner}: "${name}" must be a function.`);
}

function checkBoolean(owner: string, name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'boolean') throw new TypeError(`${owner}: "${name}" must be true or false.`);
}

/**
 * Reads and checks {@link UpgradeAuthenticationOptions}; every mistake is a `TypeError` naming `owner`.
 *
 * @example
 * ```ts
 * const settings = readUpgradeOptions('authenticateUpgrades', { authenticated: true });
 * ```
 */
export function readUpgradeOptions(owner: string, options: UpgradeAuthenticationOptions): UpgradeSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`${owner}: "options" must be an object, e.g. { authenticated: true }.`);
  }
  rejectUnknownOptions(owner, options, UPGRADE_OPTION_NAMES);
  for (const name of ['authenticated', 'subprotocolToken', 'queryToken'] as const) checkBoolean(owner, name, options[name]);
  for (const name of ['onExpired', 'onError', 'clock'] as const) checkFunction(owner, name, options[name]);
  const { scopes = [] } = options;
  if (!Array.isArray(scopes) || !scopes.every((scope) => typeof scope === 'string' && SCOPE_TOKEN.test(scope))) {
    throw new TypeError(`${owner}: "scopes" must be an array of scope names, e.g. ['chat'].`);
  }
  if (scopes.length > 0 && options.authenticated === false) {
    throw new TypeError(`${owner}: "scopes" need an authenticated connection; leave out "authenticated: false".`);
  }
  if (options.store !== undefined && !isStore(options.store)) {
    throw new TypeError(`${owner}: "store" must be a store (the backend's own, e.g. memoryStore() or redisStore({ client })).`);
  }
  checkNumber(owner, 'authenticationTimeoutMs', options.authenticationTimeoutMs, 1);
  return Object.freeze({
    required: options.authenticated === true || scopes.length > 0,
    scopes: Object.freeze([...scopes]),
    trustedOrigins: readTrustedOrigins(owner, options.trustedOrigins),
    expectedOrigin: readExpectedOrigin(owner, options.expectedOrigin),
    subprotocolToken: options.subprotocolToken ?? true,
    queryToken: options.queryToken ?? false,
    store: options.store,
    onExpired: options.onExpired,
    clock: options.clock ?? Date.now,
    authenticationTimeoutMs: options.authenticationTimeoutMs ?? 10_000,
    onError: options.onError,
  });
}
