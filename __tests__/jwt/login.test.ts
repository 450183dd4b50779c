import request from 'supertest';
import { authenticated, type AuthenticatedRequest, authenticationMiddleware, type JWTAuthenticationBackend, type JWTUser } from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { cookieBackend, setCookiesOf } from '../helpers/cookies';

describe.each(EXPRESS_VERSIONS)('login() writes the token where the backend reads it, on %s', (_name, expressFactory) => {
  /** An app whose POST /login signs alice in, and whose GET /me is guarded by the same backend. */
  function appOf(backend: JWTAuthenticationBackend) {
    const app = expressFactory();
    app.use(authenticationMiddleware(backend, { exclude: ['/login'] }));
    app.post('/login', (_req, res) => {
      backend.login(res, { sub: 'user-1', username: 'alice', scope: 'read' });
    });
    app.get('/me', authenticated((req: AuthenticatedRequest<JWTUser>, res) => res.json({ identity: req.user.identity })));
    return app;
  }

  it('writes a custom header with the prefix, and the backend accepts that header back', async () => {
    const app = appOf(jwtBackend({ header: 'x-api-token', prefix: 'Token' }));
    const login = await request(app).post('/login');
    expect(login.status).toBe(201);
    expect(login.headers.authorization).toBeUndefined();
    expect(login.headers['x-api-token']).toBe(`Token ${login.body.access_token}`);
    expect(login.body).toEqual({ access_token: expect.any(String), token_type: 'Token', expires_in: 3600, scope: 'read' });
    const me = await request(app).get('/me').set('X-Api-Token', login.headers['x-api-token']);
    expect(me.body).toEqual({ identity: 'user-1' });
  });

  it('writes Authorization: Bearer by default, with no-store and no-cache', async () => {
    const login = await request(appOf(jwtBackend())).post('/login');
    expect(login.headers.authorization).toBe(`Bearer ${login.body.access_token}`);
    expect(login.headers['cache-control']).toBe('no-store');
    expect(login.headers.pragma).toBe('no-cache');
    expect(setCookiesOf(login)).toEqual([]);
  });

  it('writes the header and the cookie for a backend with a cookie, and only the cookie with header: false', async () => {
    const both = await request(appOf(cookieBackend({ secure: false }))).post('/login');
    expect(both.headers.authorization).toBe(`Bearer ${both.body.access_token}`);
    expect(setCookiesOf(both)).toHaveLength(1);
    const cookieOnly = appOf(cookieBackend({ secure: false, header: false }));
    const login = await request(cookieOnly).post('/login');
    expect(login.headers.authorization).toBeUndefined();
    const cookie = String(setCookiesOf(login)[0]).split(';')[0];
    expect((await request(cookieOnly).get('/me').set('Cookie', cookie)).body).toEqual({ identity: 'user-1' });
  });
});
