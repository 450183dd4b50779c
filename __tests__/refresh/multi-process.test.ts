import { randomUUID } from 'node:crypto';
import { runScript, type ScriptProcess } from '../helpers/child-processes';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { sleep, waitFor } from '../helpers/store-contract';

jest.setTimeout(120_000);

interface Pair {
  readonly access_token: string;
  readonly refresh_token: string;
}

async function post(origin: string, path: string, body: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function probe(origin: string, accessToken: string): Promise<number> {
  const res = await fetch(`${origin}/probe`, { headers: { Authorization: `Bearer ${accessToken}` } });
  await res.arrayBuffer();
  return res.status;
}

describeWithRedis('refresh tokens across three processes on one Redis', () => {
  let server: RedisServer;
  const processes: ScriptProcess[] = [];
  let origins: string[];

  beforeAll(async () => {
    server = await RedisServer.start();
    const prefix = `refresh-${randomUUID()}:`;
    // Two node-redis processes and one ioredis, with a one-second reuse interval.
    const apps = ['node-redis', 'ioredis', 'node-redis'].map((kind) => runScript('__tests__/refresh/fixtures/refresh-process.ts', [kind, server.url, prefix, '1']));
    processes.push(...apps);
    origins = await Promise.all(apps.map(async (app) => `http://127.0.0.1:${(await app.waitFor(/listening (\d+)/))[1]}`));
  });
  afterAll(async () => {
    await Promise.all(processes.splice(0).map((child) => child.stop()));
    await server.stop();
  });

  it('rotates on one process what another issued, and a reuse on a third ends the family on all three', async () => {
    const [a, b, c] = origins;
    const signIn = (await post(a, '/login', { sub: 'alice' })).body as unknown as Pair;
    const rotated = await post(b, '/refresh', { refresh_token: signIn.refresh_token });
    expect(rotated.status).toBe(200);
    const pair = rotated.body as unknown as Pair;
    for (const origin of origins) expect(await probe(origin, pair.access_token)).toBe(200);
    await sleep(1200);
    const reuse = await post(c, '/refresh', { refresh_token: signIn.refresh_token });
    expect(reuse).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The refresh token is invalid, expired or revoked.' } });
    // The newest refresh token is refused everywhere at once (it is checked in Redis)...
    for (const origin of origins) expect((await post(origin, '/refresh', { refresh_token: pair.refresh_token })).status).toBe(400);
    // ...and the family's access tokens as soon as the change feed has told each process.
    for (const origin of origins) {
      await waitFor(async () => (await probe(origin, pair.access_token)) === 401, 5000);
      expect(await probe(origin, signIn.access_token)).toBe(401);
    }
  });

  it('gives all nine concurrent refreshes of one token, three per process, the identical pair, over twenty rounds', async () => {
    for (let round = 0; round < 20; round++) {
      const signIn = (await post(origins[round % 3], '/login', { sub: `user-${round}` })).body as unknown as Pair;
      const answers = await Promise.all(origins.flatMap((origin) => [0, 1, 2].map(() => post(origin, '/refresh', { refresh_token: signIn.refresh_token }))));
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(answers[0].body);
      }
      // Exactly one rotation happened: its refresh token is the family's current one.
      const next = await post(origins[(round + 1) % 3], '/refresh', { refresh_token: (answers[0].body as unknown as Pair).refresh_token });
      expect(next.status).toBe(200);
    }
  });
});
