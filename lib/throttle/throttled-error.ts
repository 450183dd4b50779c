/**
 * A request refused because its client (or the username it signs in as) failed to authenticate
 * too often in the current window: answered 429 with `Retry-After`. Not an
 * `AuthenticationError`: the credentials were not examined.
 *
 * @example
 * ```ts
 * if (err instanceof ThrottledError) res.setHeader('Retry-After', String(err.retryAfterSec));
 * ```
 */
export class ThrottledError extends Error {
  override readonly name = 'ThrottledError';
  /** The HTTP status: 429 Too Many Requests (RFC 6585 §4). */
  readonly status = 429;

  constructor(
    /** Whole seconds until the window ends, at least 1: the `Retry-After` value. */
    readonly retryAfterSec: number,
  ) {
    super('Too many failed authentication attempts; try again after the Retry-After delay.');
  }
}
