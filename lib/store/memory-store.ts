import { checkNumber, rejectUnknownOptions } from '../core/options';
import { checkKey, type FeedListener, type Store, type Subscription } from './store';

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * const store = memoryStore({ maxEntries: 50_000 });
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * The most keys held at once. Expired keys are dropped first; when every key is still live a
   * write is refused (the promise rejects with a `RangeError`) rather than forgetting one, as
   * Redis does with `maxmemory-policy noeviction`: a forgotten revocation would let a revoked
   * token back in. Default: `100000`.
   */
  readonly maxEntries?: number;
  /** The clock the time-to-lives are measured with, in milliseconds. Default: `Date.now`. */
  readonly clock?: () => number;
}

interface Entry {
  value: string;
  expiresAtMs: number;
}

const OWNER = 'memoryStore';

class MemoryStore implements Store {
  private readonly entriesByKey = new Map<string, Entry>();
  private readonly listeners = new Map<string, Set<FeedListener>>();
  // The earliest expiry seen by the last full sweep that freed nothing: no sweep before it.
  private nextSweepAtMs = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly clock: () => number,
  ) {}

  private live(key: string): Entry | undefined {
    const entry = this.entriesByKey.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs > this.clock()) return entry;
    this.entriesByKey.delete(key);
    return undefined;
  }

  private write(key: string, value: string, ttlMs: number): void {
    const existing = this.entriesByKey.get(key);
    if (existing === undefined && this.entriesByKey.size >= this.maxEntries) this.makeRoom();
    this.entriesByKey.set(key, { value, expiresAtMs: this.clock() + ttlMs });
  }

  private makeRoom(): void {
    const now = this.clock();
    if (now >= this.nextSweepAtMs) {
      let earliest = Infinity;
      for (const [key, entry] of this.entriesByKey) {
        if (entry.expiresAtMs <= now) this.entriesByKey.delete(key);
        else earliest = Math.min(earliest, entry.expiresAtMs);
      }
      if (this.entriesByKey.size < this.maxEntries) return;
      this.nextSweepAtMs = earliest;
    }
    throw new RangeError(`${OWNER}: full (maxEntries ${this.maxEntries} live keys); nothing is evicted, raise maxEntries.`);
  }

  async get(key: string): Promise<string | undefined> {
    checkKey(OWNER, key);
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    checkKey(OWNER, key, ttlMs);
    this.write(key, String(value), ttlMs);
  }

  async delete(key: string): Promise<boolean> {
    checkKey(OWNER, key);
    const present = this.live(key) !== undefined;
    this.entriesByKey.delete(key);
    return present;
  }

  async reserve(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkKey(OWNER, key, ttlMs);
    if (this.live(key) !== undefined) return false;
    this.write(key, String(value), ttlMs);
    return true;
  }

  async compareAndSwap(key: string, expected: string | undefined, next: string, ttlMs: number): Promise<boolean> {
    checkKey(OWNER, key, ttlMs);
    if (this.live(key)?.value !== expected) return false;
    this.write(key, String(next), ttlMs);
    return true;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    checkKey(OWNER, key, ttlMs);
    const entry = this.live(key);
    if (entry === undefined) {
      this.write(key, '1', ttlMs);
      return 1;
    }
    const count = (Number.parseInt(entry.value, 10) || 0) + 1;
    entry.value = String(count);
    return count;
  }

  async entries(keyPrefix: string): Promise<ReadonlyArray<readonly [string, string]>> {
    const now = this.clock();
    const found: [string, string][] = [];
    for (const [key, entry] of this.entriesByKey) {
      if (key.startsWith(keyPrefix) && entry.expiresAtMs > now) found.push([key, entry.value]);
    }
    return found;
  }

  async publish(channel: string, message: string): Promise<void> {
    for (const listener of this.listeners.get(channel) ?? []) {
      // Each in its own task, as a message from another process would arrive.
      queueMicrotask(() => listener.onMessage(message));
    }
  }

  async subscribe(channel: string, listener: FeedListener): Promise<Subscription> {
    const set = this.listeners.get(channel) ?? new Set<FeedListener>();
    this.listeners.set(channel, set);
    set.add(listener);
    let subscribed = true;
    return {
      get connected() {
        return subscribed;
      },
      unsubscribe: async () => {
        subscribed = false;
        set.delete(listener);
      },
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

/**
 * A {@link Store} in this process's memory: the default for one instance, the demo and tests.
 * Bounded (`maxEntries`, never evicting a live key), aware of time-to-lives, with a change feed
 * that reaches every subscriber in this process. For several instances use `redisStore` from
 * `express-jwt-auth/redis`.
 *
 * @example
 * ```ts
 * const backend = new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET!, store: memoryStore() });
 * await backend.revoke(token);
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): Store {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: pass an options object, e.g. { maxEntries: 100000 }.`);
  rejectUnknownOptions(OWNER, options, ['maxEntries', 'clock']);
  checkNumber(OWNER, 'maxEntries', options.maxEntries, 1);
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries)) throw new TypeError(`${OWNER}: "maxEntries" must be a whole number.`);
  if (options.clock !== undefined && typeof options.clock !== 'function') {
    throw new TypeError(`${OWNER}: "clock" must be a function returning milliseconds, like Date.now.`);
  }
  return new MemoryStore(maxEntries, options.clock ?? Date.now);
}
