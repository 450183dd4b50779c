import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { quantile, runScript, type ScriptProcess } from '../helpers/child-processes';
import { describeWithRedis, RedisServer } from '../helpers/redis-server';
import { claims, signToken } from '../helpers/tokens';

jest.setTimeout(120_000);

function tokenOf(sub: string): string {
  const now = Math.floor(Date.now() / 1000);
  return signToken(claims({ sub, jti: randomUUID(), iat: now, exp: now + 600 }));
}

function openSocket(origin: string, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${origin.replace('http', 'ws')}/ws`, { headers: { Authorization: `Bearer ${token}` } });
    socket.once('message', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function closeOf(socket: WebSocket): Promise<{ code: number; reason: string; atMs: number }> {
  return new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString(), atMs: performance.now() })));
}

describeWithRedis('WebSocket connections revoked across processes (real Redis)', () => {
  let server: RedisServer;
  const processes: ScriptProcess[] = [];
  let origins: string[];
  beforeAll(async () => {
    server = await RedisServer.start();
    const prefix = `ws-${randomUUID()}:`;
    const apps = [['node-redis', '5'], ['ioredis', '4']].map(([kind, version]) =>
      runScript('__tests__/ws/fixtures/ws-process.ts', [kind, server.url, version, prefix]));
    processes.push(...apps);
    origins = await Promise.all(apps.map(async (app) => `http://127.0.0.1:${(await app.waitFor(/listening (\d+)/))[1]}`));
  });
  afterAll(async () => {
    await Promise.all(processes.splice(0).map((child) => child.stop()));
    await server.stop();
  });

  it('closes with 1008 the socket held by one process when another revokes its token, within a second', async () => {
    const [revoker, holder] = origins;
    const delays: number[] = [];
    for (let round = 0; round < 10; round++) {
      const token = tokenOf(`user-${round}`);
      const socket = await openSocket(holder, token);
      const closing = closeOf(socket);
      const start = performance.now();
      const res = await fetch(`${revoker}/revoke`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
      expect(res.status).toBe(204);
      const closed = await closing;
      expect(closed).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
      delays.push(closed.atMs - start);
    }
    if (process.env.WS_REPORT_DELAYS === '1') console.log(`revocation to close across processes: p50 ${quantile(delays, 0.5).toFixed(1)} ms, max ${Math.max(...delays).toFixed(1)} ms`);
    expect(Math.max(...delays)).toBeLessThan(1000);
  });

  it('closes every socket of a subject revoked on another process, and no other subject\'s', async () => {
    const [revoker, holder] = origins;
    const sockets = await Promise.all([tokenOf('carol'), tokenOf('carol')].map((token) => openSocket(holder, token)));
    const bystander = await openSocket(holder, tokenOf('dave'));
    const closings = sockets.map(closeOf);
    // A token issued in the same second as the revocation is refused too (iat is in seconds).
    const res = await fetch(`${revoker}/revoke-subject`, { method: 'POST', headers: { Authorization: `Bearer ${tokenOf('carol')}` } });
    expect(res.status).toBe(204);
    for (const closed of await Promise.all(closings)) expect(closed).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bystander.readyState).toBe(WebSocket.OPEN);
    bystander.close();
  });
});
