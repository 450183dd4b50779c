/**
 * `value instanceof type`, but `false` where the test itself throws: a revoked `Proxy` (or one
 * whose `getPrototypeOf` trap throws) makes `instanceof` throw, and a rejection value is
 * whatever an application's hook chose. Inside a promise handler that throw would become an
 * unhandled rejection, and end the process.
 *
 * @example
 * ```ts
 * if (isInstance(err, AuthenticationError)) fail(err); else next(asError(err));
 * ```
 */
export function isInstance<T>(value: unknown, type: { readonly prototype: T }): value is T {
  try {
    // Any class, protected constructors included; `instanceof` needs only a callable.
    return value instanceof (type as unknown as abstract new () => T);
  } catch {
    return false;
  }
}
