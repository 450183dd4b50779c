import type express from 'express';
import request from 'supertest';
import { authenticated, JWTCookieAuthenticationBackend } from '../../lib';
import { OAuth2PasswordBearerBackend } from '../../lib/oauth2/oauth2-backend';
import type { OAuth2PasswordBearerBackendOptions } from '../../lib/oauth2/oauth2-backend-options';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildProbeApp, setCookieNamed, setCookiesOf } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, fixedClock, keys, NOW, pem, SECRET, signToken } from '../helpers/tokens';
import { oauth2Backend, payloadOf } from './token-apps';

const ALICE = { isAuthenticated: true, displayName: 'alice', identity: 'user-1' };
const ANONYMOUS = { isAuthenticated: false, displayName: '', identity: '' };
const token = (overrides: Record<string, unknown> = {}): string => signToken(claims(overrides));

describe.each(EXPRESS_VERSIONS)('OAuth2PasswordBearerBackend on %s', (_name, expressFactory) => {
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

    it('reads the cookie with cookie: true, after the header', async () => {
      const { app } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: true, cookieName: 'session' }) });
      const res = await request(app).get('/probe').set('Cookie', `session=${token()}`);
      expect(res.body.user).toEqual(ALICE);
      const header = await request(app).get('/probe').set('Cookie', `session=${token()}`).set('Authorization', `Bearer ${token({ sub: 'user-2' })}`);
      expect(header.body.user.identity).toBe('user-2');
    });

    it('applies the same-origin check to cookie-authenticated POSTs with cookie: true', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: true }) });
      const res = await request(app).post('/probe').set('Cookie', `token=${token()}`).set('Origin', 'http://evil.example');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('cross_site_request');
      expect(probe.handlerRan).toBe(false);
    });

    it('stays anonymous without any credentials', async () => {
      const { app } = buildProbeApp({ expressFactory, backend: oauth2Backend({ cookie: true }) });
      const res = await request(app).get('/probe');
      expect(res.body.user).toEqual(ANONYMOUS);
    });
  });

  describe('login()', () => {
    function loginApp(backend: OAuth2PasswordBearerBackend, claimsOrSubject: string | Record<string, unknown>): express.Express {
      const app = expressFactory();
      app.post('/login', (_req, res) => {
        backend.login(res, claimsOrSubject);
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

    it('sets the HttpOnly cookie with cookie: true', async () => {
      const res = await request(loginApp(oauth2Backend({ cookie: true, secure: false }), 'user-1')).post('/login');
      const cookie = setCookieNamed(res, 'token');
      expect(cookie.value).toBe(res.body.access_token);
      expect(cookie.attributes).toMatchObject({ httponly: true, 'max-age': '3600', path: '/' });
    });

    it('sends a custom body and status as the parent backend does', async () => {
      const app = expressFactory();
      app.post('/login', (_req, res) => {
        oauth2Backend().login(res, 'user-1', { status: 200, body: { ok: true }, expiresIn: 60 });
      });
      const res = await request(app).post('/login');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ok: true });
      expect(payloadOf(String(res.headers.authorization).slice('Bearer '.length)).exp).toBe(NOW + 60);
    });

    it('throws a TypeError for a status that is not a success or redirection', () => {
      const res = { setHeader: jest.fn(), end: jest.fn() } as unknown as express.Response;
      expect(() => oauth2Backend().login(res, 'user-1', { status: 500 })).toThrow(/200-399/);
      expect(res.end).not.toHaveBeenCalled();
    });
  });

  describe('logout()', () => {
    it('clears the cookie with cookie: true', async () => {
      const app = expressFactory();
      app.post('/logout', (_req, res) => {
        oauth2Backend({ cookie: true }).logout(res);
        res.end();
      });
      const res = await request(app).post('/logout');
      expect(setCookieNamed(res, 'token').attributes['max-age']).toBe('0');
    });

    it('sets no cookie without cookie: true', async () => {
      const app = expressFactory();
      app.post('/logout', (_req, res) => {
        oauth2Backend().logout(res);
        res.end();
      });
      const res = await request(app).post('/logout');
      expect(setCookiesOf(res)).toEqual([]);
    });
  });
});

describe('OAuth2PasswordBearerBackend construction', () => {
  const base = { secretKey: SECRET, clock: fixedClock, tokenUrl: '/token' };

  it.each([
    ['without tokenUrl', { secretKey: SECRET }, /"tokenUrl" is required/],
    ['with an empty tokenUrl', { ...base, tokenUrl: '' }, /"tokenUrl" is required/],
    ['with a tokenUrl holding a space', { ...base, tokenUrl: '/my token' }, /"tokenUrl" is required/],
    ['with a javascript: tokenUrl', { ...base, tokenUrl: 'javascript:alert(1)' }, /http\(s\) URL or a path/],
    ['with scopes as an array', { ...base, scopes: ['read'] }, /"scopes" must be an object/],
    ['with a scope name holding a space', { ...base, scopes: { 'read all': 'x' } }, /"scopes" must be an object/],
    ['with a scope description that is not text', { ...base, scopes: { read: 1 } }, /"scopes" must be an object/],
    ['with cookie that is not a boolean', { ...base, cookie: 'yes' }, /"cookie" must be true or false/],
    ['with a cookie option but no cookie: true', { ...base, cookieName: 'session' }, /"cookieName" is a cookie option; set cookie: true/],
    ['with another prefix than Bearer', { ...base, prefix: 'JWT' }, /"Bearer" scheme \(RFC 6750\)/],
    ['with another header than Authorization', { ...base, header: 'x-token' }, /Authorization header \(RFC 6750\)/],
    ['with an unknown option', { ...base, token_url: '/token' }, /unknown option "token_url"/],
    ['with a misspelt JWT option', { ...base, secret_key: 'x' }, /unknown option "secret_key"/],
  ])('throws a TypeError %s', (_case, options, message) => {
    const build = (): unknown => new OAuth2PasswordBearerBackend(options as unknown as OAuth2PasswordBearerBackendOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('accepts every cookie option with cookie: true, and is a cookie backend', () => {
    const backend = new OAuth2PasswordBearerBackend({
      ...base, cookie: true, cookieName: '__Host-session', secure: true, sameSite: 'strict', path: '/', trustedOrigins: ['https://admin.example.com'],
    });
    expect(backend).toBeInstanceOf(JWTCookieAuthenticationBackend);
    expect(backend.cookieEnabled).toBe(true);
    expect(backend.cookieName).toBe('__Host-session');
  });

  it('accepts an absolute https tokenUrl and a lower-case bearer prefix', () => {
    expect(new OAuth2PasswordBearerBackend({ ...base, tokenUrl: 'https://auth.example.com/oauth/token', prefix: 'bearer' }).tokenUrl)
      .toBe('https://auth.example.com/oauth/token');
  });

  it('does not mutate its options object, and keeps a copy of the scopes', () => {
    const scopes = { read: 'Read' };
    const options = Object.freeze({ ...base, scopes: Object.freeze(scopes), cookie: false });
    const backend = new OAuth2PasswordBearerBackend(options);
    expect(options).toEqual({ ...base, scopes: { read: 'Read' }, cookie: false });
    expect(backend.scopes).toEqual({ read: 'Read' });
    expect(backend.scopes).not.toBe(scopes);
    expect(Object.isFrozen(backend.scopes)).toBe(true);
  });

  it('describes itself as the OAuth2 password flow for OpenAPI', () => {
    const backend = new OAuth2PasswordBearerBackend({ ...base, scopes: { read: 'Read your data' } });
    expect(backend.openApiSecurityScheme()).toEqual({
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
      const backend = new OAuth2PasswordBearerBackend({ secretKey: pem(keys.rsa.publicKey), algorithm: 'RS256', tokenUrl: '/token' });
      expect(() => backend.tokenEndpoint({ verifyCredentials: () => null })).toThrow(/cannot sign tokens/);
    });

    it('does not mutate its options object', () => {
      const options = Object.freeze({ verifyCredentials: (): null => null, maxBodyBytes: 100 });
      oauth2Backend().tokenEndpoint(options);
      expect(Object.keys(options)).toEqual(['verifyCredentials', 'maxBodyBytes']);
    });
  });
});
