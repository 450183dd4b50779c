import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { JWTAuthenticationBackend, type RevocationOptions } from '../../lib';
import { redisStore } from '../../lib/redis';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { connectClient, type OpenClient, type RedisClientKind } from '../helpers/redis-clients';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { sleep, waitFor } from '../helpers/store-contract';
import { claims, SECRET, signToken } from '../helpers/tokens';

jest.setTimeout(120_000);

const STALENESS_MS = 300;

function freshToken(sub = 'user-1'): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken(claims({ sub, jti: randomUUID(), iat: now - 1, exp: now + 600 }));
}

interface Answer {
  readonly atMs: number;
  readonly token: 'revoked' | 'valid';
  readonly status: number;
}

describeWithRedis('revocation while Redis is killed and restarted', () => {
  let server: RedisServer;
  const clients: OpenClient[] = [];
  const backends: JWTAuthenticationBackend[] = [];
  const servers: LocalServer[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const item of servers.splice(0)) await item.close();
    for (const backend of backends.splice(0)) await backend.close();
    for (const client of clients.splice(0)) await client.close();
  });
  afterAll(async () => {
    await server.stop();
  });

  async function instance(kind: RedisClientKind, revocation: RevocationOptions = {}, prefix = 'outage:'): Promise<JWTAuthenticationBackend> {
    const client = await connectClient(kind, server.url);
    clients.push(client);
    const store = redisStore({ client: client.client, prefix });
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, store, revocation: { maxStalenessMs: STALENESS_MS, ...revocation } });
    backends.push(backend);
    const close = backend.close.bind(backend);
    backend.close = async () => { await close(); await store.close(); };
    await backend.ready();
    return backend;
  }

  describe.each([
    ['node-redis', EXPRESS_VERSIONS[0]],
    ['ioredis', EXPRESS_VERSIONS[1]],
  ] as const)('with %s (%s)', (kind, [, expressFactory]) => {
    it('fails closed with 503 once the local copy is older than maxStalenessMs, never accepts a revoked token, and loses no revocation', async () => {
      const revoker = await instance(kind);
      const checker = await instance(kind);
      const lenient = await instance(kind, { failOpen: true });
      const revokedBefore = freshToken();
      const valid = freshToken('user-2');
      const revokedDuring = freshToken('user-3');
      await revoker.revoke(revokedBefore);
      const checked = buildApp({ expressFactory, backend: checker });
      const live = await listenLocally(checked.app);
      servers.push(live);
      await waitFor(async () => (await request(checked.app).get('/probe').set('Authorization', `Bearer ${revokedBefore}`)).status === 401, 2000);

      // Load: both tokens, every few milliseconds, all through the outage.
      const answers: Answer[] = [];
      let loading = true;
      const load = (async () => {
        while (loading) {
          for (const [label, token] of [['revoked', revokedBefore], ['valid', valid]] as const) {
            const res = await fetch(`${live.origin}/probe`, { headers: { Authorization: `Bearer ${token}` } });
            await res.arrayBuffer();
            answers.push({ atMs: performance.now(), token: label, status: res.status });
          }
          await sleep(5);
        }
      })();

      await sleep(100);
      const killedAt = performance.now();
      await server.kill();
      // The store is away: the revoker refuses the token at once and says the write failed (or,
      // with a client that queues commands offline, waits); either way the revocation reaches
      // Redis once it is back.
      const duringOutage = revoker.revoke(revokedDuring).then(() => 'stored', () => 'retried later');
      await sleep(STALENESS_MS + 500);

      const closed = buildApp({ expressFactory, backend: checker });
      const refused = await request(closed.app).get('/probe').set('Authorization', `Bearer ${valid}`);
      expect(refused.status).toBe(503);
      expect(refused.headers['retry-after']).toBe('5');
      expect(refused.headers['www-authenticate']).toBeUndefined();
      expect(refused.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(refused.body).toMatchObject({ status: 503, error: 'temporarily_unavailable' });
      expect(closed.probe.handlerRan).toBe(false);

      const open = buildApp({ expressFactory, backend: lenient });
      expect((await request(open.app).get('/probe').set('Authorization', `Bearer ${valid}`)).status).toBe(200);
      const openRevoked = await request(open.app).get('/probe').set('Authorization', `Bearer ${revokedBefore}`);
      expect(openRevoked.status).toBe(401);
      expect(openRevoked.body.reason).toBe('revoked');

      await server.restart();
      await expect(duringOutage).resolves.toMatch(/stored|retried later/);
      await waitFor(async () => (await request(checked.app).get('/probe').set('Authorization', `Bearer ${valid}`)).status === 200, 15_000);
      await waitFor(async () => (await request(checked.app).get('/probe').set('Authorization', `Bearer ${revokedDuring}`)).status === 401, 5000);
      loading = false;
      await load;

      // Never a silent accept of the revoked token, never anything but 200, 401 and 503.
      expect(answers.filter((answer) => answer.token === 'revoked' && answer.status !== 401 && answer.status !== 503)).toEqual([]);
      expect(answers.filter((answer) => ![200, 401, 503].includes(answer.status))).toEqual([]);
      const first503 = answers.find((answer) => answer.status === 503);
      expect(first503).toBeDefined();
      expect((first503?.atMs ?? 0) - killedAt).toBeGreaterThanOrEqual(STALENESS_MS - 5);
      expect(answers.filter((answer) => answer.token === 'valid' && answer.atMs < killedAt).every((answer) => answer.status === 200)).toBe(true);

      // An instance started after the restart has every revocation, from Redis's append-only file.
      const newcomer = await instance(kind);
      for (const token of [revokedBefore, revokedDuring]) {
        const fresh = buildApp({ expressFactory, backend: newcomer });
        const res = await request(fresh.app).get('/probe').set('Authorization', `Bearer ${token}`);
        expect(res.status).toBe(401);
        expect(res.body.reason).toBe('revoked');
      }
    });
  });

  it('keeps a revocation in Redis exactly as long as the token lives', async () => {
    const backend = await instance('node-redis', {}, 'expiry:');
    const inspect = await connectClient('ioredis', server.url);
    clients.push(inspect);
    const now = Math.floor(Date.now() / 1000);
    const token = signToken(claims({ jti: randomUUID(), iat: now - 1, exp: now + 2 }));
    await backend.revoke(token);
    const redis = inspect.client as { call(...args: string[]): Promise<unknown> };
    const [key] = (await redis.call('KEYS', 'expiry:revoked:jti:*')) as string[];
    const ttlMs = Number(await redis.call('PTTL', key));
    expect(ttlMs).toBeGreaterThan(1000);
    expect(ttlMs).toBeLessThanOrEqual(4000);
    await waitFor(async () => (await redis.call('EXISTS', key)) === 0, 6000);
  });
});
