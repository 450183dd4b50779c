import express from 'express';
import express4 from 'express4';
import { mountPathsOf, type RouterLayer } from '../../lib/openapi/mount-paths';
import { ok } from './openapi-helpers';

// readRoutes reads Express router fields that are not public API. These tests pin each one on
// the installed Express 4 and 5, so an upgrade that moves one fails here, by name, first.

const middleware: express.RequestHandler = function someMiddleware(_req, _res, next) { next(); };

describe('Express 5 router internals that route reading relies on', () => {
  function app5(): { app: express.Express; stack: RouterLayer[] } {
    const app = express();
    app.use(middleware);
    app.get('/users/:id', ok);
    const router = express.Router();
    router.get('/x', ok);
    app.use('/api/:version', router);
    app.use(['/a', '/b'], router);
    app.use('/sub', express());
    return { app, stack: (app.router as unknown as { stack: RouterLayer[] }).stack };
  }

  it('exposes the router as app.router, with a stack of layers', () => {
    const { stack } = app5();
    expect(Array.isArray(stack)).toBe(true);
    expect(stack).toHaveLength(5);
  });

  it('keeps path, methods and per-method handlers on route layers', () => {
    const route = app5().stack[1].route as { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown; method: unknown }[] };
    expect(route.path).toBe('/users/:id');
    expect(route.methods.get).toBe(true);
    expect(route.stack[0]).toMatchObject({ handle: ok, method: 'get' });
  });

  it('marks a layer mounted at / with slash', () => {
    expect(app5().stack[0].slash).toBe(true);
    expect(mountPathsOf(app5().stack[0], 'express5')).toEqual({ templates: ['/'] });
  });

  it('keeps the mount path as rawPath, as the public listRoutes() reports it', () => {
    const { app, stack } = app5();
    const listed = (app.router as unknown as { listRoutes(): { path: unknown; router?: unknown }[] }).listRoutes();
    expect(listed.filter((entry) => entry.router !== undefined).map((entry) => entry.path)).toEqual(['/api/:version', '/a', '/b']);
    expect(stack[2].rawPath).toBe('/api/:version');
    expect(stack[3].rawPath).toEqual(['/a', '/b']);
    expect(mountPathsOf(stack[2], 'express5')).toEqual({ templates: ['/api/{version}'] });
    expect(mountPathsOf(stack[3], 'express5')).toEqual({ templates: ['/a', '/b'] });
  });

  it('keeps a nested router as a handle with its own stack', () => {
    expect(Array.isArray((app5().stack[2].handle as { stack?: unknown }).stack)).toBe(true);
  });

  it('wraps a sub-application in a function named mounted_app', () => {
    expect((app5().stack[4].handle as { name: string }).name).toBe('mounted_app');
  });

  it('says why a layer without rawPath (router before 2.3) cannot be read', () => {
    expect(mountPathsOf({ handle: ok, slash: false }, 'express5').reason).toMatch(/before 5\.3/);
  });
});

describe('Express 4 router internals that route reading relies on', () => {
  function app4(): { app: express.Express; stack: RouterLayer[] } {
    const app = express4();
    app.use(middleware);
    app.get('/users/:id', ok);
    const router = express4.Router();
    router.get('/x', ok);
    app.use('/api/:version/v1', router);
    app.use(['/a', '/b'], router);
    app.use('/sub', express4());
    app.use(/^\/re/, router);
    const internals = app as unknown as { lazyrouter: unknown; _router: { stack: RouterLayer[] } };
    expect(typeof internals.lazyrouter).toBe('function');
    // The first two layers are Express 4's own query parser and expressInit.
    return { app, stack: internals._router.stack.slice(2) };
  }

  it('keeps path, methods and per-method handlers on route layers', () => {
    const route = app4().stack[1].route as { path: unknown; methods: Record<string, boolean>; stack: { handle: unknown; method: unknown }[] };
    expect(route.path).toBe('/users/:id');
    expect(route.methods.get).toBe(true);
    expect(route.stack[0]).toMatchObject({ handle: ok, method: 'get' });
  });

  it('marks a layer mounted at / with regexp.fast_slash', () => {
    const [layer] = app4().stack;
    expect((layer.regexp as { fast_slash?: unknown }).fast_slash).toBe(true);
    expect(mountPathsOf(layer, 'express4')).toEqual({ templates: ['/'] });
  });

  it('compiles a mount path into the regexp and keys that are read back', () => {
    const layer = app4().stack[2];
    expect((layer.regexp as RegExp).source).toBe('^\\/api(?:\\/([^/]+?))\\/v1\\/?(?=\\/|$)');
    expect(layer.keys).toEqual([expect.objectContaining({ name: 'version' })]);
    expect(mountPathsOf(layer, 'express4')).toEqual({ templates: ['/api/{version}/v1'] });
  });

  it('joins an array of mount paths into alternatives', () => {
    expect(mountPathsOf(app4().stack[3], 'express4')).toEqual({ templates: ['/a', '/b'] });
  });

  it('wraps a sub-application in a function named mounted_app', () => {
    expect((app4().stack[4].handle as { name: string }).name).toBe('mounted_app');
  });

  it('says why a RegExp mount cannot be read', () => {
    expect(mountPathsOf(app4().stack[5], 'express4').reason).toMatch(/not a plain string/);
  });
});
