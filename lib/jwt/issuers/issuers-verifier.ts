import type { Challenge } from '../../core/challenge';
import type { TokenPayload } from '../../credentials';
import { InvalidTokenError } from '../../errors';
import { decodeJwt } from '../decode';
import type { TokenCache } from '../token-cache';
import { createJwtVerifier, type JwtVerifier, type VerifierSettings } from '../verify';
import type { IssuerSettings } from './read-trusted-issuers';

/** What every issuer's verifier shares: the backend's settings beside the keys, `iss` and `aud`. */
export type SharedVerifierSettings = Omit<VerifierSettings, 'keys' | 'algorithms' | 'issuer' | 'audience' | 'cache' | 'rejections'>;

/** The `iss` of a token not yet verified, only to choose whose keys verify it. */
function unverifiedIssuer(token: string, challenge: Challenge): string {
  const { payload } = decodeJwt(token, challenge);
  if (!Object.hasOwn(payload, 'iss')) throw new InvalidTokenError('missing_claim', { challenge, claim: 'iss' });
  if (typeof payload.iss !== 'string') throw new InvalidTokenError('malformed', { challenge, claim: 'iss' });
  return payload.iss;
}

/**
 * Builds the verifier of a backend with `issuers`: one verifier per trusted issuer (its own key
 * set, algorithms, `iss` and `aud`), and a choice among them by the token's `iss`, read from the
 * payload before verification and used for nothing else: the chosen verifier then checks the
 * signature with that issuer's keys and `iss` again like any claim. A token whose `iss` is
 * missing or not in the list is refused (401 `invalid_token`, `missing_claim` or
 * `claim_mismatch` for `iss`) before any key is looked up, so it never causes a fetch.
 *
 * The verified-token cache is shared and keyed by the whole token: the token's `iss` is part of
 * it, so a token always goes to the same issuer, and a hit is sent to that issuer's verifier,
 * which checks it against its own keys.
 *
 * @example
 * ```ts
 * const verify = createIssuersVerifier(shared, issuers, new TokenCache(10_000), new TokenCache<number>(1000));
 * ```
 */
export function createIssuersVerifier(
  shared: SharedVerifierSettings,
  issuers: readonly IssuerSettings[],
  cache: TokenCache | undefined,
  rejections: TokenCache<number> | undefined,
): JwtVerifier {
  const { challenge, maxTokenLength } = shared;
  const byIssuer = new Map<string, JwtVerifier>();
  for (const { issuer, audience, algorithms, keys, remote } of issuers) {
    // A remembered forged signature stays forged only while the keys cannot change.
    byIssuer.set(issuer, createJwtVerifier({ ...shared, keys, algorithms, issuer, audience, cache, rejections: remote ? undefined : rejections }));
  }
  return function verifyAmongIssuers(token: string): TokenPayload | Promise<TokenPayload> {
    // Before any decoding, as every verifier does: an attacker must not make us parse megabytes.
    if (token.length > maxTokenLength) throw new InvalidTokenError('too_large', { challenge });
    const remembered = cache?.get(token)?.payload.iss;
    const issuer = typeof remembered === 'string' ? remembered : unverifiedIssuer(token, challenge);
    const verify = byIssuer.get(issuer);
    if (verify === undefined) throw new InvalidTokenError('claim_mismatch', { challenge, claim: 'iss' });
    return verify(token);
  };
}
