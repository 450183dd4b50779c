import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JWTAuthenticationBackend } from '../../lib';
import { redisStore } from '../../lib/redis';
import { buildApp } from '../helpers/apps';
import { runScript, type ScriptProcess } from '../helpers/child-processes';
import { boundToken, type DpopClient, dpopClient, makeProof } from '../helpers/dpop';
import { connectClient, type OpenClient } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { SECRET } from '../helpers/tokens';

jest.setTimeout(120_000);

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

async function freshPair(client: DpopClient): Promise<{ token: string; proof: string }> {
  const iat = nowSeconds();
  const token = await boundToken(client.jkt, { iat, exp: iat + 600, jti: randomUUID() });
  return { token, proof: await makeProof(client, { accessToken: token, iat }) };
}

function send(origin: string, token: string, proof: string): Promise<Response> {
  return fetch(`${origin}/probe`, { headers: { Authorization: `DPoP ${token}`, DPoP: proof } });
}

describeWithRedis('DPoP replay detection shared through Redis', () => {
  let server: RedisServer;
  const processes: ScriptProcess[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    await Promise.all(processes.splice(0).map((child) => child.stop()));
  });
  afterAll(async () => {
    await server.stop();
  });

  async function startApps(): Promise<string[]> {
    const prefix = `dpop-${randomUUID()}:`;
    const apps = [['node-redis', '5'], ['ioredis', '4'], ['node-redis', '5']].map(([kind, version]) =>
      runScript('__tests__/dpop/fixtures/dpop-app-process.ts', [kind, server.url, version, prefix]));
    processes.push(...apps);
    return Promise.all(apps.map(async (app) => `http://127.0.0.1:${(await app.waitFor(/listening (\d+)/))[1]}`));
  }

  it('refuses on the two other app processes a proof one of three accepted, whichever came first', async () => {
    const origins = await startApps();
    const client = await dpopClient();
    for (let round = 0; round < 12; round++) {
      const { token, proof } = await freshPair(client);
      const first = origins[round % 3];
      const accepted = await send(first, token, proof);
      expect(accepted.status).toBe(200);
      for (const origin of origins) {
        const replayed = await send(origin, token, proof);
        expect(replayed.status).toBe(401);
        expect(replayed.headers.get('www-authenticate')).toMatch(/^DPoP realm="api", error="invalid_dpop_proof", /);
        expect(await replayed.json()).toMatchObject({ error: 'invalid_dpop_proof', reason: 'replayed' });
      }
    }
  });

  it('lets exactly one of three app processes accept a proof sent to all three at once', async () => {
    const origins = await startApps();
    const client = await dpopClient();
    for (let round = 0; round < 20; round++) {
      const { token, proof } = await freshPair(client);
      const statuses = await Promise.all(origins.map(async (origin) => (await send(origin, token, proof)).status));
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(2);
    }
  });

  it('answers 503 with Retry-After while Redis is down (never an accept, never a hang), and accepts again once it is back', async () => {
    const open: OpenClient = await connectClient('node-redis', server.url);
    const store = redisStore({ client: open.client, prefix: `outage-${randomUUID()}:` });
    const backend = new JWTAuthenticationBackend({
      secretKey: SECRET,
      store,
      dpop: 'required',
      dpopOptions: { publicBaseUrl: 'https://api.example.test', storeTimeoutMs: 500 },
      revocation: { failOpen: true },
    });
    try {
      await backend.ready();
      const client = await dpopClient();
      const { app, probe } = buildApp({ backend });
      await server.kill();
      const down = await freshPair(client);
      const started = performance.now();
      const res = await request(app).get('/probe').set('Authorization', `DPoP ${down.token}`).set('DPoP', down.proof);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['www-authenticate']).toBeUndefined();
      expect(res.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(probe.handlerRan).toBe(false);
      await server.restart();
      const up = await freshPair(client);
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        const again = await makeProof(client, { accessToken: up.token, iat: nowSeconds() });
        status = (await request(app).get('/probe').set('Authorization', `DPoP ${up.token}`).set('DPoP', again)).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(status).toBe(200);
    } finally {
      await backend.close();
      // The store's own subscriber connection: the backend never closes a store it was given.
      await store.close();
      await open.close();
    }
  });
});
