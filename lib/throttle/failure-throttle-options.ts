import type { Store } from '../store/store';

/**
 * Options of {@link failureThrottle}.
 *
 * @example
 * ```ts
 * const options: FailureThrottleOptions = { store: memoryStore(), maxFailures: 20, maxFailuresPerUsername: 5, windowMs: 900_000 };
 * ```
 */
export interface FailureThrottleOptions {
  /**
   * Where failures are counted (`Store.increment`, a fixed window): `memoryStore()` for one
   * process, `redisStore({ client })` to share the counts across instances. Required.
   */
  readonly store: Store;
  /**
   * Failed authentications one client IP may make per window; the next request is answered 429
   * with `Retry-After` until the window ends. The IP is Express's `req.ip`, which follows the
   * app's `trust proxy` setting (without it, the proxy's address: set `trust proxy` behind one);
   * on a plain Node server, the socket's address. Default: `20`.
   */
  readonly maxFailures?: number;
  /**
   * Failed sign-ins per username per window at the token endpoint, whatever the IP (credential
   * stuffing spreads over many). Past it, that username gets 429 until the window ends: an
   * attacker can lock a user out for a window, which is the price of stopping the guessing.
   * Default: `5`.
   */
  readonly maxFailuresPerUsername?: number;
  /** The length of a window, in milliseconds; windows are aligned on the clock, so every instance counts in the same one. Default: `900000` (15 minutes). */
  readonly windowMs?: number;
  /**
   * The longest wait for the store, in milliseconds: a store that does not answer in time (a
   * Redis client queueing commands while disconnected) counts as down, and the request goes on
   * as without a throttle. Default: `1000`.
   */
  readonly timeoutMs?: number;
  /** The prefix of the store keys (a hash of the IP or username follows). Default: `'throttle:'`. */
  readonly keyPrefix?: string;
  /** The clock windows are measured on, in milliseconds since the epoch. Default: `Date.now`. */
  readonly clock?: () => number;
}

/** The option names {@link FailureThrottleOptions} knows. */
export const FAILURE_THROTTLE_OPTION_NAMES: readonly string[] = Object.freeze(['store', 'maxFailures', 'maxFailuresPerUsername', 'windowMs', 'timeoutMs', 'keyPrefix', 'clock']);
