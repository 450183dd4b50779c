import Redis from 'ioredis';
import { createClient } from 'redis';
import type { Store } from '../../lib';
import { redisStore } from '../../lib/redis';

/** The two Redis clients the store supports, for `describe.each`. */
export const REDIS_CLIENTS = ['node-redis', 'ioredis'] as const;
/** One of {@link REDIS_CLIENTS}. */
export type RedisClientKind = (typeof REDIS_CLIENTS)[number];

/** A connected client of `kind` and a way to close it. */
export interface OpenClient {
  readonly client: object;
  close(): Promise<void>;
}

/** Connects a client of `kind` to `url`, retrying quickly after a lost connection. */
export async function connectClient(kind: RedisClientKind, url: string): Promise<OpenClient> {
  if (kind === 'node-redis') {
    const client = createClient({ url, socket: { reconnectStrategy: () => 50 } });
    client.on('error', () => undefined);
    await client.connect();
    return { client, close: async () => { client.destroy(); } };
  }
  const client = new Redis(url, { retryStrategy: () => 50, maxRetriesPerRequest: null });
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('end', () => reject(new Error('ioredis did not connect')));
  });
  return { client, close: async () => client.disconnect() };
}

/** Opens stores (each on its own client) and closes them all at once. */
export class StorePool {
  private readonly opened: { store: Store; client: OpenClient }[] = [];

  constructor(
    private readonly kind: RedisClientKind,
    private readonly url: () => string,
  ) {}

  async open(prefix = 'test:'): Promise<Store> {
    const client = await connectClient(this.kind, this.url());
    const store = redisStore({ client: client.client, prefix });
    this.opened.push({ store, client });
    return store;
  }

  async closeAll(): Promise<void> {
    for (const { store, client } of this.opened.splice(0)) {
      await store.close();
      await client.close();
    }
  }
}
