import { generateKeyPairSync } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { createDemoApp } from '../../demo-app/app';
import { authenticated, type AuthenticatedRequest, authenticationMiddleware, JWTAuthenticationBackend } from '../../lib';

async function listen(app: express.Express): Promise<{ server: Server; origin: string }> {
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** A second service that trusts the demo's tokens through the demo's published key set. */
function orderService(jwksUri: string): express.Express {
  const app = express();
  app.use(authenticationMiddleware(new JWTAuthenticationBackend({ jwksUri, algorithm: 'EdDSA' })));
  app.get('/orders', authenticated(), (req, res) => {
    res.json({ owner: (req as AuthenticatedRequest).user.identity, orders: [] });
  });
  return app;
}

describe('demo app in EdDSA mode', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  let demo: { server: Server; origin: string };

  beforeAll(async () => {
    demo = await listen(createDemoApp({ signing: { algorithm: 'EdDSA', privateKey }, apiKey: 'test-api-key' }));
  });

  afterAll(async () => {
    await new Promise((resolve) => demo.server.close(resolve));
  });

  async function login(): Promise<string> {
    const res = await request(demo.origin).post('/login').send({ username: 'alice', password: 'alice-password' });
    return res.body.access_token as string;
  }

  it('issues EdDSA tokens with the kid of its published key', async () => {
    const token = await login();
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as Record<string, unknown>;
    const jwks = await request(demo.origin).get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.headers['content-type']).toBe('application/jwk-set+json; charset=utf-8');
    expect(jwks.body.keys).toEqual([{ kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: header.kid, use: 'sig', alg: 'EdDSA' }]);
    expect(header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: expect.any(String) });
  });

  it('accepts its own tokens', async () => {
    const res = await request(demo.origin).get('/me').set('Authorization', `Bearer ${await login()}`);
    expect(res.status).toBe(200);
    expect(res.body.username).toBe('alice');
  });

  it('has its tokens verified by a second service through the JWKS over HTTP', async () => {
    const orders = await listen(orderService(`${demo.origin}/.well-known/jwks.json`));
    try {
      const token = await login();
      const res = await request(orders.origin).get('/orders').set('Authorization', `Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ owner: 'alice', orders: [] });
      const forged = `${token.slice(0, -4)}AAAA`;
      const refused = await request(orders.origin).get('/orders').set('Authorization', `Bearer ${forged}`);
      expect(refused.status).toBe(401);
      expect(refused.body.reason).toBe('bad_signature');
    } finally {
      await new Promise((resolve) => orders.server.close(resolve));
    }
  });

  it('does not publish a key set in HS256 mode', async () => {
    const app = createDemoApp({ signing: { algorithm: 'HS256', secret: 'x'.repeat(32) }, apiKey: 'k' });
    expect((await request(app).get('/.well-known/jwks.json')).status).toBe(404);
  });
});
