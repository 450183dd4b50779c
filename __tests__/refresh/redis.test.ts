import { randomUUID } from 'node:crypto';
import { REDIS_CLIENTS, StorePool } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { refreshBehaviour } from './behaviour';

jest.setTimeout(60_000);

describeWithRedis('refresh tokens on redisStore', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server.stop();
  });

  describe.each(REDIS_CLIENTS)('with %s', (kind) => {
    const pool = new StorePool(kind, () => server.url);
    refreshBehaviour({
      // A key space of its own per test: the families of one test never meet another's.
      open: () => pool.open(`refresh-${randomUUID()}:`),
      closeAll: () => pool.closeAll(),
    });
  });
});
