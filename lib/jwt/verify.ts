import type { KeyObject } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import type { Challenge } from '../core/challenge';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError, type InvalidTokenReason } from '../errors';
import type { Algorithm } from './algorithms';
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

// jsonwebtoken tells its failures apart only by class and message; this table is the one
// place that reads them, so nothing else depends on its wording.
const CLAIM_MISMATCHES: readonly (readonly [string, string])[] = [
  ['jwt audience invalid', 'aud'],
  ['jwt issuer invalid', 'iss'],
  ['jwt subject invalid', 'sub'],
];
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
  } else {
    const mismatch = CLAIM_MISMATCHES.find(([prefix]) => message.startsWith(prefix));
    if (mismatch !== undefined) {
      reason = 'claim_mismatch';
      claim = mismatch[1];
    }
  }
  // jsonwebtoken's mismatch messages name the expected value; keep them out of logs too.
  return new InvalidTokenError(reason, { challenge, claim, cause: reason === 'claim_mismatch' ? undefined : err });
}

const isText = (value: unknown): boolean => typeof value === 'string';

// jsonwebtoken compares whatever it finds: a RegExp audience tests `String(undefined)`, so a
// token without `aud` could match `/^[a-z]+$/`. When a claim is checked, it must be there and
// be text (RFC 7519 §4.1.1, §4.1.3).
function checkClaimTypes(payload: TokenPayload, checked: { issuer: boolean; audience: boolean }, challenge: Challenge): void {
  if (checked.issuer) {
    if (!Object.hasOwn(payload, 'iss')) throw new InvalidTokenError('missing_claim', { challenge, claim: 'iss' });
    if (!isText(payload.iss)) throw new InvalidTokenError('malformed', { challenge, claim: 'iss' });
  }
  if (checked.audience) {
    const aud = payload.aud;
    if (!Object.hasOwn(payload, 'aud')) throw new InvalidTokenError('missing_claim', { challenge, claim: 'aud' });
    if (!isText(aud) && !(Array.isArray(aud) && aud.length > 0 && aud.every(isText))) {
      throw new InvalidTokenError('malformed', { challenge, claim: 'aud' });
    }
  }
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
  const { key, challenge, requiredClaims, clock } = settings;
  const checked = { issuer: settings.issuer !== undefined, audience: settings.audience !== undefined };
  const allowed: readonly string[] = settings.algorithms;
  const options: jsonwebtoken.VerifyOptions = {
    algorithms: [...settings.algorithms],
    issuer: settings.issuer as string | [string, ...string[]] | undefined,
    audience: settings.audience as string | RegExp | [string | RegExp, ...(string | RegExp)[]] | undefined,
    subject: settings.subject,
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
    checkClaimTypes(verified, checked, challenge);
    for (const claim of requiredClaims) {
      if (!Object.hasOwn(verified, claim)) throw new InvalidTokenError('missing_claim', { challenge, claim });
    }
    return verified;
  };
}
