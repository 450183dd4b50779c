import type { TokenPayload } from '../credentials';
import { scopesFromPayload } from './scopes';

/**
 * The scopes a token grants: those of the scopes claims, then the values of the permissions
 * claim when the backend has one (read as scopes are: an array of strings, or a space-delimited
 * string; a claim of another type grants nothing).
 *
 * @example
 * ```ts
 * grantedScopes({ scope: 'read', permissions: ['reports:export'] }, ['scope'], 'permissions'); // ['read', 'reports:export']
 * ```
 */
export function grantedScopes(payload: TokenPayload, scopeClaims: readonly string[], permissionsClaim: string | undefined): string[] {
  const scopes = scopesFromPayload(payload, scopeClaims);
  return permissionsClaim === undefined ? scopes : [...scopes, ...scopesFromPayload(payload, [permissionsClaim])];
}
