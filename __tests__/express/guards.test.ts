import request from 'supertest';
import { anonymousAllowed, authenticated, requires } from '../../lib';
import { routeAccessOf } from '../../lib/express/route-access';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, signToken } from '../helpers/tokens';

const BARE_CHALLENGE = 'Bearer realm="api"';
const scopeChallenge = (scope: string): string =>
  `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="${scope}"`;
const bearer = (scope = 'read'): string => `Bearer ${signToken(claims({ scope }))}`;

describe.each(EXPRESS_VERSIONS)('route guards on %s', (_name, expressFactory) => {
  describe('authenticated()', () => {
    it('lets an authenticated request through', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated()] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 with a bare challenge to an anonymous request', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated()] });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: BARE_CHALLENGE });
    });

    it('uses the backend\'s scheme and realm in the bare challenge', async () => {
      const { app, probe } = buildApp({ expressFactory, backend: jwtBackend({ prefix: 'JWT', realm: 'shop' }), guards: [authenticated()] });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: 'JWT realm="shop"' });
    });

    it('redirects an anonymous request with 303 and ?next= when redirect is set', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ redirect: '/login' })] });
      const res = await request(app).get('/probe?tab=a&b=c');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent('/probe?tab=a&b=c')}`);
      expect(probe.handlerRan).toBe(false);
    });

    it('appends next with & when the redirect already has a query', async () => {
      const { app } = buildApp({ expressFactory, guards: [authenticated({ redirect: '/login?lang=en' })] });
      const res = await request(app).get('/probe');
      expect(res.headers.location).toBe('/login?lang=en&next=%2Fprobe');
    });

    it('responds 403 insufficient_scope when a required scope is missing', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ scopes: ['read', 'write'] })] });
      const res = await request(app).get('/probe').set('Authorization', bearer('read'));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', challenge: scopeChallenge('read write') });
      expect(res.body.scope).toBe('read write');
    });
  });

  describe('requires()', () => {
    it('lets a request holding every scope through', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [requires(['read', 'admin'])] });
      const res = await request(app).get('/probe').set('Authorization', bearer('read admin'));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 with a bare challenge to an anonymous request', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [requires('admin')] });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: BARE_CHALLENGE });
    });

    it('responds 403 with the required scope to an authenticated request that lacks it', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [requires('admin')] });
      const res = await request(app).get('/probe').set('Authorization', bearer('read'));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', challenge: scopeChallenge('admin') });
    });

    it('responds with statusCode instead of 403 when it is set', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [requires('admin', { statusCode: 404 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer('read'));
      expectRejection(res, probe, { status: 404, error: 'insufficient_scope', challenge: scopeChallenge('admin') });
    });

    it('accepts the authenticated scope, as Starlette does', async () => {
      const { app } = buildApp({ expressFactory, guards: [requires('authenticated')] });
      expect((await request(app).get('/probe').set('Authorization', bearer())).status).toBe(200);
      expect((await request(app).get('/probe')).status).toBe(401);
    });

    it('answers guard rejections through the middleware\'s onError', async () => {
      const { app, probe } = buildApp({
        expressFactory,
        guards: [requires('admin')],
        middleware: { onError: (err, _req, res) => { res.status(err.status).json({ custom: err.code }); } },
      });
      const res = await request(app).get('/probe').set('Authorization', bearer('read'));
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ custom: 'insufficient_scope' });
      expect(probe.handlerRan).toBe(false);
    });
  });

  describe('anonymousAllowed()', () => {
    it.each([
      ['an anonymous request', undefined],
      ['an authenticated request', bearer()],
    ])('lets %s through', async (_case, authorization) => {
      const { app, probe } = buildApp({ expressFactory, guards: [anonymousAllowed()] });
      const req = request(app).get('/probe');
      if (authorization !== undefined) req.set('Authorization', authorization);
      expect((await req).status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });
  });

  describe('when authenticationMiddleware is not installed', () => {
    it.each([
      ['authenticated', authenticated()],
      ['requires', requires('admin')],
      ['anonymousAllowed', anonymousAllowed()],
    ])('%s() fails loudly, telling to install the middleware', async (name, guard) => {
      const { app, probe } = buildApp({ expressFactory, install: false, guards: [guard] });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(500);
      expect(probe.handlerRan).toBe(false);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
      expect((probe.appErrors[0] as Error).message).toBe(
        `${name}() found no authentication: install app.use(authenticationMiddleware(backend)) before this route.`,
      );
    });
  });
});

interface RouterLayer {
  route?: { path: string; stack: { handle: unknown }[] };
}

describe.each(EXPRESS_VERSIONS)('route access metadata on %s', (name, expressFactory) => {
  it('tags each guard with the access it enforces, readable from the router', () => {
    const app = expressFactory();
    app.get('/public', anonymousAllowed(), (_req, res) => { res.end(); });
    app.get('/admin', requires(['admin']), (_req, res) => { res.end(); });
    app.get('/me', authenticated(), (_req, res) => { res.end(); });
    app.get('/open', (_req, res) => { res.end(); });
    // Express 5 exposes the router as app.router; Express 4 keeps it in app._router.
    const router = (name === 'Express 5' ? (app as unknown as { router: { stack: RouterLayer[] } }).router
      : (app as unknown as { _router: { stack: RouterLayer[] } })._router);
    const access = Object.fromEntries(router.stack.filter((layer) => layer.route !== undefined).map((layer) => {
      const route = layer.route as NonNullable<RouterLayer['route']>;
      return [route.path, route.stack.map((handler) => routeAccessOf(handler.handle)).find((found) => found !== undefined) ?? null];
    }));
    expect(access).toEqual({
      '/public': { kind: 'anonymous' },
      '/admin': { kind: 'authenticated', scopes: ['admin'] },
      '/me': { kind: 'authenticated', scopes: [] },
      '/open': null,
    });
  });

  it('reads the access of guard handlers directly', () => {
    expect(routeAccessOf(anonymousAllowed())).toEqual({ kind: 'anonymous' });
    expect(routeAccessOf(requires(['admin']))).toEqual({ kind: 'authenticated', scopes: ['admin'] });
    expect(routeAccessOf(authenticated())).toEqual({ kind: 'authenticated', scopes: [] });
    expect(routeAccessOf(() => undefined)).toBeUndefined();
  });
});

describe('guard construction', () => {
  it.each([
    ['requires() with no scopes', () => requires(undefined as never), /scope name or an array/],
    ['requires() with a scope holding a space', () => requires('read write'), /no spaces, quotes or backslashes/],
    ['requires() with a scope that is not ASCII', () => requires('écriture'), /RFC 6750 scope-tokens/],
    ['requires() with a scope holding a quote', () => requires('a"b'), /RFC 6750 scope-tokens/],
    ['authenticated() given a scope name instead of options', () => authenticated('admin' as never), /use requires\('admin'\)/],
    ['authenticated() with a redirect holding a line break', () => authenticated({ redirect: '/login\r\nX: 1' }), /visible ASCII/],
    ['requires() with a status that is not an error', () => requires('a', { statusCode: 200 }), /400-599/],
    ['authenticated() with an empty redirect', () => authenticated({ redirect: '' }), /"redirect" must be/],
    ['authenticated() with an unknown option', () => authenticated({ scope: 'a' } as never), /unknown option "scope"/],
  ])('throws a TypeError for %s', (_case, build, message) => {
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('does not mutate its options objects', () => {
    const options = Object.freeze({ scopes: Object.freeze(['a']), statusCode: 404 });
    authenticated(options);
    requires(options.scopes, Object.freeze({ statusCode: 404 }));
    expect(options).toEqual({ scopes: ['a'], statusCode: 404 });
  });
});
