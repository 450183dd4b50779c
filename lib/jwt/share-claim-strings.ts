import type { TokenPayload } from '../credentials';
import type { ClaimExpectations } from './claims';

function configuredTwin(value: unknown, expected: string | RegExp | readonly (string | RegExp)[] | undefined): string | undefined {
  if (typeof value !== 'string' || expected === undefined || expected instanceof RegExp) return undefined;
  if (typeof expected === 'string') return expected === value ? expected : undefined;
  return expected.find((one): one is string => one === value);
}

/**
 * Makes the `iss` and `aud` strings of a payload whose claims were checked the very strings of
 * the configuration they equal, before the payload is frozen and cached. JSON.parse makes a new
 * copy of each string on every token, and an issuer URL is a tenth of what a cached token
 * weighs; the same text, shared, costs nothing per token. Values and types are unchanged.
 *
 * @example
 * ```ts
 * checkClaims(payload, settings, challenge);
 * shareClaimStrings(payload, settings);
 * deepFreeze(payload);
 * ```
 */
export function shareClaimStrings(payload: TokenPayload, expected: ClaimExpectations): void {
  // Only here, before deepFreeze: the payload is still the verifier's own.
  const writable = payload as Record<string, unknown>;
  const iss = configuredTwin(payload.iss, expected.issuer);
  if (iss !== undefined) writable.iss = iss;
  const aud = configuredTwin(payload.aud, expected.audience);
  if (aud !== undefined) writable.aud = aud;
}
