import type { TokenPayload } from '../credentials';

// Scope lists are short; past this many, duplicates are found with a Set instead of a scan.
const SCAN_LIMIT = 16;

function addScope(list: string[], scope: unknown, seen: Set<string> | undefined): void {
  if (typeof scope !== 'string' || scope === '') return;
  if (seen === undefined ? list.includes(scope) : seen.has(scope)) return;
  list.push(scope);
  seen?.add(scope);
}

function addClaim(list: string[], value: unknown): void {
  // RFC 8693 §4.2: `scope` is a space-delimited string; `scp`/`scopes` are commonly arrays.
  const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value as unknown[] : undefined;
  if (items === undefined) return;
  const seen = items.length + list.length > SCAN_LIMIT ? new Set(list) : undefined;
  for (const item of items) addScope(list, item, seen);
}

/**
 * What an authenticated request of the JWT backend is granted, built in one pass on every
 * request: `authenticated`, the scopes of the first of `scopeClaims` present, then the values of
 * the permissions claim when the backend has one. A claim is an array of strings or a
 * space-delimited string; items that are not non-empty strings, and claims of any other type,
 * grant nothing. Without duplicates and frozen: what `AuthCredentials` would make of the same
 * list, without its check and copy.
 *
 * @example
 * ```ts
 * credentialScopes({ scope: 'read read write' }, ['scope'], undefined); // ['authenticated', 'read', 'write']
 * credentialScopes({ scope: 'read', permissions: ['reports:export'] }, ['scope'], 'permissions'); // ['authenticated', 'read', 'reports:export']
 * ```
 */
export function credentialScopes(payload: TokenPayload, scopeClaims: readonly string[], permissionsClaim: string | undefined): readonly string[] {
  const list = ['authenticated'];
  for (const claim of scopeClaims) {
    if (payload[claim] === undefined) continue;
    addClaim(list, payload[claim]);
    break;
  }
  if (permissionsClaim !== undefined && payload[permissionsClaim] !== undefined) addClaim(list, payload[permissionsClaim]);
  return Object.freeze(list);
}
