/**
 * Why a remote key set (or its discovery document) could not be used:
 * - `timeout`: no complete answer within `keySetFetch.timeoutMs`;
 * - `too_large`: the body is larger than `keySetFetch.maxBytes`;
 * - `unreachable`: the connection failed (refused, reset, DNS, TLS);
 * - `http_status`: an answer other than 200 (redirects are not followed);
 * - `not_json`: the body is not JSON;
 * - `invalid_document`: JSON, but not a key set (`keys` array) or not a discovery document
 *   (an object with a string `jwks_uri`);
 * - `issuer_mismatch`: the discovery document names another issuer than the configured one;
 * - `insecure_url`: the discovery document names a plain-HTTP `jwks_uri` to another machine;
 * - `no_usable_key`: the key set holds no signing key that fits the allowed algorithms.
 *
 * @example
 * ```ts
 * if (err.cause instanceof KeySetFetchError && err.cause.reason === 'issuer_mismatch') alert(err.cause.found);
 * ```
 */
export type KeySetFetchFailure =
  | 'timeout'
  | 'too_large'
  | 'unreachable'
  | 'http_status'
  | 'not_json'
  | 'invalid_document'
  | 'issuer_mismatch'
  | 'insecure_url'
  | 'no_usable_key';

// Faults a retry will not fix: only a change of configuration (ours or the provider's) will.
const CONFIGURATION_FAULTS: ReadonlySet<KeySetFetchFailure> = new Set(['issuer_mismatch', 'insecure_url', 'no_usable_key']);

const MESSAGES: Readonly<Record<KeySetFetchFailure, string>> = {
  timeout: 'The key set fetch timed out.',
  too_large: 'The key set (or discovery document) is larger than keySetFetch.maxBytes.',
  unreachable: 'The key-set endpoint is unreachable.',
  http_status: 'The key-set endpoint answered another status than 200.',
  not_json: 'The key set (or discovery document) is not JSON.',
  invalid_document: 'The key set has no "keys" array, or the discovery document no string "jwks_uri".',
  issuer_mismatch: 'The discovery document names another issuer than the configured one.',
  insecure_url: 'The discovery document names a plain-HTTP jwks_uri to another machine.',
  no_usable_key: 'The key set holds no signing key that fits the allowed algorithms.',
};

/**
 * Details of a {@link KeySetFetchError}, each set only for the reasons it explains.
 *
 * @example
 * ```ts
 * new KeySetFetchError('http_status', { url: 'https://idp.example.com/jwks.json', status: 500 });
 * ```
 */
export interface KeySetFetchErrorDetails {
  /** The URL that was fetched (or, for `insecure_url`, refused). */
  readonly url?: string;
  /** The HTTP status answered, for `http_status`. */
  readonly status?: number;
  /** The configured issuer, for `issuer_mismatch`. */
  readonly expected?: string;
  /** The issuer the discovery document names (`undefined` when it names none), for `issuer_mismatch`. */
  readonly found?: string;
  /** The allowed algorithms, for `no_usable_key`. */
  readonly algorithms?: readonly string[];
}

/**
 * Why the keys of a remote key set could not be had: the `cause` of the 503
 * `KeySetUnavailableError` answered meanwhile. Its fields are for logs and monitoring; they are
 * never sent to the client. `isConfigurationFault` tells a fault that a retry will not fix
 * (`issuer_mismatch`, `insecure_url`, `no_usable_key`) from a transient outage.
 *
 * @example
 * ```ts
 * onError(err, req, res, next) {
 *   if (err.code === 'temporarily_unavailable' && err.cause instanceof KeySetFetchError) {
 *     logger.error({ reason: err.cause.reason, status: err.cause.status, fault: err.cause.isConfigurationFault });
 *   }
 *   renderAuthenticationError(err, req, res, next);
 * }
 * ```
 */
export class KeySetFetchError extends Error {
  override readonly name = 'KeySetFetchError';
  readonly reason: KeySetFetchFailure;
  readonly url: string | undefined;
  readonly status: number | undefined;
  readonly expected: string | undefined;
  readonly found: string | undefined;
  readonly algorithms: readonly string[] | undefined;

  constructor(reason: KeySetFetchFailure, details: KeySetFetchErrorDetails = {}, options?: { readonly cause?: unknown }) {
    super(MESSAGES[reason], options);
    this.reason = reason;
    this.url = details.url;
    this.status = details.status;
    this.expected = details.expected;
    this.found = details.found;
    this.algorithms = details.algorithms === undefined ? undefined : Object.freeze([...details.algorithms]);
  }

  /** Whether only a change of configuration fixes this (retrying after the cooldown will not). */
  get isConfigurationFault(): boolean {
    return CONFIGURATION_FAULTS.has(this.reason);
  }
}
