import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { JWTAuthenticationBackend, Store } from '../../lib';
import { redisStore } from '../../lib/redis';
import { probeStatus, refreshApp, refreshBackend, signIn } from '../helpers/refresh';
import { connectClient, type OpenClient, REDIS_CLIENTS } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';

jest.setTimeout(120_000);

describeWithRedis('refresh tokens while Redis is killed and restarted', () => {
  let server: RedisServer;
  const clients: OpenClient[] = [];
  const backends: JWTAuthenticationBackend[] = [];
  const stores: Store[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const backend of backends.splice(0)) await backend.close();
    for (const store of stores.splice(0)) await store.close();
    for (const client of clients.splice(0)) await client.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  it.each(REDIS_CLIENTS)('answers a refresh 503 temporarily_unavailable within seconds (never hangs, never issues), and the same token works once Redis is back, with %s', async (kind) => {
    const client = await connectClient(kind, server.url);
    clients.push(client);
    const store = redisStore({ client: client.client, prefix: `outage-${randomUUID()}:` });
    stores.push(store);
    // The access-token revocation check is not under test here: its stale copy may accept (failOpen).
    const backend = refreshBackend(store, Date.now, { revocation: { failOpen: true } });
    backends.push(backend);
    await backend.ready();
    const { app } = refreshApp(backend);
    const first = await signIn(app);
    await server.kill();
    const started = performance.now();
    const res = await request(app).post('/refresh').send({ refresh_token: first.refresh_token });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: 'Refresh tokens cannot be checked right now; try again later.' });
    expect(performance.now() - started).toBeLessThan(15_000);
    await server.restart();
    let answer = await request(app).post('/refresh').send({ refresh_token: first.refresh_token });
    for (let i = 0; i < 50 && answer.status === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      answer = await request(app).post('/refresh').send({ refresh_token: first.refresh_token });
    }
    expect(answer.status).toBe(200);
    expect(await probeStatus(app, answer.body.access_token as string)).toBe(200);
  });
});
