import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { authenticated } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { buildProbeApp, cookieBackend, expectCrossSiteRejection } from '../helpers/cookies';
import { claims, signToken } from '../helpers/tokens';

const ALICE = { isAuthenticated: true, displayName: 'alice', identity: 'user-1' };
const ANONYMOUS = null;
const cookie = (): string => `token=${signToken(claims())}`;
const STATE_CHANGING = [['POST', 'post'], ['PUT', 'put'], ['PATCH', 'patch'], ['DELETE', 'delete']] as const;

describe.each(EXPRESS_VERSIONS)('cross-site request protection of the cookie backend on %s', (_name, expressFactory) => {
  const guardedApp = (trustedOrigins?: readonly string[]) =>
    buildProbeApp({ expressFactory, backend: cookieBackend({ trustedOrigins }), guards: [authenticated()] });

  describe('when a cookie-authenticated request changes state', () => {
    it.each(STATE_CHANGING)('refuses a cross-site %s with 403 cross_site_request and no challenge', async (_method, method) => {
      const { app, probe } = guardedApp();
      const res = await request(app)[method]('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'cross-site');
      expectCrossSiteRejection(res, probe);
    });

    it('refuses a same-site POST from a sibling subdomain', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app).post('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'same-site');
      expectCrossSiteRejection(res, probe);
    });

    it.each(['same-origin', 'none'])('accepts a POST with Sec-Fetch-Site %s', async (site) => {
      const { app, probe } = guardedApp();
      const res = await request(app).post('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', site);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
      expect(probe.handlerRan).toBe(true);
    });

    it('trusts Sec-Fetch-Site over an Origin of another site', async () => {
      const { app } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Cookie', cookie())
        .set('Sec-Fetch-Site', 'same-origin')
        .set('Origin', 'http://evil.example');
      expect(res.status).toBe(200);
    });

    it('refuses a POST whose only Origin names another site', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app).post('/probe').set('Cookie', cookie()).set('Origin', 'http://evil.example');
      expectCrossSiteRejection(res, probe);
    });

    it('accepts a POST whose Origin matches an explicit Host header', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Host', 'app.example')
        .set('Origin', 'http://app.example')
        .set('Cookie', cookie());
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('accepts a POST whose Origin matches the Host header supertest sends (127.0.0.1 and the port)', async () => {
      const { app, probe } = guardedApp();
      const server = app.listen(0, '127.0.0.1');
      try {
        await new Promise<void>((resolve) => { server.once('listening', () => resolve()); });
        const { port } = server.address() as AddressInfo;
        const res = await request(server).post('/probe').set('Origin', `http://127.0.0.1:${port}`).set('Cookie', cookie());
        expect(res.status).toBe(200);
        expect(probe.handlerRan).toBe(true);
      } finally {
        await new Promise<void>((resolve) => { server.close(() => resolve()); });
      }
    });

    it('refuses a POST whose Origin has the Host name but another port', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Host', 'app.example')
        .set('Origin', 'http://app.example:8443')
        .set('Cookie', cookie());
      expectCrossSiteRejection(res, probe);
    });

    it('refuses a POST with Origin null (a sandboxed or privacy-sensitive context)', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app).post('/probe').set('Cookie', cookie()).set('Origin', 'null');
      expectCrossSiteRejection(res, probe);
    });

    it('accepts a POST with neither Sec-Fetch-Site nor Origin, as a non-browser client sends it', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app).post('/probe').set('Cookie', cookie());
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
      expect(probe.handlerRan).toBe(true);
    });

    it('accepts a cross-site POST from an origin listed in trustedOrigins', async () => {
      const { app, probe } = guardedApp(['https://admin.example']);
      const res = await request(app)
        .post('/probe')
        .set('Cookie', cookie())
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'https://admin.example');
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('refuses a cross-site POST from an origin that trustedOrigins does not list', async () => {
      const { app, probe } = guardedApp(['https://admin.example']);
      const res = await request(app)
        .post('/probe')
        .set('Cookie', cookie())
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'https://admin.example.evil.example');
      expectCrossSiteRejection(res, probe);
    });

    it('refuses a cross-site POST authenticated by the cookie while Authorization names another scheme', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Authorization', 'Basic dXNlcjpwYXNz')
        .set('Cookie', cookie())
        .set('Sec-Fetch-Site', 'cross-site');
      expectCrossSiteRejection(res, probe);
    });

    it('refuses a cross-site POST even on a route without a guard', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).post('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'cross-site');
      expectCrossSiteRejection(res, probe);
    });
  });

  describe('when the request does not change state', () => {
    it.each([['GET', 'get'], ['HEAD', 'head']] as const)('does not refuse a cross-site %s', async (_method, method) => {
      const { app, probe } = guardedApp();
      const res = await request(app)[method]('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'cross-site');
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('lets a cross-site OPTIONS through anonymously, since OPTIONS skips authentication by default', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).options('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'cross-site');
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ANONYMOUS);
      expect(probe.handlerRan).toBe(true);
    });

    it('authenticates a cross-site OPTIONS by its cookie when excludeMethods is empty', async () => {
      const { app, probe } = buildProbeApp({ expressFactory, middleware: { excludeMethods: [] }, guards: [authenticated()] });
      const res = await request(app).options('/probe').set('Cookie', cookie()).set('Sec-Fetch-Site', 'cross-site');
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
      expect(probe.handlerRan).toBe(true);
    });
  });

  describe('when the request is not authenticated by the cookie', () => {
    it('does not refuse a cross-site POST authenticated by the Authorization header', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Authorization', `Bearer ${signToken(claims())}`)
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Origin', 'http://evil.example');
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
      expect(probe.handlerRan).toBe(true);
    });

    it('does not refuse a cross-site POST authenticated by the header even when a cookie is sent too', async () => {
      const { app, probe } = guardedApp();
      const res = await request(app)
        .post('/probe')
        .set('Authorization', `Bearer ${signToken(claims())}`)
        .set('Cookie', cookie())
        .set('Sec-Fetch-Site', 'cross-site');
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('lets an anonymous cross-site POST reach an unguarded route', async () => {
      const { app, probe } = buildProbeApp({ expressFactory });
      const res = await request(app).post('/probe').set('Sec-Fetch-Site', 'cross-site').set('Cookie', 'theme=dark');
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ANONYMOUS);
      expect(probe.handlerRan).toBe(true);
    });
  });
});
