import type { KeyObject } from 'node:crypto';
import type { Challenge } from '../core/challenge';
import { isThenable } from '../core/thenable';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError } from '../errors';
import type { KeyResolver } from '../keys/key-resolver';
import type { Algorithm } from '../keys/algorithms';
import { publishCacheResult } from '../observability/cache-events';
import { checkClaims, type ClaimExpectations } from './claims';
import { decodeJwt, type DecodedJwt } from './decode';
import { deepFreeze } from './deep-freeze';
import { checkCritical, checkType } from './header-checks';
import { verifySignature } from './signature';
import { checkTimes, clockSeconds } from './times';
import type { TokenCache } from './token-cache';

/** Everything a verifier checks, already validated and normalised by the backend. */
export interface VerifierSettings extends ClaimExpectations {
  readonly keys: KeyResolver;
  readonly algorithms: readonly Algorithm[];
  /** Seconds of leeway for `exp`, `nbf`, `iat` and `maxAge`. */
  readonly clockTolerance: number;
  /** Seconds after `iat` a token stops being accepted. */
  readonly maxAge?: number;
  /** Milliseconds since the epoch, like `Date.now`. */
  readonly clock: () => number;
  readonly challenge: Challenge;
  /** The `typ` header tokens must carry, normalised; `undefined` for any. */
  readonly type?: string;
  /** The longest token accepted, in characters, checked before any decoding. */
  readonly maxTokenLength: number;
  /** Verified tokens remembered, so a repeated token skips the signature; `undefined` for none. */
  readonly cache?: TokenCache;
  /**
   * Tokens whose signature failed, with when (seconds since the epoch), so a repeated forged
   * token is refused without checking its signature again; `undefined` for none. Only for keys
   * that never change (a static key or key set): a signature fails again exactly when the key
   * is the same.
   */
  readonly rejections?: TokenCache<number>;
  /** Seconds a remembered verification or rejection is used before the token is verified afresh. */
  readonly cacheMaxAge: number;
}

/**
 * Verifies a compact JWS and returns its claims, or throws `InvalidTokenError`. Answers
 * synchronously when the key is at hand, with a promise when it must be fetched.
 */
export type JwtVerifier = (token: string) => TokenPayload | Promise<TokenPayload>;

/**
 * Builds the verifier of a backend. One path for every algorithm: length, shape, algorithm and
 * critical headers first (cheap, no cryptography), then the key, then the signature, and only
 * then the claims and the times. Header parameters that point at keys (`jku`, `x5u`, `x5c`,
 * `jwk`) are never read: keys come from the backend's configuration only.
 *
 * @example
 * ```ts
 * const verify = createJwtVerifier({ keys, algorithms: ['HS256'], clockTolerance: 0,
 *   requiredClaims: ['exp'], clock: Date.now, challenge: DEFAULT_CHALLENGE, cacheMaxAge: 600 });
 * const claims = await verify(token);
 * ```
 */
export function createJwtVerifier(settings: VerifierSettings): JwtVerifier {
  const { keys, challenge, clock, cache, rejections } = settings;
  const allowed: readonly string[] = settings.algorithms;

  function finish(token: string, decoded: DecodedJwt, key: KeyObject): TokenPayload {
    const { header, payload } = decoded;
    const now = clockSeconds(clock);
    try {
      verifySignature(decoded, header.alg as Algorithm, key, challenge);
    } catch (err) {
      if (rejections !== undefined && err instanceof InvalidTokenError && err.reason === 'bad_signature') {
        rejections.set(token, now);
      }
      throw err;
    }
    checkClaims(payload, settings, challenge);
    // Frozen once, here, never on a cache hit: every request with this token gets this very
    // object, so a handler that pushed a scope into it would grant it to all of them.
    deepFreeze(payload);
    // Remembered once its signature and claims hold, before its times: those are checked on
    // every use, so an expired token is refused from the cache too, without the signature again.
    cache?.set(token, { payload, key, verifiedAt: now });
    checkTimes(payload, now, settings, challenge);
    return payload;
  }

  // A token verified before skips decoding and the signature, never the decision: its times
  // are checked against the clock on every hit (so it is never accepted past `exp`, and `nbf`
  // and `maxAge` hold), and its key must still be trusted (a rotated-out key vouches for
  // nothing). Claims compared with configuration (`iss`, `aud`, `typ`...) cannot change.
  // An entry whose times fail stays: the token is refused again just as cheaply, and the
  // least-recently-used bound evicts it once it is no longer sent. After `cacheMaxAge` the
  // token is verified afresh.
  function fromCache(token: string, now: number): TokenPayload | undefined {
    const hit = cache?.get(token);
    if (hit === undefined) return undefined;
    if (now - hit.verifiedAt >= settings.cacheMaxAge || !keys.trusts(hit.key)) {
      cache?.delete(token);
      return undefined;
    }
    publishCacheResult('hit');
    checkTimes(hit.payload, now, settings, challenge);
    return hit.payload;
  }

  function rejectedBefore(token: string, now: number): boolean {
    const rejectedAt = rejections?.get(token);
    return rejectedAt !== undefined && now - rejectedAt < settings.cacheMaxAge;
  }

  return function verifyJwt(token: string): TokenPayload | Promise<TokenPayload> {
    // Before any decoding: an attacker must not make us parse megabytes.
    if (token.length > settings.maxTokenLength) throw new InvalidTokenError('too_large', { challenge });
    const now = clockSeconds(clock);
    const cached = fromCache(token, now);
    if (cached !== undefined) return cached;
    if (rejectedBefore(token, now)) {
      publishCacheResult('rejected_hit');
      throw new InvalidTokenError('bad_signature', { challenge });
    }
    if (cache !== undefined) publishCacheResult('miss');
    const decoded = decodeJwt(token, challenge);
    const { alg } = decoded.header;
    if (typeof alg !== 'string' || !allowed.includes(alg)) throw new InvalidTokenError('algorithm_not_allowed', { challenge });
    checkCritical(decoded.header, challenge);
    // RFC 7515 §4.1.4: a `kid` is a string, whatever the key source does with it.
    if (Object.hasOwn(decoded.header, 'kid') && typeof decoded.header.kid !== 'string') {
      throw new InvalidTokenError('malformed', { challenge });
    }
    if (settings.type !== undefined) checkType(decoded.header, settings.type, challenge);
    const key = keys.resolve(decoded.header);
    return isThenable<KeyObject>(key) ? Promise.resolve(key).then((found) => finish(token, decoded, found)) : finish(token, decoded, key);
  };
}
