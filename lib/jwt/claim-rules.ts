import type { TokenPayload } from '../credentials';

/**
 * A value a claim guard compares a claim with: a JSON primitive. Objects and arrays are left to
 * `claimCheck`, whose predicate says what equality means for them.
 *
 * @example
 * ```ts
 * const values: ClaimValue[] = ['admin', 42, true, null];
 * ```
 */
export type ClaimValue = string | number | boolean | null;

/** The claims of credentials that carry none (another backend's): every claim is missing. */
export const EMPTY_PAYLOAD: TokenPayload = Object.freeze({});

/** Why a claim does not satisfy a rule, by the claim's name (never the value expected of it). */
export interface ClaimFailure {
  readonly reason: 'missing_claim' | 'claim_mismatch';
  readonly claim: string;
}

/** A rule over the claims of a verified token: `undefined` when they satisfy it. */
export type ClaimTest = (payload: TokenPayload) => ClaimFailure | undefined;

/**
 * Throws a `TypeError` naming `owner` unless `claim` is a non-empty string.
 *
 * @example
 * ```ts
 * readClaimName('claimEquals', 'org_id'); // 'org_id'
 * ```
 */
export function readClaimName(owner: string, claim: unknown): string {
  if (typeof claim !== 'string' || claim === '') throw new TypeError(`${owner}: "claim" must be the non-empty name of a claim, e.g. 'org_id'.`);
  return claim;
}

/**
 * Throws a `TypeError` naming `owner` unless `value` is a JSON primitive: a string, a finite
 * number, a boolean or `null` (what a claim can equal and a `===` can compare).
 *
 * @example
 * ```ts
 * readClaimValue('claimEquals', true); // true
 * ```
 */
export function readClaimValue(owner: string, value: unknown): ClaimValue {
  const primitive = typeof value === 'string' || typeof value === 'boolean' || value === null
    || (typeof value === 'number' && Number.isFinite(value));
  if (!primitive) {
    throw new TypeError(`${owner}: the expected value must be a string, a finite number, a boolean or null; use claimCheck(predicate) for anything else.`);
  }
  return value as ClaimValue;
}

/**
 * The rule of `claimEquals`: the claim is present and strictly equal (`===`) to `expected`.
 *
 * @example
 * ```ts
 * claimEqualsTest('org_id', 'acme')({ org_id: 'acme' }); // undefined: satisfied
 * claimEqualsTest('org_id', 'acme')({});                  // { reason: 'missing_claim', claim: 'org_id' }
 * ```
 */
export function claimEqualsTest(claim: string, expected: ClaimValue): ClaimTest {
  return (payload) => {
    if (!Object.hasOwn(payload, claim)) return { reason: 'missing_claim', claim };
    return payload[claim] === expected ? undefined : { reason: 'claim_mismatch', claim };
  };
}

/** Whether `actual` (an array, or the words of a space-delimited string) holds every one of `wanted`. */
function holdsAll(actual: readonly unknown[], wanted: ReadonlySet<ClaimValue>): boolean {
  // One pass, stopping as soon as everything is found: a claim of a million items costs a
  // million set lookups at worst, never a million times the number of expected values.
  const found = new Set<unknown>();
  for (const item of actual) {
    if (wanted.has(item as ClaimValue)) {
      found.add(item);
      if (found.size === wanted.size) return true;
    }
  }
  return false;
}

/**
 * The rule of `claimIncludes`: the claim is present and holds every one of `expected`. An array
 * claim holds what its items `===`; a string claim holds its space-delimited words (as `scope`
 * does, RFC 8693 §4.2). A claim of any other type holds nothing.
 *
 * @example
 * ```ts
 * claimIncludesTest('roles', ['editor'])({ roles: ['viewer', 'editor'] }); // undefined: satisfied
 * claimIncludesTest('roles', ['editor'])({ roles: 'viewer editor' });      // undefined: satisfied
 * claimIncludesTest('roles', ['editor'])({ roles: { editor: true } });     // { reason: 'claim_mismatch', claim: 'roles' }
 * ```
 */
export function claimIncludesTest(claim: string, expected: readonly ClaimValue[]): ClaimTest {
  const wanted: ReadonlySet<ClaimValue> = new Set(expected);
  return (payload) => {
    if (!Object.hasOwn(payload, claim)) return { reason: 'missing_claim', claim };
    const value = payload[claim];
    const items = typeof value === 'string' ? value.split(' ') : Array.isArray(value) ? value : undefined;
    return items !== undefined && holdsAll(items, wanted) ? undefined : { reason: 'claim_mismatch', claim };
  };
}
