/**
 * Whether a value is a promise or promise-like, i.e. an async hook's or backend's answer.
 *
 * @example
 * ```ts
 * if (isThenable(outcome)) outcome.then(accept, reject); else accept(outcome);
 * ```
 */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}
