import { publishRefreshReuse } from '../observability/refresh-reuse';
import type { Store } from '../store/store';
import { type Family, type FamilyEndReason, MAX_REMEMBERED_TOKENS, parseFamily, serializeFamily } from './family';
import { RefreshTokenError } from './refresh-error';
import type { RefreshSettings } from './refresh-options';
import {
  familyKey,
  isFamilyId,
  MAX_REFRESH_TOKEN_LENGTH,
  newFamilyId,
  newRefreshToken,
  openResult,
  parseRefreshToken,
  refreshTokenHash,
  sameHash,
  sealResult,
  subjectKeyPrefix,
  usedTokenFingerprint,
} from './refresh-token';
import { parseTokenPair, type TokenPair } from './token-pair';

/** An access token just signed, as the backend's signer describes it. */
export interface SignedAccessToken {
  readonly token: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** Lifetime in seconds. */
  readonly expiresIn: number;
}

/** What the families need from their backend. */
export interface FamilyBackend {
  /** Signs an access token with these claims (the backend's `createToken`). */
  readonly issue: (claims: Readonly<Record<string, unknown>>) => SignedAccessToken;
  /** The claims scopes are read from; access tokens carry theirs in the first, space-delimited. */
  readonly scopeClaims: readonly string[];
  /** Refuses every access token whose `sid` is this family's id, on every instance. */
  readonly revokeSid: (sid: string) => Promise<void>;
}

/**
 * How long one store operation may take before the refresh fails closed (503): a Redis client
 * that queues commands while disconnected would otherwise hold the request until Redis is back.
 */
export const STORE_TIMEOUT_MS = 2000;

/** How often a rotation is retried after losing a compare-and-swap to a concurrent one. */
const MAX_ATTEMPTS = 5;
// Compared against when the family does not exist, so that an unknown token costs what a known one does.
const DUMMY_HASH = refreshTokenHash('dummy.token');

/** A refresh token's family, read with the exact stored text a compare-and-swap expects. */
interface Loaded {
  readonly text: string | undefined;
  readonly family: Family | undefined;
}

/** How a presented token's hash matches its family. */
type Match = 'current' | 'previous' | 'used' | 'none';

function matchOf(family: Family | undefined, hash: string): Match {
  // Every comparison is made whatever the earlier ones found, and against dummies when the
  // family is missing: the time taken does not tell whether the token exists.
  const current = sameHash(hash, family?.current ?? DUMMY_HASH);
  const previous = sameHash(hash, family?.previous?.hash ?? DUMMY_HASH);
  const fingerprint = usedTokenFingerprint(hash);
  let used = false;
  for (const entry of family?.used ?? []) used = sameHash(fingerprint, entry) || used;
  if (family === undefined) return 'none';
  return current ? 'current' : previous ? 'previous' : used ? 'used' : 'none';
}

/** `operation`, or `RefreshTokenError('unavailable')` when it rejects or takes longer than {@link STORE_TIMEOUT_MS}. */
async function timed<T>(operation: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${STORE_TIMEOUT_MS} ms`)), STORE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (cause) {
    throw new RefreshTokenError('unavailable', { cause });
  } finally {
    clearTimeout(timer);
  }
}

function narrowScopes(granted: readonly string[], requested: readonly string[] | undefined): readonly string[] {
  if (requested === undefined || requested.length === 0) return granted;
  const allowed = new Set(granted);
  // RFC 6749 §6: the new access token may have fewer scopes, never one the sign-in did not grant.
  if (!requested.every((scope) => allowed.has(scope))) throw new RefreshTokenError('scope_not_granted');
  return [...new Set(requested)];
}

/**
 * The refresh-token families of a backend, in its store: started at sign-in, rotated on every
 * refresh by compare-and-swap on the family's record, ended on reuse, logout or sign-out
 * everywhere. See docs/refresh-tokens.md for the sequence.
 */
export class RefreshFamilies {
  private readonly store: Store;

  constructor(
    private readonly settings: RefreshSettings,
    private readonly backend: FamilyBackend,
  ) {
    this.store = settings.store;
  }

  private nowSeconds(): number {
    return Math.floor(this.settings.clock() / 1000);
  }

  // Kept a minute past the family's end, so that a late refresh is told "expired" in the logs
  // rather than "unknown"; either way it is invalid_grant.
  private ttlMs(family: Family): number {
    return (Math.max(0, family.endsAt - this.nowSeconds()) + 60) * 1000;
  }

  /** A new family id, to put in the access token of a sign-in as its `sid` before {@link start}. */
  newFamilyId(): string {
    return newFamilyId();
  }

  /**
   * Records a sign-in whose access token (`access`, with `sid` = `familyId`) was just signed,
   * and returns the pair to send. Rejects with `RefreshTokenError('unavailable')` when the
   * store cannot record it: no refresh token is ever handed out unrecorded.
   */
  async start(familyId: string, access: SignedAccessToken, scopes: readonly string[]): Promise<TokenPair> {
    const { sub } = access.payload;
    if (typeof sub !== 'string' || sub === '') throw new TypeError('login: refresh tokens need a subject: give the claims a "sub".');
    const claims: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(access.payload)) {
      if (!['sub', 'sid', 'iat', 'exp', 'jti', 'iss', 'aud', ...this.backend.scopeClaims].includes(name)) claims[name] = value;
    }
    const now = this.nowSeconds();
    const refreshToken = newRefreshToken(familyId);
    const endsAt = now + this.settings.absoluteLifetime;
    const family: Family = {
      sub, claims, scopes: [...scopes], startedAt: now, endsAt, generation: 0,
      current: refreshTokenHash(refreshToken), currentExpiresAt: Math.min(endsAt, now + this.settings.expiresIn),
      previous: undefined, used: [], ended: undefined,
    };
    await timed(async () => {
      if (!(await this.store.reserve(familyKey(familyId), serializeFamily(family), this.ttlMs(family)))) throw new Error('family id collision');
      await this.store.set(`${subjectKeyPrefix(sub)}${familyId}`, '1', this.ttlMs(family));
    });
    return Object.freeze({
      accessToken: access.token, expiresIn: access.expiresIn, scopes: Object.freeze([...scopes]),
      refreshToken, refreshExpiresIn: family.currentExpiresAt - now,
    });
  }

  private async load(familyId: string): Promise<Loaded> {
    const text = await timed(() => this.store.get(familyKey(familyId)));
    return { text, family: parseFamily(text) };
  }

  private swap(familyId: string, loaded: Loaded, next: Family): Promise<boolean> {
    return timed(() => this.store.compareAndSwap(familyKey(familyId), loaded.text, serializeFamily(next), this.ttlMs(next)));
  }

  /**
   * Exchanges a refresh token for a new pair, rotating it: see {@link TokenPair}. Throws
   * {@link RefreshTokenError}: `invalid_request` for a missing or oversized token,
   * `invalid_grant` for a malformed, unknown, expired, revoked or reused one (a reuse ends the
   * family first), `invalid_scope` for a scope wider than the sign-in's, and 503
   * `temporarily_unavailable` when the store cannot be reached.
   */
  async refresh(refreshToken: unknown, requestedScopes?: readonly string[]): Promise<TokenPair> {
    if (typeof refreshToken !== 'string' || refreshToken === '') throw new RefreshTokenError('missing');
    if (refreshToken.length > MAX_REFRESH_TOKEN_LENGTH) throw new RefreshTokenError('too_large');
    const parsed = parseRefreshToken(refreshToken);
    if (parsed === undefined) throw new RefreshTokenError('malformed');
    const { familyId } = parsed;
    const hash = refreshTokenHash(refreshToken);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await this.load(familyId);
      const { family } = loaded;
      const match = matchOf(family, hash);
      if (family === undefined || match === 'none') throw new RefreshTokenError('unknown');
      if (family.ended !== undefined) throw new RefreshTokenError('revoked');
      const nowMs = this.settings.clock();
      if (match === 'previous' && family.previous !== undefined && nowMs - family.previous.atMs <= this.settings.reuseIntervalMs) {
        // A concurrent refresh with the same token (two tabs, a retry): the same answer.
        const pair = parseTokenPair(openResult(refreshToken, family.previous.sealed));
        if (pair === undefined) throw new RefreshTokenError('unknown');
        return pair;
      }
      if (match !== 'current') {
        publishRefreshReuse({ familyId, subject: family.sub });
        await this.end(familyId, 'reused');
        throw new RefreshTokenError('reused');
      }
      const now = Math.floor(nowMs / 1000);
      if (family.currentExpiresAt <= now || family.endsAt <= now) throw new RefreshTokenError('expired');
      const scopes = narrowScopes(family.scopes, requestedScopes);
      const pair = this.rotatePair(familyId, family, scopes, now);
      const next: Family = {
        ...family,
        generation: family.generation + 1,
        current: refreshTokenHash(pair.refreshToken),
        currentExpiresAt: now + pair.refreshExpiresIn,
        previous: { hash, atMs: nowMs, sealed: sealResult(refreshToken, JSON.stringify(pair)) },
        used: family.previous === undefined ? family.used : [...family.used, usedTokenFingerprint(family.previous.hash)].slice(-MAX_REMEMBERED_TOKENS),
      };
      if (await this.swap(familyId, loaded, next)) return pair;
      // Another refresh changed the family first: read it again and decide on what it now says.
    }
    throw new RefreshTokenError('unavailable');
  }

  private rotatePair(familyId: string, family: Family, scopes: readonly string[], now: number): TokenPair {
    const access = this.backend.issue({
      ...family.claims,
      sub: family.sub,
      ...(scopes.length === 0 ? {} : { [this.backend.scopeClaims[0]]: scopes.join(' ') }),
      sid: familyId,
    });
    return Object.freeze({
      accessToken: access.token, expiresIn: access.expiresIn, scopes: Object.freeze([...scopes]),
      refreshToken: newRefreshToken(familyId), refreshExpiresIn: Math.min(family.endsAt, now + this.settings.expiresIn) - now,
    });
  }

  /**
   * Ends a family: its refresh tokens are refused from now on, and its access tokens (their
   * `sid`) on every instance. Resolves to whether there was a live family to end.
   */
  async end(familyId: string, reason: FamilyEndReason): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const loaded = await this.load(familyId);
      if (loaded.family === undefined) return false;
      if (loaded.family.ended !== undefined) return false;
      if (await this.swap(familyId, loaded, { ...loaded.family, ended: reason })) {
        await this.revokeSid(familyId);
        return true;
      }
    }
    throw new RefreshTokenError('unavailable');
  }

  // Applied by this instance at once whatever the store does, and written again until it is stored.
  private revokeSid(familyId: string): Promise<void> {
    return timed(() => this.backend.revokeSid(familyId));
  }

  /** Ends the family of a refresh token the client presents (a logout); an unknown token ends nothing. */
  async endByToken(refreshToken: string): Promise<boolean> {
    const parsed = refreshToken.length > MAX_REFRESH_TOKEN_LENGTH ? undefined : parseRefreshToken(refreshToken);
    if (parsed === undefined) return false;
    const loaded = await this.load(parsed.familyId);
    if (matchOf(loaded.family, refreshTokenHash(refreshToken)) === 'none') return false;
    return this.end(parsed.familyId, 'logout');
  }

  /** Ends every family of `sub` (sign-out everywhere); resolves to how many were live. */
  async endSubject(sub: string): Promise<number> {
    const prefix = subjectKeyPrefix(sub);
    const entries = await timed(() => this.store.entries(prefix));
    let ended = 0;
    for (const [key] of entries) {
      const familyId = key.slice(prefix.length);
      if (isFamilyId(familyId) && (await this.end(familyId, 'subject'))) ended++;
    }
    return ended;
  }
}
