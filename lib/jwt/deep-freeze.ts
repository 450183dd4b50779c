/**
 * Freezes a parsed JSON value in place, objects and arrays at every depth, and returns it. A
 * verified payload is shared by every request that sends the same token (the verified-token
 * cache hands out one object), so a handler that changes it must not change what later
 * requests are granted. Iterative, so no nesting depth can overflow the stack.
 *
 * @example
 * ```ts
 * const payload = deepFreeze(JSON.parse('{"scp":["read"]}'));
 * Object.isFrozen(payload.scp); // true
 * ```
 */
export function deepFreeze<T>(value: T): T {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null || Object.isFrozen(item)) continue;
    Object.freeze(item);
    // JSON.parse makes plain objects and arrays with own enumerable data members only.
    for (const member of Object.values(item)) {
      if (typeof member === 'object' && member !== null) pending.push(member);
    }
  }
  return value;
}
