import request from 'supertest';
import { authenticationMiddleware, sameOriginOnly } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { cookieBackend, setCookiesOf } from '../helpers/cookies';

// A 403 cross_site_request carries no challenge: the credentials are not what is wrong.


describe.each(EXPRESS_VERSIONS)('sameOriginOnly() on a cookie login and logout, on %s', (_name, expressFactory) => {
  function loginApp(options: Parameters<typeof sameOriginOnly>[0] = {}) {
    const backend = cookieBackend({ secure: false });
    const ran = { login: false, logout: false };
    const app = expressFactory();
    app.use(authenticationMiddleware(backend, { exclude: ['/session', '/logout'] }));
    app.post('/session', sameOriginOnly(options), (_req, res) => {
      ran.login = true;
      backend.login(res, 'attacker-account');
    });
    app.post('/logout', sameOriginOnly(options), (_req, res) => {
      ran.logout = true;
      backend.logout(res);
      res.end();
    });
    return { app, ran };
  }

  it.each([
    ['Sec-Fetch-Site: cross-site', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'Sec-Fetch-Site': 'same-site' }],
    ['an Origin of another site', { Origin: 'https://evil.example' }],
  ])('refuses a login POST with %s (login CSRF): 403, no cookie set, the route never runs', async (_case, headers) => {
    const { app, ran } = loginApp();
    const res = await request(app).post('/session').set(headers);
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(res.body).toMatchObject({ status: 403, error: 'cross_site_request' });
    expect(setCookiesOf(res)).toEqual([]);
    expect(ran.login).toBe(false);
  });

  it('refuses a forced logout from another site', async () => {
    const { app, ran } = loginApp();
    const res = await request(app).post('/logout').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(403);
    expect(setCookiesOf(res)).toEqual([]);
    expect(ran.logout).toBe(false);
  });

  it('lets a same-origin login through, and one from a trusted origin', async () => {
    const { app, ran } = loginApp({ trustedOrigins: ['https://admin.example'] });
    const same = await request(app).post('/session').set('Sec-Fetch-Site', 'same-origin');
    expect(same.status).toBe(201);
    expect(ran.login).toBe(true);
    const trusted = await request(app).post('/session').set('Origin', 'https://admin.example').set('Sec-Fetch-Site', 'same-site');
    expect(trusted.status).toBe(201);
  });

  it('answers with the default rendering when no authenticationMiddleware runs before it', async () => {
    const app = expressFactory();
    app.post('/session', sameOriginOnly(), (_req, res) => res.end());
    const res = await request(app).post('/session').set('Sec-Fetch-Site', 'cross-site');
    expect(res.status).toBe(403);
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('compares with expectedOrigin behind a TLS-terminating proxy: http:// the same host is another origin', async () => {
    const { app, ran } = loginApp({ expectedOrigin: 'https://app.example' });
    const plain = await request(app).post('/session').set('Host', 'app.example').set('Origin', 'http://app.example');
    expect(plain.status).toBe(403);
    expect(ran.login).toBe(false);
    const tls = await request(app).post('/session').set('Host', 'app.example').set('Origin', 'https://app.example');
    expect(tls.status).toBe(201);
  });

  it('checks the cookie with the cookie option expectedOrigin', async () => {
    const backend = cookieBackend({ expectedOrigin: 'https://app.example' });
    const app = expressFactory();
    app.use(authenticationMiddleware(backend));
    app.post('/notes', (_req, res) => res.end());
    const token = backend.createToken('user-1');
    const plain = await request(app).post('/notes').set('Cookie', `token=${token}`).set('Host', 'app.example').set('Origin', 'http://app.example');
    expect(plain.status).toBe(403);
    const tls = await request(app).post('/notes').set('Cookie', `token=${token}`).set('Host', 'app.example').set('Origin', 'https://app.example');
    expect(tls.status).toBe(200);
  });

  it('throws a TypeError for bad options', () => {
    expect(() => sameOriginOnly({ expectedOrigin: 'https://a.example/' })).toThrow(/"expectedOrigin" must be an origin/);
    expect(() => cookieBackend({ expectedOrigin: 'app.example' })).toThrow(/"expectedOrigin" must be an origin/);
    expect(() => sameOriginOnly({ trustedOrigins: ['https://a.example/path'] })).toThrow(/"trustedOrigins" must be an array of origins/);
    expect(() => sameOriginOnly({ origins: [] } as never)).toThrow(/unknown option "origins"/);
  });
});
