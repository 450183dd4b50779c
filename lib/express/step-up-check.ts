import { EMPTY_PAYLOAD } from '../jwt/claim-rules';
import { checkStepUp, type StepUpRequirement } from '../jwt/step-up';
import type { GuardCheck } from './guard-check';

/**
 * The guard check of `authenticated({ acrValues, maxAge })`: the token's `acr` and `auth_time`
 * against the requirement, at the middleware's (first backend's) clock. Credentials without
 * claims (another backend's) satisfy no requirement.
 *
 * @example
 * ```ts
 * createGuard('authenticated', [], {}, undefined, stepUpCheck({ acrValues: ['mfa'], maxAge: undefined }));
 * ```
 */
export function stepUpCheck(requirement: StepUpRequirement): GuardCheck {
  return function checkAuthenticationStrength(auth, _req, context) {
    const now = Math.floor(context.clock() / 1000);
    return checkStepUp(auth.payload ?? EMPTY_PAYLOAD, requirement, now, context.challenge);
  };
}
