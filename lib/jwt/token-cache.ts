import type { KeyObject } from 'node:crypto';
import type { TokenPayload } from '../credentials';

/**
 * What the cache keeps for a token: the entry itself, which also carries the cache's recency
 * mark, so that each token costs the map one object besides its key.
 */
export interface CacheEntry {
  /** The insertion count when the entry was last moved to the young end; written by the cache only. */
  touched: number;
}

/** What a verified token leaves in the cache: its claims, the key that verified it, and when. */
export interface VerifiedToken extends CacheEntry {
  readonly payload: TokenPayload;
  readonly key: KeyObject;
  /** When it was verified, in seconds since the epoch (by the backend's clock). */
  readonly verifiedAt: number;
}

/** What a token whose signature failed leaves in the cache of rejections. */
export interface RejectedToken extends CacheEntry {
  /** When its signature failed, in seconds since the epoch (by the backend's clock). */
  readonly rejectedAt: number;
}

/**
 * A bounded least-recently-used map from whole tokens to what their verification found (by
 * default a {@link VerifiedToken}), so a token seen before skips the signature check. It only
 * remembers; the verifier decides on every hit (times against the clock, the key still trusted).
 * The key is the token itself: a digest would be smaller, but hashing it costs more than the
 * rest of a hit. Each entry is one object of its own (the cache writes its `touched`).
 *
 * Recency is approximate: a hit moves its entry to the young end only once the entry has aged
 * past half the capacity. Moving on every hit (a Map delete and set) costs more than the rest
 * of a hit and churns the garbage collector; this way a token in steady use is moved about
 * once per `maxEntries / 2` insertions, and still never evicted while in use.
 *
 * @example
 * ```ts
 * const cache = new TokenCache(10_000);
 * cache.set(token, { payload, key, verifiedAt: nowSec, touched: 0 });
 * cache.get(token)?.payload;
 * ```
 */
export class TokenCache<TEntry extends CacheEntry = VerifiedToken> {
  // A Map iterates in insertion order: the oldest entry comes first.
  private readonly entries = new Map<string, TEntry>();
  // One iterator kept across evictions: everything before it has been evicted, so it always
  // stands at the oldest entry. A new `keys().next()` per eviction would step over every
  // evicted slot the Map has not compacted yet (up to half its capacity), on every insertion.
  private oldest: Iterator<string> = this.entries.keys();
  private insertions = 0;

  /** @param maxEntries - How many tokens to remember, at least 1. */
  constructor(private readonly maxEntries: number) {}

  get(token: string): TEntry | undefined {
    const entry = this.entries.get(token);
    if (entry === undefined) return undefined;
    if (this.insertions - entry.touched >= this.maxEntries / 2) {
      this.entries.delete(token);
      entry.touched = ++this.insertions;
      this.entries.set(token, entry);
    }
    return entry;
  }

  set(token: string, entry: TEntry): void {
    this.entries.delete(token);
    entry.touched = ++this.insertions;
    this.entries.set(token, entry);
    if (this.entries.size > this.maxEntries) this.evictOldest();
  }

  // Called only with more than `maxEntries` (at least 1) entries, all at or after the
  // iterator: it never runs out.
  private evictOldest(): void {
    this.entries.delete(this.oldest.next().value as string);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }

  /** How many tokens are remembered. */
  get size(): number {
    return this.entries.size;
  }
}

/** At most this many forged tokens are remembered (up to `maxTokenLength` each, all attacker-made). */
const MAX_REMEMBERED_REJECTIONS = 1000;

/**
 * The cache of tokens whose signature failed, bounded below the verified-token cache, or
 * `undefined` when caching is off (`cacheSize` 0).
 *
 * @example
 * ```ts
 * const rejections = rejectionCache(settings.cacheSize);
 * ```
 */
export function rejectionCache(cacheSize: number): TokenCache<RejectedToken> | undefined {
  return cacheSize === 0 ? undefined : new TokenCache<RejectedToken>(Math.min(cacheSize, MAX_REMEMBERED_REJECTIONS));
}
