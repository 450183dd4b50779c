import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isThenable } from '../../core/thenable';
import type { TokenPayload } from '../../credentials';
import { AuthenticationError, InvalidTokenError, KeySetUnavailableError, TemporarilyUnavailableError } from '../../errors';
import type { KeyEntry } from '../../keys/key-entry';
import { describeMisfit } from '../../keys/key-objects';
import type { Algorithm } from '../../keys/algorithms';
import { TokenCache } from '../token-cache';
import type { KeyResolutionSettings } from './read-key-resolution';
import { resolvedKeyEntry } from './resolved-key-entry';

/**
 * The `cause` of the 503 answered when a `keyResolver` does not settle within
 * `keyResolution.timeoutMs`.
 *
 * @example
 * ```ts
 * if (err.code === 'temporarily_unavailable' && err.cause instanceof KeyResolverTimeoutError) metrics.increment('resolver_timeout');
 * ```
 */
export class KeyResolverTimeoutError extends Error {
  override readonly name = 'KeyResolverTimeoutError';

  constructor() {
    super('The keyResolver did not settle within keyResolution.timeoutMs.');
  }
}

interface Remembered {
  readonly entry: KeyEntry;
  /** Monotonic milliseconds. */
  readonly resolvedAt: number;
}

interface Failed {
  readonly cause: unknown;
  /** Monotonic milliseconds. */
  readonly failedAt: number;
}

type Arguments = readonly [IncomingMessage, Readonly<Record<string, unknown>>, Readonly<TokenPayload>];

function settleWithin<T>(promise: PromiseLike<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new KeyResolverTimeoutError()), ms);
    // A hanging resolver must not keep the process alive after the server closed.
    timer.unref();
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/**
 * The keys a `keyResolver` answered, remembered by cache key in a bounded least-recently-used
 * map, with the remote key sets' outage policy:
 *
 * - concurrent requests with one cache key share one resolution;
 * - a remembered key older than `maxAgeMs` is resolved again in the background and used
 *   meanwhile; if that fails or times out it stays (stale beats unavailable), but an answer of
 *   no key or an unusable one drops it (the application withdrew the key);
 * - a resolution that times out or throws a `KeySetUnavailableError` answers 503 with
 *   `Retry-After`, and so does every request with that cache key for `cooldownMs`, without
 *   asking the resolver again;
 * - only usable keys are remembered: tokens naming unknown keys cannot push good keys out.
 */
export class ResolvedKeys {
  private readonly cache: TokenCache<Remembered> | undefined;
  private readonly failures: TokenCache<Failed> | undefined;
  private readonly inflight = new Map<string, Promise<KeyEntry>>();

  constructor(private readonly settings: KeyResolutionSettings) {
    this.cache = settings.cacheSize === 0 ? undefined : new TokenCache<Remembered>(settings.cacheSize);
    this.failures = settings.cacheSize === 0 ? undefined : new TokenCache<Failed>(settings.cacheSize);
  }

  /**
   * The key for one request's token, after checking that it fits the token's algorithm. Throws
   * (or rejects with) `InvalidTokenError('unknown_key')`, a `TemporarilyUnavailableError`, or
   * what the application's resolver or `cacheKey` threw.
   */
  keyFor(req: IncomingMessage, header: Readonly<Record<string, unknown>>, payload: Readonly<TokenPayload>): KeyObject | Promise<KeyObject> {
    const args: Arguments = [req, header, payload];
    const alg = header.alg as Algorithm;
    const id = this.settings.cacheKey(req, header, payload);
    if (id !== undefined && typeof id !== 'string') throw new TypeError('keyResolution.cacheKey must return a string or undefined.');
    if (id !== undefined) {
      const now = this.settings.monotonicClock();
      const hit = this.cache?.get(id);
      if (hit !== undefined) {
        if (now - hit.resolvedAt >= this.settings.maxAgeMs) this.refreshInBackground(id, args, now);
        return this.fitting(hit.entry, alg);
      }
      this.throwIfCoolingDown(id, now);
      const pending = this.inflight.get(id);
      if (pending !== undefined) return pending.then((entry) => this.fitting(entry, alg));
    }
    const entry = this.resolve(id, args);
    return isThenable<KeyEntry>(entry) ? entry.then((found) => this.fitting(found, alg)) : this.fitting(entry, alg);
  }

  private fitting(entry: KeyEntry, alg: Algorithm): KeyObject {
    if (entry.algorithms.has(alg)) return entry.key;
    const cause = new TypeError(`keyResolver returned a key that cannot verify this token's algorithm: ${describeMisfit(entry.key, alg, this.settings.allowWeakKeys) ?? 'its "alg" differs'}.`);
    throw new InvalidTokenError('unknown_key', { challenge: this.settings.challenge, cause });
  }

  private throwIfCoolingDown(id: string, now: number): void {
    const failed = this.failures?.get(id);
    if (failed === undefined) return;
    const remainingMs = failed.failedAt + this.settings.cooldownMs - now;
    if (remainingMs > 0) throw new KeySetUnavailableError({ retryAfterSec: remainingMs / 1000, cause: failed.cause });
    this.failures?.delete(id);
  }

  /** Asks the resolver; answers synchronously when it does. */
  private resolve(id: string | undefined, args: Arguments): KeyEntry | Promise<KeyEntry> {
    let answer: unknown;
    try {
      answer = this.settings.resolver(...args);
    } catch (err) {
      throw this.failure(id, err);
    }
    if (!isThenable(answer)) return this.accept(id, answer);
    const pending = settleWithin(answer, this.settings.timeoutMs).then(
      (value) => this.accept(id, value),
      (err: unknown) => {
        throw this.failure(id, err);
      },
    );
    if (id !== undefined) {
      this.inflight.set(id, pending);
      const forget = (): void => {
        if (this.inflight.get(id) === pending) this.inflight.delete(id);
      };
      pending.then(forget, forget);
    }
    return pending;
  }

  private accept(id: string | undefined, value: unknown): KeyEntry {
    const entry = resolvedKeyEntry(value, this.settings);
    if (typeof entry === 'string') {
      if (id !== undefined) this.cache?.delete(id);
      throw new InvalidTokenError('unknown_key', { challenge: this.settings.challenge, cause: new TypeError(`${entry}.`) });
    }
    if (id !== undefined) {
      this.cache?.set(id, { entry, resolvedAt: this.settings.monotonicClock() });
      this.failures?.delete(id);
    }
    return entry;
  }

  /** What a failed resolution becomes: 503 for an outage (remembered for the cooldown), else the error itself. */
  private failure(id: string | undefined, err: unknown): unknown {
    const outage = err instanceof KeyResolverTimeoutError || err instanceof TemporarilyUnavailableError;
    if (!outage) return err;
    const now = this.settings.monotonicClock();
    if (id !== undefined) this.failures?.set(id, { cause: err, failedAt: now });
    if (err instanceof AuthenticationError) return err;
    return new KeySetUnavailableError({ retryAfterSec: this.settings.cooldownMs / 1000, cause: err });
  }

  private refreshInBackground(id: string, args: Arguments, now: number): void {
    if (this.inflight.has(id)) return;
    const failed = this.failures?.get(id);
    if (failed !== undefined && now - failed.failedAt < this.settings.cooldownMs) return;
    // An application error has no request to go to here; remembered, it at least spaces out the
    // next attempts by the cooldown instead of one per request (outages are remembered already,
    // and an unusable answer has already dropped the key).
    const remember = (err: unknown): void => {
      if (!(err instanceof AuthenticationError)) this.failures?.set(id, { cause: err, failedAt: this.settings.monotonicClock() });
    };
    try {
      const entry = this.resolve(id, args);
      // The request that started it goes on with the remembered key; what the resolver says
      // later only changes what later requests get.
      if (isThenable(entry)) entry.then(undefined, remember);
    } catch (err) {
      remember(err);
    }
  }
}
