import Redis from 'ioredis';
import { createClient } from 'redis';
import { redisStore } from '../../lib/redis';
import { connectClient, REDIS_CLIENTS, StorePool } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { describeStoreContract, sleep, uniqueKey, waitFor } from '../helpers/store-contract';

describeWithRedis('redisStore', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  describe.each(REDIS_CLIENTS)('with %s', (kind) => {
    const pool = new StorePool(kind, () => server.url);
    afterEach(() => pool.closeAll());

    describeStoreContract(`redisStore (${kind})`, () => pool.open());

    it('keeps each prefix to itself: keys, entries and channels', async () => {
      const one = await pool.open('app-one:');
      const two = await pool.open('app-two:');
      const key = uniqueKey('shared-name');
      await one.set(key, 'one', 60_000);
      await expect(two.get(key)).resolves.toBeUndefined();
      await expect(two.entries(key)).resolves.toEqual([]);
      await expect(one.entries(key)).resolves.toEqual([[key, 'one']]);
      const channel = uniqueKey('channel');
      const heardByTwo: string[] = [];
      const heardByOne: string[] = [];
      await two.subscribe(channel, { onMessage: (message) => heardByTwo.push(message) });
      await one.subscribe(channel, { onMessage: (message) => heardByOne.push(message) });
      await one.publish(channel, 'for one');
      await waitFor(() => heardByOne.length === 1);
      await sleep(100);
      expect(heardByTwo).toEqual([]);
    });
  });

  describe('refuses at construction, with a TypeError saying what to pass', () => {
    it('a node-redis client that is not connected', () => {
      const client = createClient({ url: server.url });
      expect(() => redisStore({ client })).toThrow(/not connected; await client.connect\(\)/);
    });

    it('an ioredis client created with lazyConnect and never connected', () => {
      const client = new Redis(server.url, { lazyConnect: true });
      expect(() => redisStore({ client })).toThrow(/ioredis client is not connected \(status "wait"\)/);
    });

    it.each([
      ['no client', {}],
      ['a client of an unknown kind', { client: { get: () => undefined } }],
      ['a string', { client: 'redis://127.0.0.1:6379' }],
      ['a cluster client', { client: { isCluster: true, call: () => undefined, status: 'ready', duplicate: () => undefined } }],
    ])('%s', (_case, options) => {
      expect(() => redisStore(options as never)).toThrow(TypeError);
      expect(() => redisStore(options as never)).toThrow(/pass a connected node-redis client .* or an ioredis client/);
    });

    it('an unknown option or a prefix that is not a string', async () => {
      const { client, close } = await connectClient('node-redis', server.url);
      try {
        expect(() => redisStore({ client, prefx: 'x' } as never)).toThrow(/unknown option "prefx"/);
        expect(() => redisStore({ client, prefix: 5 } as never)).toThrow(/"prefix" must be a string/);
      } finally {
        await close();
      }
    });
  });
});
