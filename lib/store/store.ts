/**
 * What a {@link Store} tells a change-feed subscriber: each message published on its channel,
 * and whether the feed is connected (a message published while it is not is lost, so a
 * subscriber that keeps a copy of shared state resynchronises when it comes back).
 *
 * @example
 * ```ts
 * const listener: FeedListener = {
 *   onMessage: (message) => apply(message),
 *   onStatus: (connected) => { if (connected) void resync(); },
 * };
 * ```
 */
export interface FeedListener {
  /** Called with every message published on the channel while the feed is connected. */
  onMessage(message: string): void;
  /** Called when the feed is lost (`false`) and when it is connected again (`true`). Default: not told. */
  onStatus?(connected: boolean): void;
}

/**
 * A subscription to a {@link Store}'s change feed.
 *
 * @example
 * ```ts
 * const subscription = await store.subscribe('revocations', listener);
 * await subscription.unsubscribe();
 * ```
 */
export interface Subscription {
  /** Whether messages are being received right now. */
  readonly connected: boolean;
  /** Stops delivering messages to the listener. */
  unsubscribe(): Promise<void>;
}

/**
 * The state several instances of an application share: one small asynchronous contract, so the
 * same features (revocation, and later refresh-token families, replay protection, throttling)
 * run on {@link memoryStore} in one process and on `redisStore` (from `express-jwt-auth/redis`)
 * across many. Keys and values are strings; every time-to-live is in milliseconds and a key
 * vanishes once it has passed. `reserve`, `compareAndSwap` and `increment` are atomic in the
 * store itself, never a read followed by a write from Node. A store refuses a key longer than
 * 1,024 characters and a time-to-live that is not a positive whole
 * number (a `TypeError`); its operations reject when the store cannot be reached.
 *
 * @example
 * ```ts
 * const store: Store = memoryStore();
 * if (await store.reserve(`dpop:${jti}`, '1', 300_000)) console.log('first use of this proof');
 * ```
 */
export interface Store {
  /** The value of `key`, or `undefined` when it is absent or has expired. */
  get(key: string): Promise<string | undefined>;
  /** Sets `key` to `value` for `ttlMs` milliseconds, whatever it held. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes `key`; resolves to whether it was there. */
  delete(key: string): Promise<boolean>;
  /** Sets `key` only if it is absent (set-if-absent); resolves to whether this call set it (exactly one of concurrent callers wins). */
  reserve(key: string, value: string, ttlMs: number): Promise<boolean>;
  /**
   * Sets `key` to `next` only if it currently holds `expected` (`undefined`: only if it is
   * absent); resolves to whether it did (exactly one of concurrent swaps from the same value wins).
   */
  compareAndSwap(key: string, expected: string | undefined, next: string, ttlMs: number): Promise<boolean>;
  /** Adds one to the counter at `key` and resolves to the new count; the first increment starts its `ttlMs` (a fixed window). */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Every live key that starts with `keyPrefix`, with its value (a resynchronisation, not a hot-path call). */
  entries(keyPrefix: string): Promise<ReadonlyArray<readonly [string, string]>>;
  /** Sends `message` to every subscriber of `channel`, in every process sharing the store. */
  publish(channel: string, message: string): Promise<void>;
  /** Delivers the messages of `channel` to `listener` from now on; resolves once subscribed. */
  subscribe(channel: string, listener: FeedListener): Promise<Subscription>;
  /** Releases what the store opened itself (a Redis store's subscriber connection); never the client it was given. */
  close(): Promise<void>;
}

/** The longest key a store accepts, in characters: features hash what they do not control (a `jti`, a `sub`). */
export const MAX_STORE_KEY_LENGTH = 1024;

/**
 * Throws a `TypeError` unless `key` is a non-empty string of at most {@link MAX_STORE_KEY_LENGTH}
 * characters and `ttlMs` (when given) a positive whole number of milliseconds.
 *
 * @example
 * ```ts
 * checkKey('memoryStore', key, ttlMs);
 * ```
 */
export function checkKey(owner: string, key: unknown, ttlMs?: unknown): void {
  if (typeof key !== 'string' || key === '' || key.length > MAX_STORE_KEY_LENGTH) {
    throw new TypeError(`${owner}: a key must be a non-empty string of at most ${MAX_STORE_KEY_LENGTH} characters.`);
  }
  if (ttlMs !== undefined && (typeof ttlMs !== 'number' || !Number.isSafeInteger(ttlMs) || ttlMs < 1)) {
    throw new TypeError(`${owner}: "ttlMs" must be a positive whole number of milliseconds.`);
  }
}

const STORE_METHODS = ['get', 'set', 'delete', 'reserve', 'compareAndSwap', 'increment', 'entries', 'publish', 'subscribe', 'close'] as const;

/**
 * Whether `value` implements the {@link Store} contract (has every method).
 *
 * @example
 * ```ts
 * if (!isStore(options.store)) throw new TypeError('pass memoryStore() or redisStore({ client })');
 * ```
 */
export function isStore(value: unknown): value is Store {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return STORE_METHODS.every((name) => typeof candidate[name] === 'function');
}
