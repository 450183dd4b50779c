import type { TokenPayload } from '../credentials';

/** The claims scopes are read from by default, in order: the first one present wins. */
export const DEFAULT_SCOPE_CLAIMS: readonly string[] = Object.freeze(['scope', 'scp', 'scopes']);

function toScopeList(value: unknown): string[] {
  // RFC 8693 §4.2: `scope` is a space-delimited string; `scp`/`scopes` are commonly arrays.
  if (typeof value === 'string') return value.split(' ').filter((scope) => scope !== '');
  if (Array.isArray(value)) return value.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
  return [];
}

/**
 * Reads the scopes a token grants from the first of `claims` that is present.
 * A claim of an unexpected type grants nothing.
 *
 * @example
 * ```ts
 * scopesFromPayload({ scope: 'read write' });          // ['read', 'write']
 * scopesFromPayload({ scp: ['read'] });                 // ['read']
 * scopesFromPayload({ roles: ['admin'] }, ['roles']);   // ['admin']
 * ```
 */
export function scopesFromPayload(payload: TokenPayload, claims: readonly string[] = DEFAULT_SCOPE_CLAIMS): string[] {
  for (const claim of claims) {
    if (payload[claim] !== undefined) return toScopeList(payload[claim]);
  }
  return [];
}
