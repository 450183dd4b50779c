import { isInstance } from './is-instance';

/**
 * An error `next()` can carry: `Error`s as they are, anything else wrapped. Express reads
 * `next()` with `undefined`, `null`, `'route'` or `'router'` as "carry on" or "skip", so a hook
 * that throws one of those would let the request through instead of failing it.
 *
 * @example
 * ```ts
 * next(asError(thrown)); // never next(undefined) for a failure
 * ```
 */
export function asError(value: unknown): Error {
  return isInstance(value, Error) ? value : new Error('A backend, hook or error handler threw a value that is not an Error.', { cause: value });
}
