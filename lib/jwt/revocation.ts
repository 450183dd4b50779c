import { performance } from 'node:perf_hooks';
import type { TokenPayload } from '../credentials';
import { InvalidTokenError, RevocationUnavailableError } from '../errors';
import { publishRevocation } from '../observability/revocation-events';
import type { Subscription } from '../store/store';
import {
  parseRevocationEntry,
  parseRevocationMessage,
  type Revocation,
  REVOCATION_CHANNEL,
  REVOCATION_KEY_PREFIX,
  revocationHash,
  revocationKey,
  revocationMessage,
  revocationValue,
} from './revocation-keys';
import type { RevocationSettings } from './revocation-options';
import { clockSeconds } from './times';

/**
 * Options of {@link JWTAuthenticationBackend.revoke} for a bare `jti`.
 *
 * @example
 * ```ts
 * await backend.revoke(jti, { expiresAt: payload.exp });
 * ```
 */
export interface RevokeOptions {
  /**
   * When the token expires, in seconds since the epoch (its `exp`): the revocation is kept until
   * then. Ignored for a whole token, whose own `exp` is used. Default: now plus
   * `revocation.maxTokenLifetime`.
   */
  readonly expiresAt?: number;
}

/** A retry after a failed resynchronisation while the local copy is not fresh, in milliseconds. */
const RETRY_MS = 250;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

interface PayloadHashes {
  readonly jti: string | undefined;
  readonly sub: string | undefined;
}

interface SubjectEntry {
  readonly notBefore: number;
  readonly until: number;
}

/**
 * A backend's local copy of the revocations in its store, so that every request is checked in
 * process, without a round trip: fed by the store's change feed as revocations are made
 * anywhere, reloaded whole at start, on every reconnection of the feed and every
 * `resyncIntervalMs`. Revocations are only ever added (each until its expiry), so a reload
 * merges, and a message and a reload can arrive in any order.
 */
export class RevocationList {
  private readonly jtis = new Map<string, number>();
  private readonly subjects = new Map<string, SubjectEntry>();
  // Verified payloads are frozen and shared by every cache hit of their token: their hashes are
  // computed once per verification, not per request.
  private readonly hashes = new WeakMap<TokenPayload, PayloadHashes>();
  private subscription: Subscription | undefined;
  private fresh = false;
  private loaded = false;
  // When the copy stopped being fresh (monotonic milliseconds); it starts stale.
  private staleSinceMs = performance.now();
  // Bumped whenever the feed is lost: a reload that straddles a loss cannot make the copy fresh.
  private losses = 0;
  private syncing: Promise<void> | undefined;
  private syncAgain = false;
  private lastError: unknown;
  private closed = false;
  private readonly waiters: (() => void)[] = [];
  // Revocations not yet written to the store (it was away): written again on every reload.
  private readonly unsaved = new Map<string, Revocation>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly settings: RevocationSettings,
    private readonly verify: (token: string) => TokenPayload | Promise<TokenPayload>,
  ) {
    this.timer = setInterval(() => void this.resync(), settings.resyncIntervalMs);
    this.timer.unref();
    void this.start();
  }

  private async start(): Promise<void> {
    try {
      this.subscription = await this.settings.store.subscribe(REVOCATION_CHANNEL, {
        onMessage: (message) => this.applyMessage(message),
        onStatus: (connected) => this.onFeedStatus(connected),
      });
      if (this.closed) await this.subscription.unsubscribe();
    } catch (err) {
      this.lastError = err;
      if (!this.closed) setTimeout(() => void this.start(), RETRY_MS).unref();
      return;
    }
    await this.resync();
  }

  private onFeedStatus(connected: boolean): void {
    if (!connected) {
      this.losses += 1;
      this.markStale();
      return;
    }
    void this.resync();
  }

  private markStale(): void {
    if (this.fresh) this.staleSinceMs = performance.now();
    this.fresh = false;
  }

  private applyMessage(message: string): void {
    const revocation = parseRevocationMessage(message);
    if (revocation !== undefined) this.apply(revocation);
  }

  private apply(revocation: Revocation): void {
    if (revocation.kind === 'jti') {
      this.jtis.set(revocation.hash, Math.max(revocation.until, this.jtis.get(revocation.hash) ?? 0));
      return;
    }
    const known = this.subjects.get(revocation.hash);
    this.subjects.set(revocation.hash, {
      notBefore: Math.max(revocation.notBefore, known?.notBefore ?? 0),
      until: Math.max(revocation.until, known?.until ?? 0),
    });
  }

  /** Reloads every revocation from the store (one at a time; a request meanwhile runs once more after). */
  resync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.syncing !== undefined) {
      this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = this.reload().finally(() => {
      this.syncing = undefined;
      if (this.syncAgain) {
        this.syncAgain = false;
        void this.resync();
      }
    });
    return this.syncing;
  }

  private async reload(): Promise<void> {
    const losses = this.losses;
    const connected = this.subscription?.connected === true;
    try {
      // A write that fails again stays for the next reload; it does not make the copy stale.
      for (const revocation of [...this.unsaved.values()]) await this.save(revocation).catch(() => undefined);
      const entries = await this.settings.store.entries(REVOCATION_KEY_PREFIX);
      for (const [key, value] of entries) {
        const revocation = parseRevocationEntry(key, value);
        if (revocation !== undefined) this.apply(revocation);
      }
      this.prune();
      this.loaded = true;
      if (connected && losses === this.losses && this.subscription?.connected === true) {
        this.fresh = true;
        this.lastError = undefined;
        for (const resolve of this.waiters.splice(0)) resolve();
      }
    } catch (err) {
      this.lastError = err;
    }
    if ((!this.fresh || this.unsaved.size > 0) && !this.closed) setTimeout(() => void this.resync(), RETRY_MS).unref();
  }

  private prune(): void {
    const now = clockSeconds(this.settings.clock);
    for (const [hash, until] of this.jtis) if (until < now) this.jtis.delete(hash);
    for (const [hash, entry] of this.subjects) if (entry.until < now) this.subjects.delete(hash);
  }

  private hashesOf(payload: TokenPayload): PayloadHashes {
    let found = this.hashes.get(payload);
    if (found === undefined) {
      const { jti, sub } = payload;
      found = {
        jti: typeof jti === 'string' ? revocationHash('jti', jti) : undefined,
        sub: typeof sub === 'string' ? revocationHash('sub', sub) : undefined,
      };
      this.hashes.set(payload, found);
    }
    return found;
  }

  /**
   * Throws `InvalidTokenError('revoked')` when the verified token's `jti` is revoked or its
   * subject's tokens issued at or before its `iat` are, and `RevocationUnavailableError` (503)
   * when the local copy cannot be trusted (see `maxStalenessMs`, `failOpen`). Synchronous: no
   * store round trip.
   */
  check(payload: TokenPayload): void {
    if (!this.fresh) this.checkStaleness();
    if (this.jtis.size === 0 && this.subjects.size === 0) return;
    const hashes = this.hashesOf(payload);
    const { challenge } = this.settings;
    if (hashes.jti !== undefined && this.jtis.has(hashes.jti)) throw new InvalidTokenError('revoked', { challenge });
    const subject = hashes.sub === undefined ? undefined : this.subjects.get(hashes.sub);
    // iat is in whole seconds: a token issued in the second of the revocation is refused too.
    if (subject !== undefined && !(typeof payload.iat === 'number' && payload.iat > subject.notBefore)) {
      throw new InvalidTokenError('revoked', { challenge });
    }
  }

  private checkStaleness(): void {
    const { failOpen, maxStalenessMs, challenge } = this.settings;
    if (failOpen) return;
    if (!this.loaded || performance.now() - this.staleSinceMs > maxStalenessMs) {
      throw new RevocationUnavailableError({ challenge, cause: this.lastError });
    }
  }

  /** Revokes a token (verified first; until its `exp`) or a bare `jti` (until `expiresAt`). */
  async revoke(tokenOrJti: string, options: RevokeOptions = {}): Promise<void> {
    if (typeof tokenOrJti !== 'string' || tokenOrJti === '') throw new TypeError('revoke: pass the token, or its "jti", as a non-empty string.');
    const now = clockSeconds(this.settings.clock);
    let jti = tokenOrJti;
    let expiresAt = options.expiresAt;
    if (COMPACT_JWS.test(tokenOrJti)) {
      // A token that does not verify is refused with its InvalidTokenError: never a silent success.
      const payload = await this.verify(tokenOrJti);
      if (typeof payload.jti !== 'string' || payload.jti === '') {
        throw new TypeError('revoke: this token has no "jti" to revoke; revoke its subject with revokeSubject(sub), or issue tokens with a jti (createToken does).');
      }
      jti = payload.jti;
      expiresAt = typeof payload.exp === 'number' ? payload.exp : undefined;
    } else if (expiresAt !== undefined && (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))) {
      throw new TypeError('revoke: "expiresAt" must be the token\'s exp, in seconds since the epoch.');
    }
    const until = Math.ceil(expiresAt ?? now + this.settings.maxTokenLifetime) + this.settings.clockTolerance;
    // Already past its expiry: no check would accept it, there is nothing to remember.
    if (until < now) return;
    await this.publish({ kind: 'jti', hash: revocationHash('jti', jti), until });
  }

  /** Refuses every token of `sub` issued up to now (its `iat` at or before this second). */
  async revokeSubject(sub: string): Promise<void> {
    if (typeof sub !== 'string' || sub === '') throw new TypeError('revokeSubject: pass the subject ("sub" claim) as a non-empty string.');
    const now = clockSeconds(this.settings.clock);
    const until = now + this.settings.maxTokenLifetime + this.settings.clockTolerance;
    await this.publish({ kind: 'sub', hash: revocationHash('sub', sub), notBefore: now, until });
  }

  // Applied here first, so this instance refuses the token at once whatever the store does;
  // then stored (for reloads and new instances) before it is announced (for the running ones).
  // When the store is away it is kept and written again with every reload until it is stored.
  private async publish(revocation: Revocation): Promise<void> {
    this.apply(revocation);
    const key = revocationKey(revocation);
    this.unsaved.set(key, revocation);
    try {
      await this.save(revocation);
    } catch (err) {
      publishRevocation(revocation.kind, false);
      if (!this.closed) setTimeout(() => void this.resync(), RETRY_MS).unref();
      throw err;
    }
    publishRevocation(revocation.kind, true);
  }

  private async save(revocation: Revocation): Promise<void> {
    const { store, clock } = this.settings;
    const now = clockSeconds(clock);
    const key = revocationKey(revocation);
    if (revocation.until >= now) {
      await store.set(key, revocationValue(revocation), Math.max(1, revocation.until - now + 1) * 1000);
      await store.publish(REVOCATION_CHANNEL, revocationMessage(revocation));
    }
    this.unsaved.delete(key);
  }

  /** Resolves once the local copy has been loaded from the store and the change feed is connected. */
  ready(): Promise<void> {
    if (this.fresh || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops the change feed and the reloads. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const resolve of this.waiters.splice(0)) resolve();
    await this.subscription?.unsubscribe();
  }
}
