import request from 'supertest';
import { createDemoApp } from '../../demo-app/app';
import { JWTAuthenticationBackend } from '../../lib';
import { fixedClock, NOW, SECRET } from '../helpers/tokens';

const app = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock: fixedClock, apiKey: 'test-api-key' });

async function login(username: string, password: string): Promise<request.Response> {
  return request(app).post('/login').send({ username, password });
}

async function tokenOf(username: string): Promise<string> {
  return (await login(username, `${username}-password`)).body.access_token as string;
}

describe('demo app', () => {
  describe('POST /login', () => {
    it('issues a bearer token to alice with her scopes', async () => {
      const res = await login('alice', 'alice-password');
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read' });
      const payload = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      expect(payload).toEqual({ sub: 'alice', username: 'alice', scope: 'read', auth_time: NOW, iat: NOW, exp: NOW + 3600, jti: expect.any(String), sid: expect.any(String) });
      expect(res.headers.authorization).toBe(`Bearer ${res.body.access_token}`);
    });

    it('answers a wrong password and an unknown user identically with 401', async () => {
      const wrong = await login('alice', 'nope');
      const unknown = await login('mallory', 'nope');
      expect(wrong.status).toBe(401);
      expect(wrong.headers['www-authenticate']).toBe('Bearer realm="api"');
      expect(wrong.body).toEqual({ error: 'invalid_credentials', detail: 'Unknown user or wrong password.' });
      expect(unknown.status).toBe(wrong.status);
      expect(unknown.body).toEqual(wrong.body);
    });

    it.each([
      ['a missing password', { username: 'alice' }],
      ['a password that is not a string', { username: 'alice', password: 7 }],
    ])('responds 400 to %s', async (_case, body) => {
      const res = await request(app).post('/login').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('responds 400 to a body that is not JSON', async () => {
      const res = await request(app).post('/login').set('Content-Type', 'application/json').send('{"username":');
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });

    it('responds 413 to a huge body', async () => {
      const res = await request(app).post('/login').send({ username: 'a'.repeat(10_000), password: 'x' });
      expect(res.status).toBe(413);
      expect(res.body.error).toBe('invalid_request');
    });

    it('logs in even with a stale token in the Authorization header, because /login is excluded', async () => {
      const res = await request(app).post('/login').set('Authorization', 'Bearer stale').send({ username: 'alice', password: 'alice-password' });
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
    });
  });

  describe('GET /', () => {
    it('answers an anonymous request with a null payload', async () => {
      const res = await request(app).get('/');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ payload: null });
    });

    it('answers an authenticated request with its payload', async () => {
      const res = await request(app).get('/').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(res.body.payload.sub).toBe('alice');
    });
  });

  describe('GET /me', () => {
    it('returns the user of the token', async () => {
      const res = await request(app).get('/me').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ username: 'alice', identity: 'alice', scopes: ['authenticated', 'read'] });
    });

    it('responds 401 with a bare challenge without a token', async () => {
      const res = await request(app).get('/me');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    });
  });

  describe('GET /account/security', () => {
    it('lets a user who signed in within 5 minutes in', async () => {
      const res = await request(app).get('/account/security').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(res.status).toBe(200);
      expect(res.body.message).toContain('alice');
    });

    it('asks a user who signed in longer ago to sign in again: 401 insufficient_user_authentication with max_age', async () => {
      const later = createDemoApp({ signing: { algorithm: 'HS256', secret: SECRET }, clock: () => (NOW + 301) * 1000, apiKey: 'test-api-key' });
      const res = await request(later).get('/account/security').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
      expect(res.headers['www-authenticate']).toContain('max_age="300"');
      expect(res.body).toMatchObject({ error: 'insufficient_user_authentication', reason: 'authentication_too_old', max_age: '300' });
    });
  });

  describe('GET /admin', () => {
    it('lets admin in', async () => {
      const res = await request(app).get('/admin').set('Authorization', `Bearer ${await tokenOf('admin')}`);
      expect(res.status).toBe(200);
      expect(res.body.message).toContain('admin');
    });

    it('responds 403 insufficient_scope to alice', async () => {
      const res = await request(app).get('/admin').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(res.status).toBe(403);
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
      expect(res.headers['www-authenticate']).toContain('scope="admin"');
    });
  });

  describe('POST /revoke', () => {
    it('revokes the token it is called with, which is then refused with reason revoked', async () => {
      const token = await tokenOf('alice');
      const revoke = await request(app).post('/revoke').set('Authorization', `Bearer ${token}`);
      expect(revoke.status).toBe(204);
      const after = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
      expect(after.status).toBe(401);
      expect(after.body.reason).toBe('revoked');
      const fresh = await request(app).get('/me').set('Authorization', `Bearer ${await tokenOf('alice')}`);
      expect(fresh.status).toBe(200);
    });
  });

  describe('user loading', () => {
    it('refuses a validly signed token for an account that does not exist with reason unknown_user', async () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock });
      const res = await request(app).get('/me').set('Authorization', `Bearer ${backend.createToken('mallory')}`);
      expect(res.status).toBe(401);
      expect(res.body.reason).toBe('unknown_user');
    });
  });

  describe('GET /service/status with the API-key backend', () => {
    it('lets the service account in with its key', async () => {
      const res = await request(app).get('/service/status').set('X-API-Key', 'test-api-key');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok', caller: 'service' });
    });

    it('refuses a wrong key with 401 and the ApiKey challenge', async () => {
      const res = await request(app).get('/service/status').set('X-API-Key', 'wrong');
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^ApiKey realm="api", error="invalid_token"/);
    });

    it('refuses a user token without the service scope with 403', async () => {
      const res = await request(app).get('/service/status').set('Authorization', `Bearer ${await tokenOf('admin')}`);
      expect(res.status).toBe(403);
    });
  });
});

