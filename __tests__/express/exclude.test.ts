import request from 'supertest';
import { authenticated, authenticationMiddleware, type AuthenticationMiddlewareOptions } from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { buildProbeApp } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, NOW, signToken } from '../helpers/tokens';

const BAD = 'Bearer not-a-jwt';
const STALE = `Bearer ${signToken(claims({ iat: NOW - 7200, exp: NOW - 3600 }))}`;
const VALID = `Bearer ${signToken(claims())}`;
const MALFORMED = invalidTokenChallenge('The access token is malformed.');
const ANONYMOUS = null;

describe.each(EXPRESS_VERSIONS)('authenticationMiddleware exclusions on %s', (_name, expressFactory) => {
  const appExcluding = (middleware: AuthenticationMiddlewareOptions, mount?: string) =>
    buildProbeApp({ expressFactory, backend: jwtBackend(), middleware, mount });

  async function expectExcluded(middleware: AuthenticationMiddlewareOptions, path: string, method: 'get' | 'post' | 'options' | 'delete' = 'get'): Promise<void> {
    const { app, probe } = appExcluding(middleware);
    const res = await request(app)[method](path).set('Authorization', BAD);
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual(ANONYMOUS);
    expect(res.body.scopes).toEqual([]);
    expect(probe.handlerRan).toBe(true);
  }

  async function expectAuthenticated(middleware: AuthenticationMiddlewareOptions, path: string, method: 'get' | 'options' = 'get'): Promise<void> {
    const { app, probe } = appExcluding(middleware);
    const res = await request(app)[method](path).set('Authorization', BAD);
    expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
  }

  describe('with exclude: [\'/login\']', () => {
    const middleware = { exclude: ['/login'] };

    it.each([
      ['a malformed token', BAD],
      ['an expired token', STALE],
      ['a valid token', VALID],
    ])('treats a request to the excluded path with %s as anonymous', async (_case, authorization) => {
      const { app, probe } = appExcluding(middleware);
      const res = await request(app).post('/login').set('Authorization', authorization);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ANONYMOUS);
      expect(probe.handlerRan).toBe(true);
    });

    it.each(['/login/', '/LOGIN', '/Login/', '/login?x=1', '/login/?next=%2Fhome'])('excludes %s too', async (path) => {
      await expectExcluded(middleware, path);
    });

    it.each(['/login-history', '/login/extra', '/api/login', '/'])('does not exclude %s', async (path) => {
      await expectAuthenticated(middleware, path);
    });

    it('still authenticates the other paths with a valid token', async () => {
      const { app } = appExcluding(middleware);
      const res = await request(app).get('/profile').set('Authorization', VALID);
      expect(res.status).toBe(200);
      expect(res.body.user.isAuthenticated).toBe(true);
    });
  });

  describe('with Express path syntax', () => {
    // Wildcards and optional parts are written per major: see exclude-syntax.test.ts.
    it.each(['/users/42/avatar', '/users/alice/avatar/'])('excludes %s with \'/users/:id/avatar\'', async (path) => {
      await expectExcluded({ exclude: ['/users/:id/avatar'] }, path);
    });

    it.each(['/users/42', '/users/42/avatar/big', '/users//avatar'])('does not exclude %s with \'/users/:id/avatar\'', async (path) => {
      await expectAuthenticated({ exclude: ['/users/:id/avatar'] }, path);
    });
  });

  describe('with RegExp patterns', () => {
    it('excludes the paths a RegExp matches and no others', async () => {
      await expectExcluded({ exclude: [/^\/health$/] }, '/health');
      await expectAuthenticated({ exclude: [/^\/health$/] }, '/healthz');
    });

    it.each([
      ['the g flag', /^\/status$/g],
      ['the y flag', /^\/status$/y],
    ])('answers the same on repeated requests with a RegExp carrying %s', async (_case, pattern) => {
      const { app, probe } = appExcluding({ exclude: [pattern] });
      for (let attempt = 0; attempt < 3; attempt++) {
        const res = await request(app).get('/status').set('Authorization', BAD);
        expect(res.status).toBe(200);
        expect(res.body.user).toEqual(ANONYMOUS);
      }
      expect(probe.appErrors).toEqual([]);
      expect(pattern.lastIndex).toBe(0);
    });

    it('mixes strings and RegExps in one list', async () => {
      const middleware = { exclude: ['/login', /^\/public\//] };
      await expectExcluded(middleware, '/login');
      await expectExcluded(middleware, '/public/logo.png');
      await expectAuthenticated(middleware, '/private/logo.png');
    });
  });

  describe('in a router mounted at /api', () => {
    it('matches the full path, mount point included', async () => {
      const { app, probe } = appExcluding({ exclude: ['/api/login'] }, '/api');
      const res = await request(app).post('/api/login').set('Authorization', BAD);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ path: '/api/login', user: ANONYMOUS });
      expect(probe.handlerRan).toBe(true);
    });

    it('does not exclude /api/login for the pattern \'/login\'', async () => {
      const { app, probe } = appExcluding({ exclude: ['/login'] }, '/api');
      const res = await request(app).post('/api/login').set('Authorization', BAD);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
    });
  });

  describe('excludeMethods', () => {
    it('lets an OPTIONS request with a bad token through anonymously by default', async () => {
      await expectExcluded({}, '/profile', 'options');
    });

    it('authenticates OPTIONS requests when excludeMethods is empty', async () => {
      await expectAuthenticated({ excludeMethods: [] }, '/profile', 'options');
    });

    it('replaces the default list and accepts lower-case method names', async () => {
      await expectExcluded({ excludeMethods: ['delete'] }, '/profile', 'delete');
      await expectAuthenticated({ excludeMethods: ['delete'] }, '/profile', 'options');
    });
  });

  describe('guards on an excluded route', () => {
    it('refuses with a bare 401 challenge, since the request is anonymous even with a valid token', async () => {
      const { app, probe } = buildProbeApp({
        expressFactory,
        backend: jwtBackend(),
        middleware: { exclude: ['/admin'] },
        guards: [authenticated()],
      });
      const res = await request(app).get('/admin').set('Authorization', VALID);
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });
  });
});

describe('authenticationMiddleware exclusion options', () => {
  const build = (options: Record<string, unknown>) => () =>
    authenticationMiddleware(jwtBackend(), options as AuthenticationMiddlewareOptions);

  it.each([
    ['exclude given as one string', { exclude: '/login' }, /"exclude" must be an array of paths or RegExps/],
    ['a pattern not starting with "/"', { exclude: ['login'] }, /each "exclude" pattern must be a path starting with "\/" or a RegExp/],
    ['a pattern that is not a string', { exclude: [42] }, /each "exclude" pattern must be a path starting with "\/" or a RegExp/],
    ['invalid Express syntax', { exclude: ['/a/(b'] }, /"exclude" pattern "\/a\/\(b" is not valid Express path syntax/],
    ['excludeMethods given as one string', { excludeMethods: 'OPTIONS' }, /"excludeMethods" must be an array of HTTP method names/],
    ['excludeMethods holding a number', { excludeMethods: [1] }, /"excludeMethods" must be an array of HTTP method names/],
    ['excludeMethods holding an empty name', { excludeMethods: [''] }, /"excludeMethods" must be an array of HTTP method names/],
  ])('throws a TypeError at construction for %s', (_case, options, message) => {
    expect(build(options)).toThrow(TypeError);
    expect(build(options)).toThrow(message);
  });

  it('keeps the cause of an invalid Express pattern', () => {
    let thrown: unknown;
    try {
      build({ exclude: ['/a/(b'] })();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(TypeError);
    expect((thrown as TypeError).cause).toBeInstanceOf(Error);
  });

  it('does not mutate its options, the exclude list or its RegExps', () => {
    const pattern = /^\/health$/g;
    const exclude = Object.freeze(['/login', pattern]);
    const excludeMethods = Object.freeze(['OPTIONS', 'HEAD']);
    const options = Object.freeze({ exclude, excludeMethods });
    expect(() => authenticationMiddleware(jwtBackend(), options)).not.toThrow();
    expect(options).toEqual({ exclude: ['/login', /^\/health$/g], excludeMethods: ['OPTIONS', 'HEAD'] });
    expect(pattern.flags).toBe('g');
  });
});
