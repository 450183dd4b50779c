import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import WebSocket from 'ws';
import { createDemoApp, demoUpgrades } from '../../demo-app/app';
import { TOKEN_LIFETIME_SEC } from '../../demo-app/tokens';
import { closeServer } from '../helpers/local-server';
import { SECRET } from '../helpers/tokens';
import { attemptUpgrade, closeOf } from '../helpers/ws-servers';

// A token issued while this clock runs behind expires 1.5 s of real time later, once it is right again.
const EXPIRES_IN_MS = 1500;
let offsetMs = 0;
const settableClock = (): number => Date.now() + offsetMs;

async function startDemo(clock: () => number): Promise<{ origin: string; url: string; app: http.RequestListener; close: () => Promise<void> }> {
  const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock, apiKey: 'test-api-key' });
  const server = http.createServer(app);
  server.on('upgrade', demoUpgrades(app).upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}/ws`,
    app,
    close: async () => {
      await demoUpgrades(app).close();
      await closeServer(server);
    },
  };
}

async function sessionCookie(app: http.RequestListener): Promise<string> {
  const res = await request(app).post('/session').type('form').send({ username: 'alice', password: 'alice-password', next: '/profile' });
  return String((res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('token='))).split(';')[0];
}

describe('the demo\'s WebSocket at /ws', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  afterEach(async () => {
    await demo.close();
  });

  describe('with the real clock', () => {
    beforeEach(async () => {
      demo = await startDemo(Date.now);
    });

    it('answers an upgrade without credentials with 401 and WWW-Authenticate, before the upgrade', async () => {
      const attempt = await attemptUpgrade(demo.url);
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(401);
      expect(attempt.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(JSON.parse(attempt.body)).toMatchObject({ status: 401, error: 'not_authenticated' });
    });

    it('greets a bearer-token connection with a first message naming the user and scopes', async () => {
      const login = await request(demo.app).post('/login').send({ username: 'alice', password: 'alice-password' });
      const attempt = await attemptUpgrade(demo.url, { headers: { Authorization: `Bearer ${(login.body as { access_token: string }).access_token}` } });
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
      expect(attempt.greeting).toEqual({ type: 'hello', user: 'alice', scopes: ['authenticated', 'read'] });
      attempt.socket.terminate();
    });

    it('greets a session-cookie connection from its own origin', async () => {
      const attempt = await attemptUpgrade(demo.url, { headers: { Cookie: await sessionCookie(demo.app) }, origin: demo.origin });
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status} ${attempt.body}`);
      expect(attempt.greeting).toMatchObject({ type: 'hello', user: 'alice' });
      attempt.socket.terminate();
    });

    it('answers a session-cookie handshake from another origin with 403', async () => {
      const attempt = await attemptUpgrade(demo.url, { headers: { Cookie: await sessionCookie(demo.app) }, origin: 'http://127.0.0.2:8080' });
      if (attempt.kind !== 'refused') throw new Error('expected a refusal');
      expect(attempt.status).toBe(403);
      expect(JSON.parse(attempt.body)).toMatchObject({ status: 403, error: 'cross_site_request' });
    });

    it('closes a connection whose token is revoked through POST /revoke with 1008', async () => {
      const login = await request(demo.app).post('/login').send({ username: 'alice', password: 'alice-password' });
      const token = (login.body as { access_token: string }).access_token;
      const attempt = await attemptUpgrade(demo.url, { headers: { Authorization: `Bearer ${token}` } });
      if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status}`);
      const closing = closeOf(attempt.socket);
      expect((await request(demo.app).post('/revoke').set('Authorization', `Bearer ${token}`)).status).toBe(204);
      expect(await closing).toMatchObject({ code: 1008, reason: 'The access token has been revoked.' });
    });

    it('refuses upgrades to other paths', async () => {
      await expect(new Promise((resolve, reject) => {
        const socket = new WebSocket(demo.url.replace('/ws', '/elsewhere'));
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode));
        socket.once('open', () => reject(new Error('opened')));
        socket.once('error', reject);
      })).resolves.toBe(404);
    });
  });

  it('closes a connection with 1008 when its token expires', async () => {
    demo = await startDemo(settableClock);
    offsetMs = EXPIRES_IN_MS - TOKEN_LIFETIME_SEC * 1000;
    const login = await request(demo.app).post('/login').send({ username: 'alice', password: 'alice-password' });
    offsetMs = 0;
    const attempt = await attemptUpgrade(demo.url, { headers: { Authorization: `Bearer ${(login.body as { access_token: string }).access_token}` } });
    if (attempt.kind !== 'open') throw new Error(`refused: ${attempt.status}`);
    const opened = performance.now();
    const closed = await closeOf(attempt.socket);
    expect(closed).toMatchObject({ code: 1008, reason: 'The access token has expired.' });
    expect(closed.atMs - opened).toBeLessThan(EXPIRES_IN_MS + 1000);
  });
});
