import request from 'supertest';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildProbeApp, cookieBackend, parseSetCookie, setCookieNamed, setCookiesOf } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, fixedClock, NOW, SECRET, signToken } from '../helpers/tokens';

const MALFORMED = invalidTokenChallenge('The access token is malformed.');
const EXPIRED = invalidTokenChallenge('The access token has expired.');
const DUPLICATE =
  'Bearer realm="api", error="invalid_request", error_description="The request carries the authentication cookie more than once."';
const ALICE = { isAuthenticated: true, displayName: 'alice', identity: 'user-1' };
const ANONYMOUS = null;
const token = (overrides: Record<string, unknown> = {}): string => signToken(claims(overrides));

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with a cookie, on %s', (_name, expressFactory) => {
  describe('when the token is in a cookie', () => {
    it('authenticates a valid token in the default cookie "token"', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=${token()}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ALICE, scopes: ['authenticated', 'read'], payload: { sub: 'user-1' } });
      expect(probe.handlerRan).toBe(true);
    });

    it('reads the cookie named by cookie.name, and ignores the default name then', async () => {
      const { app } = buildProbeApp({ expressFactory, backend: cookieBackend({ cookieName: 'session' }) });
      const named = await request(app).get('/probe').set('Cookie', `session=${token()}`);
      expect(named.status).toBe(200);
      expect(named.body.user).toEqual(ALICE);
      const other = await request(app).get('/probe').set('Cookie', `token=${token()}`);
      expect(other.status).toBe(200);
      expect(other.body.user).toEqual(ANONYMOUS);
    });

    it('parses the Cookie header itself, without cookie-parser, among other cookies', async () => {
      const { app } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `theme=dark; token=${token()}; lang=en; tokenish=x`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
    });

    it('accepts a token wrapped in double quotes, as RFC 6265 allows', async () => {
      const { app } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token="${token()}"`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
    });

    it('treats a request without any Cookie header as anonymous', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ANONYMOUS, scopes: [], payload: null });
      expect(probe.handlerRan).toBe(true);
    });
  });

  describe('when the token is in both the Authorization header and the cookie', () => {
    it('uses the header token, not the cookie token', async () => {
      const { app } = buildProbeApp({ expressFactory });
      const res = await request(app)
        .get('/probe')
        .set('Authorization', `Bearer ${token({ sub: 'from-header', username: 'header-user' })}`)
        .set('Cookie', `token=${token({ sub: 'from-cookie', username: 'cookie-user' })}`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'header-user', identity: 'from-header' });
    });

    it('responds 401 to a bad header token even when the cookie holds a good one', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', 'Bearer not-a-jwt').set('Cookie', `token=${token()}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
    });

    it('responds 400 missing_token to "Authorization: Bearer" without a token even when the cookie holds one', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', 'Bearer').set('Cookie', `token=${token()}`);
      expectRejection(res, probe, {
        status: 400,
        error: 'invalid_request',
        reason: 'missing_token',
        challenge: 'Bearer realm="api", error="invalid_request", error_description="The Authorization header names the scheme but carries no token."',
      });
    });

    it('falls back to the cookie when the Authorization header uses another scheme', async () => {
      const { app } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Authorization', 'Basic dXNlcjpwYXNz').set('Cookie', `token=${token()}`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
    });
  });

  describe('when the cookie is bad', () => {
    it('responds 400 invalid_request with reason duplicate_cookie to a cookie sent twice', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=${token()}; token=${token({ sub: 'mallory' })}`);
      expectRejection(res, probe, { status: 400, error: 'invalid_request', reason: 'duplicate_cookie', challenge: DUPLICATE });
    });

    it('responds 400 duplicate_cookie when two Cookie headers each carry the cookie', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', [`token=${token()}`, `token=${token({ sub: 'mallory' })}`]);
      expectRejection(res, probe, { status: 400, error: 'invalid_request', reason: 'duplicate_cookie', challenge: DUPLICATE });
    });

    it('responds 400 duplicate_cookie even when the second copy is empty', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=${token()}; token=`);
      expectRejection(res, probe, { status: 400, error: 'invalid_request', reason: 'duplicate_cookie', challenge: DUPLICATE });
    });

    it('responds 401 malformed to a cookie holding "Bearer <token>" URL-encoded', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=Bearer%20${token()}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
    });

    it('responds 401 expired to an expired cookie token', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=${token({ iat: NOW - 7200, exp: NOW - 3600 })}`);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'expired', challenge: EXPIRED });
    });

    it('responds 401 malformed to a cookie value with invalid percent-encoding', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', 'token=%E0%A4%A');
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
    });

    it.each([
      ['separators and a bare equals sign', ';;;=;token'],
      ['the cookie name without "="', 'token'],
      ['an empty value', 'token='],
      ['an empty value among other cookies', 'theme=dark; token=; lang=en'],
      ['only whitespace', '   '],
    ])('treats a Cookie header of %s as anonymous', async (_case, cookie) => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', cookie);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ANONYMOUS);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 too_large to a 12 KiB cookie value, over maxTokenLength but under Node\'s header limit', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).get('/probe').set('Cookie', `token=${'a'.repeat(12 * 1024)}`);
      expectRejection(res, probe, {
        status: 401, error: 'invalid_token', reason: 'too_large',
        challenge: 'Bearer realm="api", error="invalid_token", error_description="The access token is longer than this server accepts."',
      });
    });

    it('answers a megabyte-long cookie with a 4xx, never a 5xx', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      // Node refuses headers past its 16 KiB default before Express sees the request: with 431
      // (Node 22), or by closing the connection while the client still sends (Node 24 and later).
      const status = await request(app).get('/probe').set('Cookie', `token=${'a'.repeat(1024 * 1024)}`)
        .then((res) => res.status, (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? 431 : Promise.reject(err)));
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      expect(probe.handlerRan).toBe(false);
      expect(probe.appErrors).toEqual([]);
    });
  });

  describe('login(res, ...)', () => {
    const loginApp = (backend = cookieBackend(), login: (res: Parameters<JWTAuthenticationBackend['login']>[0]) => void = (res) => {
      backend.login(res, 'alice');
    }) => buildProbeApp({
      expressFactory,
      backend,
      routes: (app) => app.post('/login', (_req, res) => { login(res); }),
    });

    it('responds 201 with no-store, the Authorization header, the token body and the cookie', async () => {
      const { app } = loginApp();
      const res = await request(app).post('/login');
      expect(res.status).toBe(201);
      expect(res.headers['cache-control']).toBe('no-store');
      const accessToken: unknown = res.body.access_token;
      expect(typeof accessToken).toBe('string');
      expect(res.body).toEqual({ access_token: accessToken, token_type: 'Bearer', expires_in: 3600 });
      expect(res.headers.authorization).toBe(`Bearer ${String(accessToken)}`);
      expect(setCookieNamed(res, 'token')).toEqual({
        name: 'token',
        value: accessToken,
        attributes: { 'max-age': '3600', path: '/', httponly: true, secure: true, samesite: 'Lax' },
      });
    });

    it('leaves Secure off the cookie when secure is false', async () => {
      const { app } = loginApp(cookieBackend({ secure: false }));
      const cookie = setCookieNamed(await request(app).post('/login'), 'token');
      expect(cookie.attributes).toEqual({ 'max-age': '3600', path: '/', httponly: true, samesite: 'Lax' });
    });

    it('writes SameSite=Strict, Domain and Path from the options', async () => {
      const { app } = loginApp(cookieBackend({ sameSite: 'strict', domain: 'app.example', path: '/app' }));
      const cookie = setCookieNamed(await request(app).post('/login'), 'token');
      expect(cookie.attributes).toEqual({
        'max-age': '3600', domain: 'app.example', path: '/app', httponly: true, secure: true, samesite: 'Strict',
      });
    });

    it('writes SameSite=None on a secure cookie when sameSite is none', async () => {
      const { app } = loginApp(cookieBackend({ sameSite: 'none' }));
      const cookie = setCookieNamed(await request(app).post('/login'), 'token');
      expect(cookie.attributes).toMatchObject({ secure: true, samesite: 'None' });
    });

    it('names the cookie after cookie.name', async () => {
      const { app } = loginApp(cookieBackend({ cookieName: 'session' }));
      const res = await request(app).post('/login');
      expect(setCookieNamed(res, 'session').value).toBe(res.body.access_token);
      expect(setCookiesOf(res)).toHaveLength(1);
    });

    it('makes Max-Age follow the backend expiresIn option', async () => {
      const { app } = loginApp(cookieBackend({ expiresIn: 600 }));
      const res = await request(app).post('/login');
      expect(res.body.expires_in).toBe(600);
      expect(setCookieNamed(res, 'token').attributes['max-age']).toBe('600');
    });

    it('makes Max-Age follow the expiresIn option of login', async () => {
      const backend = cookieBackend();
      const { app } = loginApp(backend, (res) => { backend.login(res, 'alice', { expiresIn: 900 }); });
      const res = await request(app).post('/login');
      expect(res.body.expires_in).toBe(900);
      expect(setCookieNamed(res, 'token').attributes['max-age']).toBe('900');
    });

    it('uses the status and body options of login, and still sets the cookie', async () => {
      const backend = cookieBackend();
      const { app } = loginApp(backend, (res) => {
        res.setHeader('Location', '/');
        backend.login(res, 'alice', { status: 303, body: { ok: true } });
      });
      const res = await request(app).post('/login').redirects(0);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
      expect(res.body).toEqual({ ok: true });
      expect(setCookieNamed(res, 'token').value).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    });

    it('keeps a Set-Cookie the app set earlier', async () => {
      const backend = cookieBackend();
      const { app } = buildProbeApp({
        expressFactory,
        backend,
        routes: (routes) => routes.post('/login', (_req, res) => {
          res.cookie('theme', 'dark');
          backend.login(res, 'alice');
        }),
      });
      const res = await request(app).post('/login');
      expect(setCookiesOf(res)).toHaveLength(2);
      expect(setCookieNamed(res, 'theme').value).toBe('dark');
      expect(setCookieNamed(res, 'token').value).toBe(res.body.access_token);
    });

    it('keeps a Set-Cookie the app set earlier as a plain string header', async () => {
      const backend = cookieBackend();
      const { app } = loginApp(backend, (res) => {
        res.setHeader('Set-Cookie', 'lang=en; Path=/');
        backend.login(res, 'alice');
      });
      const res = await request(app).post('/login');
      expect(setCookieNamed(res, 'lang').value).toBe('en');
      expect(setCookieNamed(res, 'token').value).toBe(res.body.access_token);
    });

    it('issues a cookie that authenticates a follow-up request', async () => {
      const { app } = loginApp();
      const login = await request(app).post('/login');
      const cookie = setCookieNamed(login, 'token');
      const res = await request(app).get('/probe').set('Cookie', `${cookie.name}=${cookie.value}`);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'alice' });
      expect(res.body.scopes).toEqual(['authenticated']);
    });
  });

  describe('logout(res)', () => {
    const logoutApp = (backend = cookieBackend()) => buildProbeApp({
      expressFactory,
      backend,
      routes: (app) => app.post('/logout', (_req, res) => {
        backend.logout(res);
        res.status(204).end();
      }),
    });

    it('clears the cookie with an empty value, Max-Age=0 and an Expires in 1970', async () => {
      const { app } = logoutApp();
      const res = await request(app).post('/logout');
      expect(res.status).toBe(204);
      expect(setCookieNamed(res, 'token')).toEqual({
        name: 'token',
        value: '',
        attributes: {
          'max-age': '0', path: '/', expires: 'Thu, 01 Jan 1970 00:00:00 GMT', httponly: true, secure: true, samesite: 'Lax',
        },
      });
    });

    it('clears the cookie with the name, domain and path it was set with', async () => {
      const { app } = logoutApp(cookieBackend({ cookieName: 'session', domain: 'app.example', path: '/app', secure: false }));
      const cookie = setCookieNamed(await request(app).post('/logout'), 'session');
      expect(cookie.value).toBe('');
      expect(cookie.attributes).toEqual({
        'max-age': '0', domain: 'app.example', path: '/app', expires: 'Thu, 01 Jan 1970 00:00:00 GMT', httponly: true, samesite: 'Lax',
      });
    });

    it('keeps a Set-Cookie the app set earlier', async () => {
      const backend = cookieBackend();
      const { app } = buildProbeApp({
        expressFactory,
        backend,
        routes: (routes) => routes.post('/logout', (_req, res) => {
          res.cookie('theme', 'dark');
          backend.logout(res);
          res.end();
        }),
      });
      const res = await request(app).post('/logout');
      expect(setCookiesOf(res).map((header) => parseSetCookie(header).name).sort()).toEqual(['theme', 'token']);
    });
  });
});

describe('JWTAuthenticationBackend construction with a cookie', () => {
  const base = { secretKey: SECRET, clock: fixedClock };
  const build = (cookie: Record<string, unknown>) => () =>
    new JWTAuthenticationBackend({ ...base, cookie } as JWTAuthenticationBackendOptions);

  it.each([
    ['a cookie name with a space', { name: 'a b' }, /"name" must be a cookie name/],
    ['a cookie name with "="', { name: 'a=b' }, /"name" must be a cookie name/],
    ['an empty cookie name', { name: '' }, /"name" must be a cookie name/],
    ['a cookie name that is not a string', { name: 42 }, /"name" must be a cookie name/],
    ['sameSite none with secure false', { sameSite: 'none', secure: false }, /sameSite 'none' requires secure cookies/],
    ['an unknown sameSite', { sameSite: 'always' }, /"sameSite" must be 'lax', 'strict' or 'none'/],
    ['a capitalised sameSite', { sameSite: 'Lax' }, /"sameSite" must be 'lax', 'strict' or 'none'/],
    ['a secure that is not a boolean', { secure: 'yes' }, /"secure" must be true or false/],
    ['an empty domain', { domain: '' }, /"domain" must be a non-empty string/],
    ['a path not starting with "/"', { path: 'app' }, /"path" must start with "\/"/],
    ['a trusted origin with a path', { trustedOrigins: ['https://a.example/admin'] }, /"trustedOrigins" must be an array of origins/],
    ['a trusted origin with a trailing slash', { trustedOrigins: ['https://a.example/'] }, /"trustedOrigins" must be an array of origins/],
    ['a trusted origin that is not a URL', { trustedOrigins: ['a.example'] }, /"trustedOrigins" must be an array of origins/],
    ['trustedOrigins given as one string', { trustedOrigins: 'https://a.example' }, /"trustedOrigins" must be an array of origins/],
    ['an unknown option', { cookieName: 'token' }, /unknown option "cookieName"/],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  // The style guide: configuration mistakes throw at construction, never a 500 at request time.
  // `cookie`'s serialize refuses these values, so login/logout would throw inside the route.
  it.each([
    ['a domain with a space', { domain: 'bad domain' }, /"domain"/],
    ['a domain carrying another attribute', { domain: 'app.example; Secure' }, /"domain"/],
    ['a path carrying another attribute', { path: '/app;HttpOnly' }, /"path"/],
  ])('throws a TypeError at construction, not at login, for %s', (_case, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  // RFC 6265bis §4.1.3: browsers drop a __Host- cookie unless Secure, Path=/ and no Domain, and a
  // __Secure- cookie unless Secure; like sameSite 'none' without secure, that is a silent failure.
  it.each([
    ['a __Host- cookie with a domain', { name: '__Host-token', domain: 'app.example' }],
    ['a __Host- cookie with a path other than "/"', { name: '__Host-token', path: '/app' }],
    ['a __Host- cookie that is not secure', { name: '__Host-token', secure: false }],
    ['a __Secure- cookie that is not secure', { name: '__Secure-token', secure: false }],
  ])('throws a TypeError for %s, which browsers would drop', (_case, options) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(/__(Host|Secure)-/);
  });

  it('accepts a __Host- cookie that is secure, on "/", without a domain', () => {
    expect(build({ name: '__Host-token' })).not.toThrow();
  });

  it('accepts sameSite none on a secure cookie and bare trusted origins with a port', () => {
    expect(build({ sameSite: 'none', trustedOrigins: ['https://a.example', 'http://127.0.0.1:8080'] })).not.toThrow();
  });

  it.each([
    ['true', true],
    ['a string', 'session'],
    ['null', null],
  ])('throws a TypeError for a cookie option that is %s, not an object', (_case, cookie) => {
    expect(() => new JWTAuthenticationBackend({ ...base, cookie } as unknown as JWTAuthenticationBackendOptions)).toThrow(/"cookie" must be an object/);
  });

  it('reads only the cookie with header: false, and refuses header: false without a cookie', async () => {
    const backend = new JWTAuthenticationBackend({ ...base, header: false, cookie: {} });
    const { app } = buildProbeApp({ backend });
    const fromHeader = await request(app).get('/probe').set('Authorization', `Bearer ${token()}`);
    expect(fromHeader.body.user).toBeNull();
    const fromCookie = await request(app).get('/probe').set('Cookie', `token=${token()}`);
    expect(fromCookie.body.user).toEqual(ALICE);
    expect(() => new JWTAuthenticationBackend({ ...base, header: false })).toThrow(/give "cookie" too/);
  });

  it('does not mutate its options object', () => {
    const cookie = Object.freeze({ name: 'session', sameSite: 'strict' as const, trustedOrigins: Object.freeze(['https://a.example']) });
    const options: JWTAuthenticationBackendOptions = Object.freeze({ ...base, cookie });
    const copy = { ...options, cookie: { ...cookie, trustedOrigins: [...cookie.trustedOrigins] } };
    const backend = new JWTAuthenticationBackend(options);
    expect(backend.cookieName).toBe('session');
    expect(options).toEqual(copy);
  });
});
