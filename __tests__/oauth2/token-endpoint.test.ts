import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { NOW } from '../helpers/tokens';
import { buildTokenApp, expectOAuth2Error, form, oauth2Backend, payloadOf } from './token-apps';

const ALICE = { grant_type: 'password', username: 'alice', password: 'alice-password' };
const ADMIN = { grant_type: 'password', username: 'admin', password: 'admin-password' };

describe.each(EXPRESS_VERSIONS)('OAuth2 token endpoint on %s', (_name, expressFactory) => {
  describe('with a valid password grant', () => {
    it('answers 200 with the RFC 6749 §5.1 body and no-store, no-cache headers', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['set-cookie']).toBeUndefined();
      expect(res.headers.authorization).toBeUndefined();
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read' });
    });

    it('issues a token with the subject, the extra claims and the granted scope, which the backend accepts', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      const token = res.body.access_token as string;
      expect(payloadOf(token)).toEqual({ sub: 'user-alice', username: 'alice', scope: 'read', iat: NOW, exp: NOW + 3600, jti: expect.any(String) });
      const me = await request(app).get('/me').set('Authorization', `Bearer ${token}`);
      expect(me.body).toEqual({ identity: 'user-alice', scopes: ['authenticated', 'read'] });
      expect(probe.handlerRan).toBe(true);
    });

    it('sets no cookie even when the backend reads one', async () => {
      const { app } = buildTokenApp({ expressFactory, backend: oauth2Backend({ cookie: {} }) });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    it('accepts a JSON body with the same fields', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').send(ADMIN);
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('read admin');
    });

    it('passes the username, the password and the requested scopes to verifyCredentials', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      await request(app).post('/token').type('form').send(form({ ...ADMIN, scope: 'admin read admin' }));
      expect(probe.verifyCalls).toEqual([{ username: 'admin', password: 'admin-password', requestedScopes: ['admin', 'read'] }]);
    });

    it('decodes + and percent escapes in form values', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      await request(app).post('/token').type('form').send('grant_type=password&username=al%69ce&password=a+b%26c');
      expect(probe.verifyCalls[0]).toMatchObject({ username: 'alice', password: 'a b&c' });
    });

    it('ignores parameters it does not know (RFC 6749 §3.2)', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, foo: 'bar' }) + '&foo=baz');
      expect(res.status).toBe(200);
    });
  });

  describe('when granting scopes', () => {
    it('grants every allowed scope when the request names none', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form(ADMIN));
      expect(res.body.scope).toBe('read admin');
      expect(payloadOf(res.body.access_token).scope).toBe('read admin');
    });

    it('treats an empty scope parameter as omitted (RFC 6749 §3.1)', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ADMIN, scope: '' }));
      expect(res.body.scope).toBe('read admin');
    });

    it('grants the intersection of the requested and the allowed scopes', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ADMIN, scope: 'admin write' }));
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('admin');
      expect(payloadOf(res.body.access_token).scope).toBe('admin');
    });

    it('responds 400 invalid_scope when none of the requested scopes is allowed', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, scope: 'admin' }));
      expectOAuth2Error(res, probe, {
        status: 400,
        error: 'invalid_scope',
        description: 'None of the requested scopes can be granted to this user.',
      });
    });

    it('responds 400 invalid_scope to a malformed scope, before checking the password', async () => {
      const { app, probe } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ ...ALICE, scope: 'read "admin"' }));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_scope' });
      expect(probe.verifyCalls).toEqual([]);
    });

    it('issues a token without a scope claim or scope member to a user who may hold none', async () => {
      const { app } = buildTokenApp({ expressFactory });
      const res = await request(app).post('/token').type('form').send(form({ grant_type: 'password', username: 'nobody', password: 'nobody-password' }));
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
      expect(payloadOf(res.body.access_token)).not.toHaveProperty('scope');
    });

    it('writes the scopes to the backend\'s scopesClaim', async () => {
      const { app } = buildTokenApp({ expressFactory, backend: oauth2Backend({ scopesClaim: 'scp' }) });
      const res = await request(app).post('/token').type('form').send(form(ADMIN));
      expect(payloadOf(res.body.access_token)).toMatchObject({ scp: 'read admin' });
      const me = await request(app).get('/me').set('Authorization', `Bearer ${res.body.access_token}`);
      expect(me.body.scopes).toEqual(['authenticated', 'read', 'admin']);
    });
  });

  describe('when a body parser already ran', () => {
    it('uses what express.urlencoded() parsed', async () => {
      const { app } = buildTokenApp({ expressFactory, before: [expressFactory.urlencoded({ extended: false })] });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });

    it('uses what express.json() parsed', async () => {
      const { app } = buildTokenApp({ expressFactory, before: [expressFactory.json()] });
      const res = await request(app).post('/token').send(ALICE);
      expect(res.status).toBe(200);
    });

    it('reads a form body itself when express.json() skipped it', async () => {
      const { app } = buildTokenApp({ expressFactory, before: [expressFactory.json()] });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });

    it('parses the string that express.text() left', async () => {
      const { app } = buildTokenApp({ expressFactory, before: [expressFactory.text({ type: '*/*' })] });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });

    it('parses the Buffer that express.raw() left', async () => {
      const { app } = buildTokenApp({ expressFactory, before: [expressFactory.raw({ type: '*/*' })] });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });

    it('refuses an array that express.urlencoded() made of a repeated parameter', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, before: [expressFactory.urlencoded({ extended: false })] });
      const res = await request(app).post('/token').type('form').send(`${form(ALICE)}&password=other`);
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_request', description: 'A parameter is included more than once: "password".' });
      expect(probe.verifyCalls).toEqual([]);
    });
  });

  describe('when the application fails', () => {
    it('hands an error thrown by verifyCredentials to next(err)', async () => {
      const failure = new Error('database down');
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyCredentials: () => Promise.reject(failure) } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(500);
      expect(probe.appErrors).toEqual([failure]);
    });

    it('hands a revoked Proxy rejected by verifyCredentials to next(err) as an Error, instead of crashing on instanceof', async () => {
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyCredentials: () => Promise.reject(proxy) } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(500);
      expect(probe.appErrors).toHaveLength(1);
      expect(probe.appErrors[0]).toBeInstanceOf(Error);
    });

    it.each([
      ['an object without sub', { scopes: [] }, /"sub" must be a non-empty string/],
      ['scopes that are not an array', { sub: 'u', scopes: 'read' }, /"scopes" must be an array/],
      ['claims that set sub', { sub: 'u', scopes: [], claims: { sub: 'other' } }, /must not set "sub"/],
      ['claims that set the scope claim', { sub: 'u', scopes: [], claims: { scope: 'admin' } }, /must not set "scope"/],
      ['claims that set exp', { sub: 'u', scopes: [], claims: { exp: 1 } }, /"exp" is set by createToken/],
      ['a string', 'alice', /must return null or/],
    ])('hands a TypeError to next(err) when verifyCredentials returns %s', async (_case, answer, message) => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyCredentials: () => answer as never } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect(probe.appErrors).toHaveLength(1);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
      expect((probe.appErrors[0] as Error).message).toMatch(message);
    });

    it('treats undefined from verifyCredentials as bad credentials', async () => {
      const { app, probe } = buildTokenApp({ expressFactory, endpoint: { verifyCredentials: () => undefined } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expectOAuth2Error(res, probe, { status: 400, error: 'invalid_grant' });
    });

    it('accepts a synchronous verifyCredentials', async () => {
      const { app } = buildTokenApp({ expressFactory, endpoint: { verifyCredentials: () => ({ sub: 'u', scopes: ['read'] }) } });
      const res = await request(app).post('/token').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
    });
  });
});

describe('OAuth2 token endpoint on Node\'s http server, without Express', () => {
  async function withServer(verify: () => unknown, run: (url: string) => Promise<void>): Promise<void> {
    const endpoint = oauth2Backend().tokenEndpoint({ verifyCredentials: verify as never });
    const server = createServer((req, res) => endpoint(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it('issues a token', async () => {
    await withServer(() => ({ sub: 'u', scopes: ['read'] }), async (url) => {
      const res = await request(url).post('/').type('form').send(form(ALICE));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'read' });
    });
  });

  it('answers 500 server_error when verifyCredentials throws and there is no next', async () => {
    await withServer(() => Promise.reject(new Error('down')), async (url) => {
      const res = await request(url).post('/').type('form').send(form(ALICE));
      expect(res.status).toBe(500);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({ error: 'server_error' });
    });
  });
});

describe('OAuth2 token endpoint typing', () => {
  it('mounts on an Express router with post() as well as all()', () => {
    const router = express.Router();
    const endpoint = oauth2Backend().tokenEndpoint({ verifyCredentials: () => null });
    router.post('/token', endpoint);
    router.all('/token2', endpoint);
    expect(router.stack).toHaveLength(2);
  });
});
