import request from 'supertest';
import { failureThrottle } from '../../lib';
import { redisStore } from '../../lib/redis';
import { buildTokenApp, expectOAuth2Error, form } from '../oauth2/token-apps';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { connectClient, type OpenClient, type RedisClientKind } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { claims, NOW, signToken } from '../helpers/tokens';
import { expectThrottled, throttledApp } from './throttle-apps';

jest.setTimeout(60_000);

const WINDOW_MS = 60_000;
const expired = signToken(claims({ exp: NOW - 1 }));

describeWithRedis('failed-authentication throttling on a real Redis', () => {
  let server: RedisServer;
  const clients: OpenClient[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  async function sharedStore(kind: RedisClientKind, prefix: string) {
    const client = await connectClient(kind, server.url);
    clients.push(client);
    return redisStore({ client: client.client, prefix });
  }

  describe.each([
    ['node-redis', EXPRESS_VERSIONS[0]],
    ['ioredis', EXPRESS_VERSIONS[1]],
  ] as const)('with %s (%s)', (kind, [, expressFactory]) => {
    it('shares the count of refused tokens between two instances: failures on one throttle the client on the other', async () => {
      const prefix = `throttle-${kind}-shared:`;
      const [one, two] = [
        throttledApp(failureThrottle({ store: await sharedStore(kind, prefix), maxFailures: 3, windowMs: WINDOW_MS }), expressFactory),
        throttledApp(failureThrottle({ store: await sharedStore(kind, prefix), maxFailures: 3, windowMs: WINDOW_MS }), expressFactory),
      ];
      const from = (target: typeof one) => request(target.app).get('/probe').set('X-Forwarded-For', '203.0.113.9').set('Authorization', `Bearer ${expired}`);
      expectRejection(await from(one), one.probe, invalidTokenRejection('expired'));
      expectRejection(await from(one), one.probe, invalidTokenRejection('expired'));
      expectRejection(await from(two), two.probe, invalidTokenRejection('expired'));
      expectThrottled(await from(two), two.probe, 60);
    });

    it('throttles a username across two token endpoints sharing the store, and never counts a success', async () => {
      const prefix = `throttle-${kind}-token:`;
      const endpoints = await Promise.all([0, 1].map(async () => {
        const built = buildTokenApp({ expressFactory, endpoint: { throttle: failureThrottle({ store: await sharedStore(kind, prefix), maxFailuresPerUsername: 2, windowMs: WINDOW_MS }) } });
        built.app.set('trust proxy', 'loopback');
        return built;
      }));
      const signIn = (index: number, ip: string, password: string) =>
        request(endpoints[index].app).post('/token').set('X-Forwarded-For', ip).type('form').send(form({ grant_type: 'password', username: 'alice', password }));
      expect((await signIn(0, '198.51.100.1', 'alice-password')).status).toBe(200);
      expectOAuth2Error(await signIn(0, '198.51.100.1', 'guess'), endpoints[0].probe, { status: 400, error: 'invalid_grant' });
      expectOAuth2Error(await signIn(1, '198.51.100.2', 'guess'), endpoints[1].probe, { status: 400, error: 'invalid_grant' });
      const res = await signIn(1, '198.51.100.3', 'alice-password');
      expectOAuth2Error(res, endpoints[1].probe, { status: 429, error: 'slow_down' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    });
  });

  it('fails open while Redis is down (the client queues commands: the store timeout ends the wait), and counts again once it is back', async () => {
    const store = await sharedStore('ioredis', 'throttle-outage:');
    const throttle = failureThrottle({ store, maxFailures: 1, windowMs: WINDOW_MS, timeoutMs: 300 });
    const { app, probe } = throttledApp(throttle);
    const from = () => request(app).get('/probe').set('X-Forwarded-For', '203.0.113.50').set('Authorization', `Bearer ${expired}`);
    await server.kill();
    try {
      for (let i = 0; i < 3; i++) expectRejection(await from(), probe, invalidTokenRejection('expired'));
    } finally {
      await server.restart();
    }
    // The counter starts again once the store is back: the next failure is the first counted.
    let answer = await from();
    for (let i = 0; i < 50 && answer.status !== 429; i++) answer = await from();
    expectThrottled(answer, probe, 60);
  });
});
