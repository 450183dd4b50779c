// The two Redis clients people run, seen through the few calls the store makes. Their types
// are not imported: both are optional peer dependencies, and the main entry never loads them.

type Listener = (...args: unknown[]) => void;

interface Emitter {
  on(event: string, listener: Listener): unknown;
}

/** node-redis 4 and 5 (`createClient()` from `redis`). */
interface NodeRedisClient extends Emitter {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  sendCommand(args: string[]): Promise<unknown>;
  duplicate(): NodeRedisClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string, channel: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  destroy?(): void;
  disconnect?(): Promise<unknown>;
}

/** ioredis 5 (`new Redis()`). */
interface IORedisClient extends Emitter {
  readonly status: string;
  call(command: string, ...args: string[]): Promise<unknown>;
  duplicate(): IORedisClient;
  connect(): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  disconnect(): void;
}

/** A dedicated connection for the change feed (a subscribed Redis connection can do nothing else). */
export interface SubscriberConnection {
  readonly connected: boolean;
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  close(): Promise<void>;
}

/** Called by a subscriber connection with each message and each change of its state. */
export interface SubscriberEvents {
  message(channel: string, message: string): void;
  status(connected: boolean): void;
}

/** One client, either kind: commands on it, and a duplicate of it for the change feed. */
export interface RedisConnection {
  readonly kind: 'node-redis' | 'ioredis';
  command(args: readonly string[]): Promise<unknown>;
  openSubscriber(events: SubscriberEvents): Promise<SubscriberConnection>;
}

const OWNER = 'redisStore';
const WHAT_TO_PASS = 'pass a connected node-redis client (const client = await createClient({ url }).connect()) or an ioredis client (new Redis(url))';

function isObject(value: unknown): value is Record<string, unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}

function nodeRedis(client: NodeRedisClient): RedisConnection {
  return {
    kind: 'node-redis',
    command: (args) => client.sendCommand([...args]),
    async openSubscriber(events) {
      const subscriber = client.duplicate();
      // Without a listener an 'error' event would crash the process; the state events say enough.
      subscriber.on('error', () => undefined);
      subscriber.on('ready', () => events.status(true));
      subscriber.on('reconnecting', () => events.status(false));
      subscriber.on('end', () => events.status(false));
      await subscriber.connect();
      return {
        get connected() {
          return subscriber.isReady;
        },
        subscribe: async (channel) => {
          await subscriber.subscribe(channel, (message) => events.message(channel, message));
        },
        unsubscribe: async (channel) => {
          await subscriber.unsubscribe(channel);
        },
        close: async () => {
          if (typeof subscriber.destroy === 'function') subscriber.destroy();
          else await subscriber.disconnect?.();
        },
      };
    },
  };
}

function ioredis(client: IORedisClient): RedisConnection {
  return {
    kind: 'ioredis',
    command: ([name, ...args]) => client.call(name, ...args),
    async openSubscriber(events) {
      const subscriber = client.duplicate();
      subscriber.on('error', () => undefined);
      subscriber.on('ready', () => events.status(true));
      subscriber.on('close', () => events.status(false));
      subscriber.on('end', () => events.status(false));
      subscriber.on('message', (channel, message) => events.message(String(channel), String(message)));
      // A duplicate of a lazyConnect client waits for a command; connect it now.
      if (subscriber.status === 'wait') await subscriber.connect();
      return {
        get connected() {
          return subscriber.status === 'ready';
        },
        subscribe: async (channel) => {
          await subscriber.subscribe(channel);
        },
        unsubscribe: async (channel) => {
          await subscriber.unsubscribe(channel);
        },
        close: async () => subscriber.disconnect(),
      };
    },
  };
}

/**
 * Recognises a node-redis or ioredis client and checks that it is connected; anything else
 * (another kind of object, a cluster client, a client never connected or already closed) is a
 * `TypeError` saying what to pass.
 *
 * @example
 * ```ts
 * const connection = adaptClient(await createClient({ url }).connect());
 * ```
 */
export function adaptClient(client: unknown): RedisConnection {
  if (!isObject(client)) throw new TypeError(`${OWNER}: "client" is required; ${WHAT_TO_PASS}.`);
  if ('masters' in client || client.isCluster === true) {
    throw new TypeError(`${OWNER}: a cluster client is not supported; ${WHAT_TO_PASS} to one Redis (or Valkey) server.`);
  }
  if (typeof client.sendCommand === 'function' && typeof client.isOpen === 'boolean' && typeof client.duplicate === 'function') {
    if (!client.isOpen) throw new TypeError(`${OWNER}: the node-redis client is not connected; await client.connect() before passing it.`);
    return nodeRedis(client as unknown as NodeRedisClient);
  }
  if (typeof client.call === 'function' && typeof client.status === 'string' && typeof client.duplicate === 'function') {
    if (client.status === 'wait' || client.status === 'end') {
      throw new TypeError(`${OWNER}: the ioredis client is not connected (status "${client.status}"); await client.connect() first, or create it without lazyConnect.`);
    }
    return ioredis(client as unknown as IORedisClient);
  }
  throw new TypeError(`${OWNER}: "client" is neither a node-redis nor an ioredis client; ${WHAT_TO_PASS}.`);
}
