import type { Express } from 'express';
import request from 'supertest';
import { authenticated, authenticationMiddleware, JWTAuthenticationBackend, memoryStore, refreshHandler, sameOriginOnly } from '../../lib';
import { EXPRESS_VERSIONS, type Probe } from '../helpers/apps';
import { expectCrossSiteRejection, setCookieNamed } from '../helpers/cookies';
import { manualClock } from '../helpers/manual-clock';
import { probeStatus, refreshApp, refreshBackend, signIn } from '../helpers/refresh';
import { SECRET } from '../helpers/tokens';
import { failingStore } from './failing-store';

const backends: JWTAuthenticationBackend[] = [];
afterEach(async () => {
  for (const backend of backends.splice(0)) await backend.close();
});

function expectRefreshError(res: request.Response, status: number, error: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(Object.keys(res.body as object).sort()).toEqual(['error', 'error_description']);
  expect(res.body.error).toBe(error);
}

describe.each(EXPRESS_VERSIONS)('refreshHandler on a header backend, on %s', (_name, expressFactory) => {
  async function setup(): Promise<{ app: Express; backend: JWTAuthenticationBackend }> {
    const backend = refreshBackend(memoryStore(), manualClock().now);
    backends.push(backend);
    await backend.ready();
    return { app: refreshApp(backend, expressFactory).app, backend };
  }

  it('answers a JSON refresh_token with 200, the new pair and no-store', async () => {
    const { app } = await setup();
    const first = await signIn(app);
    const res = await request(app).post('/refresh').send({ refresh_token: first.refresh_token });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'read write', refresh_token: expect.any(String) });
    expect(await probeStatus(app, res.body.access_token as string)).toBe(200);
  });

  it('refuses an unknown token with 400 invalid_grant, a missing one with 400 invalid_request, never echoing the token', async () => {
    const { app } = await setup();
    const unknown = `${'Q'.repeat(22)}.${'Z'.repeat(43)}`;
    const res = await request(app).post('/refresh').send({ refresh_token: unknown });
    expectRefreshError(res, 400, 'invalid_grant');
    expect(res.text).not.toContain(unknown);
    expectRefreshError(await request(app).post('/refresh').send({}), 400, 'invalid_request');
    expectRefreshError(await request(app).post('/refresh').send({ refresh_token: ['a', 'b'] }), 400, 'invalid_request');
  });

  it('answers login() with 503 temporarily_unavailable and no refresh token while the store is away, and refuses the access token it returned', async () => {
    const clock = manualClock();
    const store = failingStore(memoryStore({ clock: clock.now }));
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: clock.now, store, refreshTokens: {} });
    backends.push(backend);
    await backend.ready();
    const returned: string[] = [];
    const app = expressFactory();
    app.use(authenticationMiddleware(backend, { exclude: ['/login'] }));
    app.post('/login', (_req, res) => { returned.push(backend.login(res, 'alice', { status: 200 })); });
    app.get('/probe', authenticated((_req, res) => { res.json({}); }));
    store.down = true;
    const res = await request(app).post('/login');
    expectRefreshError(res, 503, 'temporarily_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.text).not.toContain('refresh_token');
    expect(await probeStatus(app, returned[0])).toBe(401);
  });
});

describe.each(EXPRESS_VERSIONS)('refreshHandler on a cookie backend, on %s', (_name, expressFactory) => {
  function cookieApp(): { app: Express; probe: Probe } {
    const clock = manualClock();
    const backend = new JWTAuthenticationBackend({
      secretKey: SECRET, clock: clock.now, store: memoryStore({ clock: clock.now }), header: false, expiresIn: 900,
      cookie: { name: 'session' }, refreshTokens: { cookie: { path: '/auth' } },
    });
    backends.push(backend);
    const probe: Probe = { handlerRan: false, appErrors: [] };
    const app = expressFactory();
    app.use(authenticationMiddleware(backend, { exclude: ['/login', /^\/auth\//] }));
    app.post('/login', sameOriginOnly(), (_req, res) => { backend.login(res, { sub: 'alice', scope: 'read' }, { status: 200 }); });
    app.post('/auth/refresh', refreshHandler(backend));
    app.post('/auth/logout', sameOriginOnly(), async (req, res) => { await backend.logout(res, { req }); res.status(204).end(); });
    app.get('/probe', authenticated((_req, res) => { probe.handlerRan = true; res.json({}); }));
    return { app, probe };
  }

  async function login(app: Express): Promise<{ session: string; refresh: string }> {
    const res = await request(app).post('/login').set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(200);
    expect(res.body.refresh_token).toBeUndefined();
    const refresh = setCookieNamed(res, 'refresh_token');
    expect(refresh.attributes).toMatchObject({ path: '/auth', httponly: true, secure: true, samesite: 'Strict', 'max-age': '1209600' });
    return { session: setCookieNamed(res, 'session').value, refresh: refresh.value };
  }

  it('sets the refresh token in its own HttpOnly, Secure, SameSite=Strict cookie on the refresh path, and rotates both cookies', async () => {
    const { app } = cookieApp();
    const first = await login(app);
    const res = await request(app).post('/auth/refresh').set('Cookie', `refresh_token=${first.refresh}`).set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900, scope: 'read' });
    const refresh = setCookieNamed(res, 'refresh_token');
    expect(refresh.value).not.toBe(first.refresh);
    expect(refresh.attributes).toMatchObject({ path: '/auth', httponly: true, samesite: 'Strict' });
    const session = setCookieNamed(res, 'session').value;
    expect((await request(app).get('/probe').set('Cookie', `session=${session}`)).status).toBe(200);
  });

  it('refuses a refresh from another site with 403 cross_site_request, without rotating', async () => {
    const { app, probe } = cookieApp();
    const first = await login(app);
    const res = await request(app).post('/auth/refresh').set('Cookie', `refresh_token=${first.refresh}`).set('Origin', 'https://evil.example');
    expectCrossSiteRejection(res, probe);
    const same = await request(app).post('/auth/refresh').set('Cookie', `refresh_token=${first.refresh}`).set('Sec-Fetch-Site', 'same-origin');
    expect(same.status).toBe(200);
  });

  it('clears a refresh cookie that no longer works, with 400 invalid_grant', async () => {
    const { app } = cookieApp();
    const res = await request(app).post('/auth/refresh').set('Cookie', `refresh_token=${'Q'.repeat(22)}.${'Z'.repeat(43)}`).set('Sec-Fetch-Site', 'same-origin');
    expectRefreshError(res, 400, 'invalid_grant');
    expect(setCookieNamed(res, 'refresh_token').attributes).toMatchObject({ 'max-age': '0', path: '/auth' });
  });

  it('answers a refresh without the cookie with 400 invalid_request', async () => {
    const { app } = cookieApp();
    expectRefreshError(await request(app).post('/auth/refresh').set('Sec-Fetch-Site', 'same-origin'), 400, 'invalid_request');
  });

  it('ends the family on logout and clears both cookies', async () => {
    const { app } = cookieApp();
    const first = await login(app);
    const res = await request(app).post('/auth/logout').set('Cookie', `refresh_token=${first.refresh}; session=${first.session}`).set('Sec-Fetch-Site', 'same-origin');
    expect(res.status).toBe(204);
    expect(setCookieNamed(res, 'session').attributes['max-age']).toBe('0');
    expect(setCookieNamed(res, 'refresh_token').attributes['max-age']).toBe('0');
    const again = await request(app).post('/auth/refresh').set('Cookie', `refresh_token=${first.refresh}`).set('Sec-Fetch-Site', 'same-origin');
    expectRefreshError(again, 400, 'invalid_grant');
    expect((await request(app).get('/probe').set('Cookie', `session=${first.session}`)).status).toBe(401);
  });
});
