import type { BaseUser } from '../../user';
import type { JwtSettings } from '../read-jwt-options';
import { rejectionCache, TokenCache } from '../token-cache';
import { createIssuersVerifier, type SharedVerifierSettings } from './issuers-verifier';
import type { KeySelection } from './read-key-selection';
import { createResolverVerifier, type RequestVerifier } from './resolver-verifier';

/**
 * What every verifier of a backend takes from its settings whatever its keys: the claims rules,
 * the clock, the challenge and the limits (one list, so that a new rule reaches every verifier).
 *
 * @example
 * ```ts
 * const verify = createJwtVerifier({ ...sharedVerifierSettings(settings), keys, algorithms, issuer, audience });
 * ```
 */
export function sharedVerifierSettings(settings: JwtSettings<BaseUser>): SharedVerifierSettings {
  return {
    subject: settings.subject,
    resource: settings.resource,
    clockTolerance: settings.clockTolerance,
    maxAge: settings.maxAge,
    requiredClaims: settings.requiredClaims,
    stringClaims: settings.profile?.stringClaims,
    clock: settings.clock,
    challenge: settings.challenge,
    type: settings.type,
    maxTokenLength: settings.maxTokenLength,
    cacheMaxAge: settings.cacheMaxAge,
  };
}

/**
 * Builds the verifier of a backend whose key is chosen token by token (`issuers` or
 * `keyResolver`), with its caches, from the backend's settings.
 *
 * @example
 * ```ts
 * const verify = buildSelectionVerifier(settings, settings.keySelection);
 * ```
 */
export function buildSelectionVerifier(settings: JwtSettings<BaseUser>, selection: KeySelection): RequestVerifier {
  const { cacheSize } = settings;
  const shared = sharedVerifierSettings(settings);
  const cache = cacheSize === 0 ? undefined : new TokenCache(cacheSize);
  if (selection.kind === 'issuers') {
    const rejections = rejectionCache(cacheSize);
    return createIssuersVerifier(shared, selection.issuers, cache, rejections);
  }
  const { resolution, requestKey } = selection;
  return createResolverVerifier(
    { ...shared, keys: requestKey, algorithms: settings.algorithms, issuer: settings.issuer, audience: settings.audience, cache },
    resolution,
    requestKey,
  );
}
