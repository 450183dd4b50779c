import type express from 'express';
import { anonymousAllowed, authenticated, requires } from '../../lib';
import { readRoutes, type RouteRecord } from '../../lib/openapi/routes';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { ok, taggedMiddleware } from './openapi-helpers';

function byOperation(routes: readonly RouteRecord[]): Map<string, RouteRecord> {
  return new Map(routes.map((route) => [`${route.method.toUpperCase()} ${route.path}`, route]));
}

describe.each(EXPRESS_VERSIONS)('readRoutes on %s', (_name, expressFactory) => {
  const main = jwtBackend();
  const other = jwtBackend({ realm: 'v2' });

  function buildApp(): express.Express {
    const app = expressFactory();
    app.get('/before', ok);
    app.use(taggedMiddleware(main, { exclude: ['/login'] }));
    app.post('/login', ok);
    app.get('/me', authenticated(), ok);
    app.get('/admin', requires(['admin']), ok);
    app.get('/health', anonymousAllowed(), ok);
    app.route('/items').get(ok).post(requires('write'), ok);
    const api = expressFactory.Router();
    api.get('/users/:id', requires('read'), ok);
    api.use(requires('admin'));
    api.delete('/users/:id', ok);
    app.use('/api/:version', api);
    const area = expressFactory.Router();
    area.get('/stats', ok);
    app.use('/area', requires('area'), area);
    app.use('/v2', taggedMiddleware(other));
    app.get('/v2/thing', ok);
    app.get('/both', authenticated(), requires('x'), anonymousAllowed(), ok);
    app.get(/^\/regex$/, ok);
    app.use('/sub', expressFactory());
    return app;
  }

  it('finds each route with its full path as an OpenAPI template and its methods', () => {
    const operations = [...byOperation(readRoutes(buildApp()).routes).keys()];
    expect(operations).toEqual(expect.arrayContaining([
      'GET /before', 'POST /login', 'GET /me', 'HEAD /me', 'GET /items', 'POST /items',
      'GET /api/{version}/users/{id}', 'DELETE /api/{version}/users/{id}', 'GET /area/stats', 'GET /v2/thing',
    ]));
    expect(operations).not.toContain('DELETE /me');
  });

  it('reads what the guards on each route declare', () => {
    const routes = byOperation(readRoutes(buildApp()).routes);
    expect(routes.get('GET /me')?.access).toEqual({ kind: 'authenticated', scopes: [] });
    expect(routes.get('GET /admin')?.access).toEqual({ kind: 'authenticated', scopes: ['admin'] });
    expect(routes.get('GET /health')?.access).toEqual({ kind: 'anonymous' });
    expect(routes.get('POST /login')?.access).toBeUndefined();
  });

  it('tells the methods of one route apart', () => {
    const routes = byOperation(readRoutes(buildApp()).routes);
    expect(routes.get('GET /items')?.access).toBeUndefined();
    expect(routes.get('POST /items')?.access).toEqual({ kind: 'authenticated', scopes: ['write'] });
  });

  it('applies guards installed with use() to the routes after them, in nested routers too', () => {
    const routes = byOperation(readRoutes(buildApp()).routes);
    expect(routes.get('GET /api/{version}/users/{id}')?.access).toEqual({ kind: 'authenticated', scopes: ['read'] });
    expect(routes.get('DELETE /api/{version}/users/{id}')?.access).toEqual({ kind: 'authenticated', scopes: ['admin'] });
    expect(routes.get('GET /area/stats')?.access).toEqual({ kind: 'authenticated', scopes: ['area'] });
  });

  it('combines several guards: the strictest wins and scopes add up', () => {
    expect(byOperation(readRoutes(buildApp()).routes).get('GET /both')?.access).toEqual({ kind: 'authenticated', scopes: ['x'] });
  });

  it('knows which authentication middleware is in front of each route, if any', () => {
    const routes = byOperation(readRoutes(buildApp()).routes);
    expect(routes.get('GET /before')?.middleware).toBeUndefined();
    expect(routes.get('GET /me')?.middleware?.backends).toEqual([main]);
    expect(routes.get('GET /api/{version}/users/{id}')?.middleware?.backends).toEqual([main]);
    expect(routes.get('GET /v2/thing')?.middleware?.backends).toEqual([other]);
  });

  it('reports what it cannot read instead of guessing', () => {
    expect(readRoutes(buildApp()).skipped).toEqual([
      { path: '/', reason: 'a route at a RegExp path' },
      { path: '/', reason: 'a sub-application, whose router cannot be reached; mount an express.Router() instead' },
    ]);
  });

  it('reports a router mounted at a RegExp, and skips its routes', () => {
    const app = expressFactory();
    const router = expressFactory.Router();
    router.get('/x', ok);
    app.use(/^\/re/, router);
    const { routes, skipped } = readRoutes(app);
    expect(routes).toEqual([]);
    expect(skipped).toEqual([{ path: '/', reason: expect.stringMatching(/^a router mounted at a (RegExp path|path that is not a plain string)/) }]);
  });

  it('keeps what a nested router installs inside it', () => {
    const app = expressFactory();
    const inner = expressFactory.Router();
    inner.use(taggedMiddleware(main));
    inner.use(requires('inner'));
    inner.get('/in', ok);
    app.use('/nest', inner);
    app.get('/nest/out', ok);
    const routes = byOperation(readRoutes(app).routes);
    expect(routes.get('GET /nest/in')).toMatchObject({ access: { kind: 'authenticated', scopes: ['inner'] } });
    expect(routes.get('GET /nest/in')?.middleware).toBeDefined();
    expect(routes.get('GET /nest/out')).toMatchObject({ access: undefined, middleware: undefined });
  });

  it('reads a middleware installed on the route itself', () => {
    const app = expressFactory();
    app.get('/inline', taggedMiddleware(main), authenticated(), ok);
    expect(byOperation(readRoutes(app).routes).get('GET /inline')?.middleware?.backends).toEqual([main]);
  });

  it('gives HEAD the guards of GET, unless the route has HEAD handlers of its own', () => {
    const app = expressFactory();
    app.get('/a', requires('read'), ok);
    app.route('/b').get(requires('read'), ok).head(anonymousAllowed(), ok);
    const routes = byOperation(readRoutes(app).routes);
    expect(routes.get('HEAD /a')?.access).toEqual({ kind: 'authenticated', scopes: ['read'] });
    expect(routes.get('HEAD /b')?.access).toEqual({ kind: 'anonymous' });
  });

  it('reads routes registered with all() for every method', () => {
    const app = expressFactory();
    app.all('/any', ok);
    const methods = readRoutes(app).routes.map((route) => route.method).sort();
    expect(methods).toEqual(['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace']);
  });

  it('reads an application without routes', () => {
    expect(readRoutes(expressFactory())).toEqual({ routes: [], skipped: [] });
  });
});

describe('readRoutes', () => {
  it.each([
    ['a router', (): unknown => EXPRESS_VERSIONS[0][1].Router()],
    ['a plain function', (): unknown => () => undefined],
    ['undefined', (): unknown => undefined],
  ])('throws a TypeError for %s', (_case, make) => {
    expect(() => readRoutes(make() as express.Application)).toThrow(/must be an Express 4 or 5 application/);
  });
});
