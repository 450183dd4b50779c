import { rejectUnknownOptions } from '../core/options';
import { checkKey, type FeedListener, type Store, type Subscription } from '../store/store';
import { adaptClient, type RedisConnection, type SubscriberConnection } from './client-adapter';
import { COMPARE_AND_SWAP, INCREMENT } from './scripts';

/**
 * Options of {@link redisStore}.
 *
 * @example
 * ```ts
 * const store = redisStore({ client: await createClient({ url: process.env.REDIS_URL }).connect(), prefix: 'shop:auth:' });
 * ```
 */
export interface RedisStoreOptions {
  /**
   * A connected client of one Redis (or Valkey) server: node-redis 4 or 5
   * (`await createClient({ url }).connect()`) or ioredis 5 (`new Redis(url)`). The store never
   * closes it. For the change feed it opens one more connection, `client.duplicate()` (a
   * subscribed connection can send no other command), which `store.close()` closes.
   */
  readonly client: object;
  /** Put before every key and channel, so several applications can share one Redis. Default: `'express-jwt-auth:'`. */
  readonly prefix?: string;
}

const OWNER = 'redisStore';
const SCAN_COUNT = '1000';

// Redis glob patterns (SCAN MATCH) treat * ? [ ] and \ specially; a prefix is matched literally.
const escapeGlob = (text: string): string => text.replace(/[*?[\]\\]/g, '\\$&');

class RedisStore implements Store {
  private subscriber: Promise<SubscriberConnection> | undefined;
  private readonly listeners = new Map<string, Set<FeedListener>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
  ) {}

  async get(key: string): Promise<string | undefined> {
    checkKey(OWNER, key);
    const value = await this.redis.command(['GET', this.prefix + key]);
    return value === null || value === undefined ? undefined : String(value);
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    checkKey(OWNER, key, ttlMs);
    await this.redis.command(['SET', this.prefix + key, String(value), 'PX', String(ttlMs)]);
  }

  async delete(key: string): Promise<boolean> {
    checkKey(OWNER, key);
    return Number(await this.redis.command(['DEL', this.prefix + key])) > 0;
  }

  async reserve(key: string, value: string, ttlMs: number): Promise<boolean> {
    checkKey(OWNER, key, ttlMs);
    // SET NX is one atomic command: exactly one of concurrent callers gets OK.
    const reply = await this.redis.command(['SET', this.prefix + key, String(value), 'NX', 'PX', String(ttlMs)]);
    return reply === 'OK';
  }

  async compareAndSwap(key: string, expected: string | undefined, next: string, ttlMs: number): Promise<boolean> {
    checkKey(OWNER, key, ttlMs);
    const args = [expected === undefined ? '1' : '0', expected ?? '', String(next), String(ttlMs)];
    return Number(await this.redis.command(['EVAL', COMPARE_AND_SWAP, '1', this.prefix + key, ...args])) === 1;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    checkKey(OWNER, key, ttlMs);
    return Number(await this.redis.command(['EVAL', INCREMENT, '1', this.prefix + key, String(ttlMs)]));
  }

  async entries(keyPrefix: string): Promise<ReadonlyArray<readonly [string, string]>> {
    const pattern = `${escapeGlob(this.prefix + keyPrefix)}*`;
    const found: [string, string][] = [];
    let cursor = '0';
    // SCAN returns every key present for the whole iteration; a key that expires between SCAN
    // and MGET comes back null and is skipped.
    do {
      const [next, keys] = (await this.redis.command(['SCAN', cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT])) as [string, string[]];
      cursor = String(next);
      if (keys.length === 0) continue;
      const values = (await this.redis.command(['MGET', ...keys])) as (string | null)[];
      keys.forEach((key, i) => {
        const value = values[i];
        if (value !== null && value !== undefined) found.push([String(key).slice(this.prefix.length), String(value)]);
      });
    } while (cursor !== '0');
    return found;
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.redis.command(['PUBLISH', this.prefix + channel, String(message)]);
  }

  private openSubscriber(): Promise<SubscriberConnection> {
    this.subscriber ??= this.redis.openSubscriber({
      message: (channel, message) => {
        for (const listener of this.listeners.get(channel.slice(this.prefix.length)) ?? []) listener.onMessage(message);
      },
      status: (connected) => {
        for (const set of this.listeners.values()) for (const listener of set) listener.onStatus?.(connected);
      },
    });
    return this.subscriber;
  }

  async subscribe(channel: string, listener: FeedListener): Promise<Subscription> {
    const connection = await this.openSubscriber();
    let set = this.listeners.get(channel);
    if (set === undefined) {
      set = new Set();
      this.listeners.set(channel, set);
      await connection.subscribe(this.prefix + channel);
    }
    set.add(listener);
    let subscribed = true;
    return {
      get connected() {
        return subscribed && connection.connected;
      },
      unsubscribe: async () => {
        if (!subscribed) return;
        subscribed = false;
        const listeners = this.listeners.get(channel);
        listeners?.delete(listener);
        if (listeners?.size === 0) {
          this.listeners.delete(channel);
          await connection.unsubscribe(this.prefix + channel);
        }
      },
    };
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    this.listeners.clear();
    if (subscriber !== undefined) await (await subscriber).close();
  }
}

/**
 * A {@link Store} on Redis (or Valkey), shared by every instance of an application: pass a
 * connected node-redis or ioredis client. Atomic operations are single commands (`SET NX PX`)
 * or Lua scripts; the change feed is Redis pub/sub on a second connection the store opens with
 * `client.duplicate()` and closes with `store.close()`. Run Redis with
 * `maxmemory-policy noeviction` (an evicted revocation would let a revoked token back in) and
 * with persistence (AOF) so that revocations survive a restart. A client of another kind, a
 * cluster client, or one that is not connected is a `TypeError`.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { redisStore } from 'express-jwt-auth/redis';
 *
 * const client = await createClient({ url: process.env.REDIS_URL }).connect();
 * const backend = new JWTAuthenticationBackend({ secretKey: process.env.JWT_SECRET!, store: redisStore({ client }) });
 * await backend.ready();
 * ```
 */
export function redisStore(options: RedisStoreOptions): Store {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${OWNER}: pass an options object, e.g. { client }.`);
  rejectUnknownOptions(OWNER, options, ['client', 'prefix']);
  const prefix = options.prefix ?? 'express-jwt-auth:';
  if (typeof prefix !== 'string') throw new TypeError(`${OWNER}: "prefix" must be a string (it may be empty).`);
  return new RedisStore(adaptClient(options.client), prefix);
}
