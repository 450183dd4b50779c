import type { KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Challenge } from '../core/challenge';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError, type InvalidTokenReason } from '../errors';
import type { Algorithm } from './algorithms';
import { checkClaims } from './claims';
import { decodeJwt } from './decode';

/** Everything a verifier checks, already validated and normalised by the backend. */
export interface VerifierSettings {
  readonly key: KeyObject;
  readonly algorithms: readonly Algorithm[];
  readonly issuer?: string | readonly string[];
  readonly audience?: string | RegExp | readonly (string | RegExp)[];
  readonly subject?: string;
  /** Seconds of leeway for `exp`, `nbf` and `maxAge`. */
  readonly clockTolerance: number;
  /** Seconds after `iat` a token stops being accepted. */
  readonly maxAge?: number;
  readonly requiredClaims: readonly string[];
  /** Milliseconds since the epoch, like `Date.now`. */
  readonly clock: () => number;
  readonly challenge: Challenge;
}

/** A function that verifies a compact JWS and returns its claims, or throws `InvalidTokenError`. */
export type JwtVerifier = (token: string) => TokenPayload;

// jsonwebtoken tells its failures apart only by class and message; this is the one place that
// reads them, so nothing else depends on its wording.
const BAD_CLAIM_TYPES: Readonly<Record<string, string>> = {
  'invalid nbf value': 'nbf',
  'invalid exp value': 'exp',
};

function translate(err: unknown, challenge: Challenge): InvalidTokenError {
  const message = err instanceof Error ? err.message : '';
  let reason: InvalidTokenReason = 'malformed';
  let claim: string | undefined;
  if (err instanceof jsonwebtoken.TokenExpiredError) {
    reason = 'expired';
    claim = message === 'maxAge exceeded' ? 'iat' : 'exp';
  } else if (err instanceof jsonwebtoken.NotBeforeError) {
    reason = 'not_yet_valid';
    claim = 'nbf';
  } else if (message === 'invalid signature') {
    reason = 'bad_signature';
  } else if (message === 'invalid algorithm') {
    reason = 'algorithm_not_allowed';
  } else if (message === 'iat required when maxAge is specified') {
    reason = 'missing_claim';
    claim = 'iat';
  } else if (BAD_CLAIM_TYPES[message] !== undefined) {
    claim = BAD_CLAIM_TYPES[message];
  }
  return new InvalidTokenError(reason, { challenge, claim, cause: err });
}

/**
 * Builds the verifier of a backend. Order matters and follows RFC 8725: shape and algorithm
 * first (cheap, no cryptography), then the signature, and only then the claims.
 *
 * @example
 * ```ts
 * const verify = createJwtVerifier({ key, algorithms: ['HS256'], clockTolerance: 0,
 *   requiredClaims: ['exp'], clock: Date.now, challenge: DEFAULT_CHALLENGE });
 * const claims = verify(token);
 * ```
 */
export function createJwtVerifier(settings: VerifierSettings): JwtVerifier {
  const { key, challenge, clock } = settings;
  const allowed: readonly string[] = settings.algorithms;
  // jsonwebtoken checks the signature and the times; `checkClaims` does iss/aud/sub, so that a
  // missing, mistyped or mismatched claim each get their own reason.
  const options: jsonwebtoken.VerifyOptions = {
    algorithms: [...settings.algorithms],
    clockTolerance: settings.clockTolerance,
    maxAge: settings.maxAge,
  };

  return function verifyJwt(token: string): TokenPayload {
    const { header } = decodeJwt(token, challenge);
    if (typeof header.alg !== 'string' || !allowed.includes(header.alg)) {
      throw new InvalidTokenError('algorithm_not_allowed', { challenge });
    }
    let verified: TokenPayload;
    try {
      verified = jsonwebtoken.verify(token, key, {
        ...options,
        clockTimestamp: Math.floor(clock() / 1000),
      }) as TokenPayload;
    } catch (err) {
      throw translate(err, challenge);
    }
    checkClaims(verified, settings, challenge);
    return verified;
  };
}
