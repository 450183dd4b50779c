import type { Express } from 'express';
import request from 'supertest';
import { authenticated, authenticationMiddleware, JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, requires } from '../../lib';
import { protectedResourceMetadata, type ProtectedResourceMetadataOptions } from '../../lib/mcp';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { listenLocally, type LocalServer } from '../helpers/local-server';
import { fixedClock, SECRET } from '../helpers/tokens';

// RFC 9728: the protected-resource metadata document an MCP client reads to find the
// authorization server, at /.well-known/oauth-protected-resource and at its path-insertion form.

const RESOURCE = 'https://mcp.example.com/mcp';
const ISSUER = 'https://auth.example.com';
const ROOT_PATH = '/.well-known/oauth-protected-resource';
const INSERTED_PATH = '/.well-known/oauth-protected-resource/mcp';

function backend(options: Partial<JWTAuthenticationBackendOptions> = {}): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, issuer: ISSUER, resource: RESOURCE, ...options });
}

describe.each(EXPRESS_VERSIONS)('protectedResourceMetadata on %s', (_name, expressFactory) => {
  let server: LocalServer | undefined;
  let handlerRan: boolean;

  async function serve(configure: (app: Express) => void): Promise<string> {
    const app = expressFactory();
    configure(app);
    handlerRan = false;
    app.use((_req, res) => {
      handlerRan = true;
      res.status(404).json({ error: 'not_found' });
    });
    server = await listenLocally(app);
    return server.origin;
  }

  const withMetadata = (options: ProtectedResourceMetadataOptions = {}, source = backend()) => (app: Express): void => {
    app.use(protectedResourceMetadata(source, options));
    app.use(authenticationMiddleware(source));
  };

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe('when asked at either well-known path', () => {
    it.each([ROOT_PATH, INSERTED_PATH])('serves the RFC 9728 document at %s', async (path) => {
      const origin = await serve(withMetadata({ resourceName: 'Example MCP server', resourceDocumentation: 'https://docs.example.com/mcp', scopesSupported: ['tools:read'] }));
      const res = await request(origin).get(path);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('public, max-age=3600');
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers.etag).toEqual(expect.any(String));
      expect(JSON.parse(res.text)).toEqual({
        resource: RESOURCE,
        authorization_servers: [ISSUER],
        scopes_supported: ['tools:read'],
        bearer_methods_supported: ['header'],
        resource_name: 'Example MCP server',
        resource_documentation: 'https://docs.example.com/mcp',
      });
      expect(handlerRan).toBe(false);
    });

    it('answers 304 to a client revalidating with the ETag', async () => {
      const origin = await serve(withMetadata());
      const first = await request(origin).get(INSERTED_PATH);
      const again = await request(origin).get(INSERTED_PATH).set('If-None-Match', first.headers.etag as string);
      expect(again.status).toBe(304);
      expect(again.text).toBe('');
    });

    it('answers HEAD with the headers and no body', async () => {
      const origin = await serve(withMetadata());
      const res = await request(origin).head(ROOT_PATH);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.text).toBeUndefined();
    });

    it('answers a CORS preflight with 204, so that browser clients can read it', async () => {
      const origin = await serve(withMetadata());
      const res = await request(origin).options(INSERTED_PATH).set('Origin', 'https://client.example').set('Access-Control-Request-Method', 'GET');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, OPTIONS');
    });

    it('serves the document to a request with an expired or forged token, when installed before the middleware', async () => {
      const origin = await serve(withMetadata());
      const res = await request(origin).get(ROOT_PATH).set('Authorization', 'Bearer not-a-token');
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text)).toMatchObject({ resource: RESOURCE });
    });

    it('finds the path whatever the query string', async () => {
      const origin = await serve(withMetadata());
      expect((await request(origin).get(`${INSERTED_PATH}?x=1`)).status).toBe(200);
    });
  });

  describe('when asked anything else', () => {
    it.each([
      ['another path', 'get', '/.well-known/oauth-protected-resource/other'],
      ['a longer path', 'get', `${INSERTED_PATH}/more`],
      ['the path with POST', 'post', ROOT_PATH],
      ['the authorization server metadata path', 'get', '/.well-known/oauth-authorization-server'],
    ] as const)('passes %s on to the next handler', async (_case, method, path) => {
      const origin = await serve(withMetadata());
      const res = await request(origin)[method](path);
      expect(res.status).toBe(404);
      expect(handlerRan).toBe(true);
    });
  });

  describe('scopes_supported', () => {
    it('lists the scopes of the app\'s guards, including routes added after the handler, after the configured ones, each once', async () => {
      const source = backend();
      const origin = await serve((app) => {
        app.use(protectedResourceMetadata(source, { scopesSupported: ['profile', 'tools:read'], app }));
        app.use(authenticationMiddleware(source));
        app.get('/tools', requires('tools:read'), (_req, res) => res.end());
        app.post('/tools/:name', requires(['tools:read', 'tools:call']), (_req, res) => res.end());
        app.get('/admin', authenticated({ scopes: 'admin' }), (_req, res) => res.end());
        app.get('/me', authenticated(), (_req, res) => res.end());
      });
      const res = await request(origin).get(ROOT_PATH);
      expect(JSON.parse(res.text).scopes_supported).toEqual(['profile', 'tools:read', 'tools:call', 'admin']);
    });

    it('leaves the member out when no scope is known', async () => {
      const origin = await serve(withMetadata());
      const document = JSON.parse((await request(origin).get(ROOT_PATH)).text) as Record<string, unknown>;
      expect(Object.keys(document)).toEqual(['resource', 'authorization_servers', 'bearer_methods_supported']);
    });
  });

  describe('what it reads from the backend, and what options override', () => {
    it('lists every issuer of the backend as an authorization server', async () => {
      const origin = await serve(withMetadata({}, backend({ issuer: [ISSUER, 'https://login.example.org/tenant'] })));
      expect(JSON.parse((await request(origin).get(ROOT_PATH)).text).authorization_servers).toEqual([ISSUER, 'https://login.example.org/tenant']);
    });

    it('prefers the resource, authorization servers and bearer methods given as options', async () => {
      const origin = await serve(withMetadata({
        resource: 'https://api.example.com',
        authorizationServers: ['https://other-auth.example.com'],
        bearerMethodsSupported: ['header', 'body'],
      }));
      const res = await request(origin).get(ROOT_PATH);
      expect(JSON.parse(res.text)).toEqual({ resource: 'https://api.example.com', authorization_servers: ['https://other-auth.example.com'], bearer_methods_supported: ['header', 'body'] });
      // A resource without a path has only the root form.
      expect((await request(origin).get(INSERTED_PATH)).status).toBe(404);
    });

    it('lists no bearer method for a backend that reads a custom header, a non-Bearer scheme or a cookie only', async () => {
      for (const source of [backend({ header: 'x-api-token' }), backend({ prefix: 'JWT' }), backend({ header: false, cookie: {} })]) {
        const origin = await serve(withMetadata({}, source));
        expect(JSON.parse((await request(origin).get(ROOT_PATH)).text).bearer_methods_supported).toEqual([]);
        await server?.close();
      }
    });

    it('honours maxAgeSec', async () => {
      const origin = await serve(withMetadata({ maxAgeSec: 60 }));
      expect((await request(origin).get(ROOT_PATH)).headers['cache-control']).toBe('public, max-age=60');
    });
  });
});

describe('protectedResourceMetadata, when misconfigured', () => {
  const plain = new JWTAuthenticationBackend({ secretKey: SECRET });

  it.each([
    ['no resource anywhere', plain, { authorizationServers: [ISSUER] }, /no resource URL: give the backend "resource", or pass "resource"/],
    ['no authorization server anywhere', new JWTAuthenticationBackend({ secretKey: SECRET, resource: RESOURCE }), {}, /no authorization server: give the backend an "issuer", or pass "authorizationServers"/],
    ['an issuer that is not a URL', new JWTAuthenticationBackend({ secretKey: SECRET, resource: RESOURCE, issuer: 'my-app' }), {}, /the backend's issuers are not all URLs; pass "authorizationServers"/],
    ['a non-canonical resource', plain, { resource: 'https://MCP.example.com/mcp', authorizationServers: [ISSUER] }, /"resource" must be in canonical form/],
    ['authorization servers that are not URLs', plain, { resource: RESOURCE, authorizationServers: ['auth'] }, /"authorizationServers" must be an array of issuer URLs/],
    ['a scope with a space', plain, { resource: RESOURCE, authorizationServers: [ISSUER], scopesSupported: ['a b'] }, /"scopesSupported" must be an array of scope names/],
    ['an unknown bearer method', plain, { resource: RESOURCE, authorizationServers: [ISSUER], bearerMethodsSupported: ['cookie'] }, /"bearerMethodsSupported" must be an array of "header", "body" or "query"/],
    ['a relative documentation URL', plain, { resource: RESOURCE, authorizationServers: [ISSUER], resourceDocumentation: '/docs' }, /"resourceDocumentation" must be an absolute URL/],
    ['a negative maxAgeSec', plain, { resource: RESOURCE, authorizationServers: [ISSUER], maxAgeSec: -1 }, /"maxAgeSec" must be a finite number of at least 0/],
    ['an app that is not an app', plain, { resource: RESOURCE, authorizationServers: [ISSUER], app: {} }, /"app" must be an Express application/],
    ['a misspelt option', plain, { resource: RESOURCE, authorizationServers: [ISSUER], scopes: ['a'] }, /unknown option "scopes"/],
  ])('throws a TypeError for %s', (_case, source, options, message) => {
    const build = (): unknown => protectedResourceMetadata(source, options as ProtectedResourceMetadataOptions);
    expect(build).toThrow(TypeError);
    expect(build).toThrow(message);
  });

  it('does not mutate the options object', () => {
    const options = Object.freeze({ resource: RESOURCE, authorizationServers: Object.freeze([ISSUER]), scopesSupported: Object.freeze(['a', 'a']) });
    expect(() => protectedResourceMetadata(plain, options)).not.toThrow();
    expect(options).toEqual({ resource: RESOURCE, authorizationServers: [ISSUER], scopesSupported: ['a', 'a'] });
  });
});
