import { configurationFaultChannel, keySetChannel } from '../observability/channels';
import { KeySetFetchError, type KeySetFetchFailure } from './key-set-fetch-error';

/**
 * A message of `express-jwt-auth:key-set`: a fetch of a remote key set began, succeeded or
 * failed, or keys older than a failed refresh are served meanwhile.
 *
 * @example
 * ```ts
 * const message: KeySetMessage = { event: 'failed', url: 'https://idp.example.com/jwks.json', cause: 'timeout', durationSec: 5 };
 * ```
 */
export interface KeySetMessage {
  readonly event: 'started' | 'succeeded' | 'failed' | 'served_stale';
  /** The key set's URL, or the issuer whose discovery document names it (before the first discovery). */
  readonly url: string;
  /** Why a fetch failed: a {@link KeySetFetchFailure}, or `unknown` for anything else. */
  readonly cause?: KeySetFetchFailure | 'unknown';
  /** How many usable keys were fetched (`succeeded`) or are still served (`served_stale`). */
  readonly keys?: number;
  /** How long the fetch took, in seconds (`succeeded`, `failed`). */
  readonly durationSec?: number;
}

/**
 * A message of `express-jwt-auth:configuration-fault`: a fault only a change of configuration
 * fixes, published once per cause (as it is logged), without the values compared.
 *
 * @example
 * ```ts
 * const message: ConfigurationFaultMessage = { code: 'EXPRESS_JWT_AUTH_ISSUER_MISMATCH', cause: 'issuer_mismatch', url: 'https://idp.example.com/.well-known/openid-configuration' };
 * ```
 */
export interface ConfigurationFaultMessage {
  /** A stable code, e.g. `EXPRESS_JWT_AUTH_ISSUER_MISMATCH`. */
  readonly code: string;
  readonly cause: KeySetFetchFailure;
  /** The URL fetched (or refused). */
  readonly url: string | undefined;
}

/**
 * Publishes a key-set event on `express-jwt-auth:key-set`, when someone listens; the message is
 * built only then.
 *
 * @example
 * ```ts
 * publishKeySet(() => ({ event: 'started', url }));
 * ```
 */
export function publishKeySet(build: () => KeySetMessage): void {
  if (keySetChannel.hasSubscribers) keySetChannel.publish(build());
}

/**
 * The typed cause of a failed fetch: the {@link KeySetFetchError}'s reason, else `unknown`.
 *
 * @example
 * ```ts
 * fetchFailure(new KeySetFetchError('timeout')); // 'timeout'
 * ```
 */
export function fetchFailure(err: unknown): NonNullable<KeySetMessage['cause']> {
  return err instanceof KeySetFetchError ? err.reason : 'unknown';
}

/**
 * Publishes a configuration fault on `express-jwt-auth:configuration-fault` (its code, cause and
 * URL; never the values compared), when someone listens.
 *
 * @example
 * ```ts
 * publishConfigurationFault('EXPRESS_JWT_AUTH_ISSUER_MISMATCH', err);
 * ```
 */
export function publishConfigurationFault(code: string, err: KeySetFetchError): void {
  if (configurationFaultChannel.hasSubscribers) configurationFaultChannel.publish({ code, cause: err.reason, url: err.url });
}
