import type express from 'express';
import request from 'supertest';
import { authenticated, JWTAuthenticationBackend } from '../../lib';
import { OAuth2PasswordBearer, type OAuth2PasswordBearerOptions } from '../../lib/oauth2';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildProbeApp, setCookieNamed, setCookiesOf } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, fixedClock, keys, NOW, pem, SECRET, signToken } from '../helpers/tokens';
import { oauth2Backend, payloadOf } from './token-apps';

const ALICE = { isAuthenticated: true, displayName: 'alice', identity: 'user-1' };
const ANONYMOUS = null;
const token = (overrides: Record<string, unknown> = {}): string => signToken(claims(overrides));

describe.each(EXPRESS_VERSIONS)('OAuth2PasswordBearer on %s', (_name, expressFactory) => {
  describe('when the token is in the Authorization header', () => {
    it('authenticates a valid bearer token', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: oauth2Backend() });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token()}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ALICE, scopes: ['authenticated', 'read'] });
      expect(probe.handlerRan).toBe(true);
    });

    it('refuses an expired token with 401 invalid_token and the bearer challenge', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: oauth2Backend() });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${token({ exp: NOW - 1 })}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'expired', challenge: invalidTokenChallenge('The access token has expired.') });
    });
  });

  describe('when the token is in a cookie', () => {
    it('ignores the cookie by default, so a guarded route answers 401', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: oauth2Backend(), guards: [authenticated()] });
      const res = await request(app).get('/probe').set('Cookie', `token=${token()}`);
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });

    it('reads the cookie with cookie: {}, after the header', async () => {
      const { app } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: {}, cookieName: 'session' }) });
      const res = await request(app).get('/probe').set('Cookie', `session=${token()}`);
      expect(res.body.user).toEqual(ALICE);
      const header = await request(app).get('/probe').set('Cookie', `session=${token()}`).set('Authorization', `Bearer ${token({ sub: 'user-2' })}`);
      expect(header.body.user.identity).toBe('user-2');
    });

    it('applies the same-origin check to cookie-authenticated POSTs with cookie: {}', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: {} }) });
      const res = await request(app).post('/probe').set('Cookie', `token=${token()}`).set('Origin', 'http://evil.example');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('cross_site_request');
      expect(probe.handlerRan).toBe(false);
    });

    it('stays anonymous without any credentials', async () => {
      const { app } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: {} }) });
      const res = await request(app).get('/probe');
      expect(res.body.user).toEqual(ANONYMOUS);
    });
  });

  describe('login()', () => {
    function loginApp(oauth2: OAuth2PasswordBearer, claimsOrSubject: string | Record<string, unknown>): express.Express {
      const app = expressFactory();
      app.post('/login', (_req, res) => {
        oauth2.backend.login(res, claimsOrSubject);
      });
      return app;
    }

    it('answers 201 with the OAuth2 token response, including the scope', async () => {
      const res = await request(loginApp(oauth2Backend(), { sub: 'user-1', scope: 'read admin' })).post('/login');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600, scope: 'read admin' });
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers.pragma).toBe('no-cache');
      expect(res.headers.authorization).toBe(`Bearer ${res.body.access_token}`);
      expect(setCookiesOf(res)).toEqual([]);
      expect(payloadOf(res.body.access_token)).toMatchObject({ sub: 'user-1', scope: 'read admin', iat: NOW, exp: NOW + 3600 });
    });

    it('leaves scope out when the token carries none', async () => {
      const res = await request(loginApp(oauth2Backend(), 'user-1')).post('/login');
      expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    });

    it('sets the HttpOnly cookie with cookie: {}', async () => {
      const res = await request(loginApp(oauth2Backend({ cookie: {}, secure: false }), 'user-1')).post('/login');
      const cookie = setCookieNamed(res, 'token');
      expect(cookie.value).toBe(res.body.access_token);
      expect(cookie.attributes).toMatchObject({ httponly: true, 'max-age': '3600', path: '/' });
    });

    it('sends a custom body and status as the parent backend does', async () => {
      const app = expressFactory();
      app.post('/login', (_req, res) => {
        oauth2Backend().backend.login(res, 'user-1', { status: 200, body: { ok: true }, expiresIn: 60 });
      });
      const res = await request(app).post('/login');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(payloadOf(String(res.headers.authorization).slice('Bearer '.length)).exp).toBe(NOW + 60);
    });

    it('throws a TypeError for a status that is not a success or redirection', () => {
      const res = { setHeader: jest.fn(), end: jest.fn() } as unknown as express.Response;
      expect(() => oauth2Backend().backend.login(res, 'user-1', { status: 500 })).toThrow(/200-399/);
      expect(res.end).not.toHaveBeenCalled();
    });
  });

  describe('logout()', () => {
    it('clears the cookie with cookie: {}', async () => {
      const app = expressFactory();
      app.post('/logout', (_req, res) => {
        oauth2Backend({ cookie: {} }).backend.logout(res);
        res.end();
      });
      const res = await request(app).post('/logout');
      expect(setCookieNamed(res, 'token').attributes['max-age']).toBe('0');
    });

    it('sets no cookie without cookie: {}', async () => {
      const app = expressFactory();
      app.post('/logout', (_req, res) => {
        oauth2Backend().backend.logout(res);
        res.end();
      });
      const res = await request(app).post('/logout');
      expect(setCookiesOf(res)).toEqual([]);
    });
  });
});

describe('OAuth2PasswordBearer construction', () => {
  const jwt = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock });
  const base = { tokenUrl: '/token' };

  it.each([
    ['without tokenUrl', {}, /"tokenUrl" is required/],
    ['with an empty tokenUrl', { ...base, tokenUrl: '' }, /"tokenUrl" is required/],
    ['with a tokenUrl holding a space', { ...base, tokenUrl: '/my token' }, /"tokenUrl" is required/],
    ['with a javascript: tokenUrl', { ...base, tokenUrl: 'javascript:alert(1)' }, /http\(s\) URL or a path/],
    ['with scopes as an array', { ...base, scopes: ['read'] }, /"scopes" must be an object/],
    ['with a scope name holding a space', { ...base, scopes: { 'read all': 'x' } }, /"scopes" must be an object/],
    ['with a scope description that is not text', { ...base, scopes: { read: 1 } }, /"scopes" must be an object/],
    ['with an unknown option', { ...base, token_url: '/token' }, /unknown option "token_url"/],
    ['with a JWT option, which belongs to the backend', { ...base, secretKey: 'x' }, /unknown option "secretKey"/],
  ])('throws a TypeError %s', (_case, options, message) => {
    const build = (): unknown => new OAuth2PasswordBearer(jwt, options as unknown as OAuth2PasswordBearerOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it.each([
    ['a backend with another prefix than Bearer', new JWTAuthenticationBackend({ secretKey: SECRET, prefix: 'JWT' })],
    ['a backend with another header than Authorization', new JWTAuthenticationBackend({ secretKey: SECRET, header: 'x-token' })],
    ['a backend reading the cookie only', new JWTAuthenticationBackend({ secretKey: SECRET, header: false, cookie: {} })],
  ])('throws a TypeError for %s (RFC 6750: Authorization: Bearer)', (_case, backend) => {
    expect(() => new OAuth2PasswordBearer(backend, base)).toThrow(/"Authorization: Bearer <token>" \(RFC 6750\)/);
  });

  it('throws a TypeError for something that is not a JWT backend', () => {
    expect(() => new OAuth2PasswordBearer({ authenticate: () => null } as unknown as JWTAuthenticationBackend, base)).toThrow(/must be a JWTAuthenticationBackend/);
  });

  it('reads the cookie of a backend that has one', () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, cookie: { name: '__Host-session', sameSite: 'strict', trustedOrigins: ['https://admin.example.com'] } });
    const oauth2 = new OAuth2PasswordBearer(backend, base);
    expect(oauth2.backend).toBe(backend);
    expect(oauth2.backend.cookieName).toBe('__Host-session');
  });

  it('accepts an absolute https tokenUrl and a lower-case bearer prefix', () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, prefix: 'bearer' });
    expect(new OAuth2PasswordBearer(backend, { tokenUrl: 'https://auth.example.com/oauth/token' }).tokenUrl).toBe('https://auth.example.com/oauth/token');
  });

  it('does not mutate its options object, and keeps a copy of the scopes', () => {
    const scopes = { read: 'Read' };
    const options = Object.freeze({ ...base, scopes: Object.freeze(scopes) });
    const oauth2 = new OAuth2PasswordBearer(jwt, options);
    expect(options).toEqual({ ...base, scopes: { read: 'Read' } });
    expect(oauth2.scopes).toEqual({ read: 'Read' });
    expect(oauth2.scopes).not.toBe(scopes);
    expect(Object.isFrozen(oauth2.scopes)).toBe(true);
  });

  it('describes itself as the OAuth2 password flow for OpenAPI', () => {
    const oauth2 = new OAuth2PasswordBearer(jwt, { ...base, scopes: { read: 'Read your data' } });
    expect(oauth2.openApiSecurityScheme()).toEqual({
      type: 'oauth2',
      description: expect.stringContaining('Authorization: Bearer'),
      flows: { password: { tokenUrl: '/token', scopes: { read: 'Read your data' } } },
    });
  });

  describe('tokenEndpoint()', () => {
    it.each([
      ['without options', undefined, /pass an options object/],
      ['without verifyCredentials', {}, /"verifyCredentials" is required/],
      ['with a verifyClient that is not a function', { verifyCredentials: (): null => null, verifyClient: 'x' }, /"verifyClient" must be a function/],
      ['with a maxBodyBytes of 0', { verifyCredentials: (): null => null, maxBodyBytes: 0 }, /"maxBodyBytes" must be a whole number/],
      ['with a fractional maxBodyBytes', { verifyCredentials: (): null => null, maxBodyBytes: 1.5 }, /"maxBodyBytes" must be a whole number/],
      ['with an unknown option', { verifyCredentials: (): null => null, limit: 10 }, /unknown option "limit"/],
    ])('throws a TypeError %s', (_case, options, message) => {
      const build = (): unknown => oauth2Backend().tokenEndpoint(options as never);
      expect(build).toThrow(TypeError);
      expect(build).toThrow(message);
    });

    it('throws a TypeError for a backend that verifies with a public key and cannot sign', () => {
      const backend = new OAuth2PasswordBearer(new JWTAuthenticationBackend({ secretKey: pem(keys.rsa.publicKey), algorithm: 'RS256' }), base);
      expect(() => backend.tokenEndpoint({ verifyCredentials: () => null })).toThrow(/cannot sign tokens/);
    });

    it('does not mutate its options object', () => {
      const options = Object.freeze({ verifyCredentials: (): null => null, maxBodyBytes: 100 });
      oauth2Backend().tokenEndpoint(options);
      expect(Object.keys(options)).toEqual(['verifyCredentials', 'maxBodyBytes']);
    });
  });
});
