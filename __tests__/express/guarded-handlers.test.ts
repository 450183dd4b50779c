import type { ErrorRequestHandler, Express } from 'express';
import request from 'supertest';
import {
  anonymousAllowed, authenticated, type AuthenticatedRequest, AuthCredentials, authenticationMiddleware, type IdentifiedRequest,
  type JWTUser, requires, UnauthenticatedUser,
} from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend, type Probe } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, signToken } from '../helpers/tokens';

const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;

describe.each(EXPRESS_VERSIONS)('guards given the route handler, on %s', (_name, expressFactory) => {
  function appWith(route: (app: Express, probe: Probe) => void): { app: Express; probe: Probe } {
    const probe: Probe = { handlerRan: false, appErrors: [] };
    const app = expressFactory();
    app.use(authenticationMiddleware(jwtBackend()));
    route(app, probe);
    const onError: ErrorRequestHandler = (err, _req, res, _next) => {
      probe.appErrors.push(err);
      res.status(500).json({ error: 'application_error' });
    };
    app.use(onError);
    return { app, probe };
  }

  it('calls the handler of authenticated() with the user and credentials of an authenticated request', async () => {
    const { app, probe } = appWith((app, probe) => {
      app.get('/me', authenticated((req: AuthenticatedRequest<JWTUser>, res) => {
        probe.handlerRan = true;
        res.json({ identity: req.user.identity, name: req.user.displayName, scopes: req.auth.scopes });
      }));
    });
    const res = await request(app).get('/me').set('Authorization', bearer());
    expect(res.body).toEqual({ identity: 'user-1', name: 'alice', scopes: ['authenticated', 'read'] });
    expect(probe.handlerRan).toBe(true);
  });

  it('refuses an anonymous request with 401 before the handler of authenticated() runs', async () => {
    const { app, probe } = appWith((app, probe) => {
      app.get('/me', authenticated(() => {
        probe.handlerRan = true;
      }));
    });
    expectRejection(await request(app).get('/me'), probe, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
  });

  it('refuses a request lacking a scope with 403 before the handler of requires() runs, with options too', async () => {
    const { app, probe } = appWith((app, probe) => {
      app.get('/admin', requires('admin', { statusCode: 403 }, () => {
        probe.handlerRan = true;
      }));
    });
    const res = await request(app).get('/admin').set('Authorization', bearer());
    expectRejection(res, probe, { status: 403, error: 'insufficient_scope', challenge: 'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="admin"' });
  });

  it('hands a rejection of an async handler to next(err), on Express 4 as on Express 5', async () => {
    const failure = new Error('database down');
    const { app, probe } = appWith((app) => {
      app.get('/me', authenticated(async () => {
        await Promise.resolve();
        throw failure;
      }));
    });
    const res = await request(app).get('/me').set('Authorization', bearer());
    expect(res.status).toBe(500);
    expect(probe.appErrors).toEqual([failure]);
  });

  it('calls the handler of anonymousAllowed() for anonymous and authenticated requests, with req.auth always set', async () => {
    const { app } = appWith((app) => {
      app.get('/', anonymousAllowed((req: IdentifiedRequest<JWTUser>, res) => {
        res.json({ authenticated: req.auth.isAuthenticated, user: req.user?.identity ?? null });
      }));
    });
    expect((await request(app).get('/')).body).toEqual({ authenticated: false, user: null });
    expect((await request(app).get('/').set('Authorization', bearer())).body).toEqual({ authenticated: true, user: 'user-1' });
  });

  it('throws a TypeError at construction for a handler that is not a function', () => {
    expect(() => authenticated({}, 'x' as never)).toThrow(/route handler must be a function/);
    expect(() => requires('a', {}, 42 as never)).toThrow(/route handler must be a function/);
    expect(() => anonymousAllowed('x' as never)).toThrow(/route handler must be a function/);
  });
});

describe.each(EXPRESS_VERSIONS)('CORS preflights and the guards, on %s', (_name, expressFactory) => {
  it('lets an OPTIONS request through an app-wide authenticated(), to whatever answers it', async () => {
    const probe: Probe = { handlerRan: false, appErrors: [] };
    const wide = expressFactory();
    wide.use(authenticationMiddleware(jwtBackend()));
    wide.use(authenticated());
    wide.options('/probe', (_req, res) => {
      probe.handlerRan = true;
      res.set('Access-Control-Allow-Origin', 'https://app.example').sendStatus(204);
    });
    wide.get('/probe', (_req, res) => res.send('secret'));
    const preflight = await request(wide).options('/probe').set('Origin', 'https://app.example').set('Access-Control-Request-Method', 'GET');
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(probe.handlerRan).toBe(true);
    const get = await request(wide).get('/probe');
    expect(get.status).toBe(401);
  });

  it('lets an OPTIONS request past a guard used as plain middleware, but never into the handlers after it on that route', async () => {
    const app = expressFactory();
    let handlerRan = false;
    app.use(authenticationMiddleware(jwtBackend()));
    app.all('/thing', authenticated(), (_req, res) => {
      handlerRan = true;
      res.send('secret');
    });
    const res = await request(app).options('/thing');
    // Nothing else answers OPTIONS here (no cors()), so Express's final 404; never the handler.
    expect(res.status).toBe(404);
    expect(res.text).not.toBe('secret');
    expect(handlerRan).toBe(false);
  });

  it('lets an OPTIONS request through a per-route guard, but never into the handler it guards', async () => {
    const app = expressFactory();
    let guardedRan = false;
    app.use(authenticationMiddleware(jwtBackend()));
    app.all('/thing', authenticated(() => {
      guardedRan = true;
    }));
    const res = await request(app).options('/thing');
    expect(res.status).toBeLessThan(500);
    expect(res.status).not.toBe(401);
    expect(guardedRan).toBe(false);
  });

  it('guards OPTIONS like any method when excludeMethods is empty', async () => {
    const app = expressFactory();
    let preflightRan = false;
    app.use(authenticationMiddleware(jwtBackend(), { excludeMethods: [] }));
    app.use(authenticated());
    app.options('/probe', (_req, res) => {
      preflightRan = true;
      res.sendStatus(204);
    });
    const res = await request(app).options('/probe');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="api"');
    expect(preflightRan).toBe(false);
  });
});

describe.each(EXPRESS_VERSIONS)('req.user and req.auth, on %s', (_name, expressFactory) => {
  it('leaves req.user undefined and sets the shared anonymous credentials for an anonymous request', async () => {
    const app = expressFactory();
    let seen: unknown[] = [];
    app.use(authenticationMiddleware(jwtBackend()));
    app.get('/', (req, res) => {
      seen = [req.user, req.auth, Object.hasOwn(req, 'user') || Object.hasOwn(req, 'auth')];
      res.end();
    });
    await request(app).get('/');
    expect(seen).toEqual([undefined, AuthCredentials.anonymous, false]);
    expect(AuthCredentials.anonymous.isAuthenticated).toBe(false);
    expect(Object.isFrozen(AuthCredentials.anonymous)).toBe(true);
  });

  it('sets the anonymousUser option as req.user of an anonymous request, and never over a user set earlier', async () => {
    const placeholder = new UnauthenticatedUser();
    const earlier = { id: 'set-by-an-earlier-middleware' };
    const app = expressFactory();
    app.use((req, _res, next) => {
      if (req.headers['x-earlier'] !== undefined) req.user = earlier;
      next();
    });
    app.use(authenticationMiddleware(jwtBackend(), { anonymousUser: placeholder }));
    app.get('/', (req, res) => res.json({ placeholder: req.user === placeholder, earlier: req.user === earlier }));
    expect((await request(app).get('/')).body).toEqual({ placeholder: true, earlier: false });
    expect((await request(app).get('/').set('x-earlier', '1')).body).toEqual({ placeholder: false, earlier: true });
  });

  it('replaces the anonymousUser placeholder with the authenticated user', async () => {
    const app = expressFactory();
    app.use(authenticationMiddleware(jwtBackend(), { anonymousUser: new UnauthenticatedUser() }));
    app.get('/', authenticated((req: AuthenticatedRequest<JWTUser>, res) => res.json({ identity: req.user.identity })));
    expect((await request(app).get('/').set('Authorization', bearer())).body).toEqual({ identity: 'user-1' });
  });

  it('throws a TypeError for an anonymousUser that is not an object', () => {
    expect(() => authenticationMiddleware(jwtBackend(), { anonymousUser: 'nobody' as never })).toThrow(/"anonymousUser" must be a user object/);
  });

  it('refuses, as an application error, a backend that answers the anonymous credentials', async () => {
    const { app, probe } = buildApp({ expressFactory, backend: { authenticate: () => ({ user: { name: 'x' }, credentials: AuthCredentials.anonymous }) } });
    const res = await request(app).get('/probe');
    expect(res.status).toBe(500);
    expect(String(probe.appErrors[0])).toMatch(/AuthCredentials.anonymous is not a backend's answer/);
  });
});
