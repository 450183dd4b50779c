import type express from 'express';
import type { oas31 } from 'openapi3-ts';
import { anonymousAllowed, authenticated, requires } from '../../lib';
import { openApiSecurity } from '../../lib/openapi/open-api-security';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { cookieBackend } from '../helpers/cookies';
import { oauth2Backend } from '../oauth2/token-apps';
import { deepFreeze, documentWith, ok, securityAt, taggedMiddleware, validateDocument } from './openapi-helpers';

const OPERATIONS = [
  'GET /public', 'POST /login', 'GET /', 'GET /me', 'GET /admin', 'GET /health', 'DELETE /posts/{postId}', 'GET /unknown',
];

describe.each(EXPRESS_VERSIONS)('openApiSecurity on %s', (_name, expressFactory) => {
  const oauth2 = oauth2Backend({ scopes: { admin: 'Administer', 'posts:write': 'Write posts' } });
  const cookie = cookieBackend();
  const backends = [{ backend: oauth2 }, { backend: cookie }];

  function buildApp(): express.Express {
    const app = expressFactory();
    app.get('/public', ok);
    app.use(taggedMiddleware([oauth2, cookie], { exclude: ['/login'] }));
    app.post('/login', ok);
    app.get('/', ok);
    app.get('/me', authenticated(), ok);
    app.get('/admin', requires(['admin']), ok);
    app.get('/health', anonymousAllowed(), ok);
    app.delete('/posts/:id', requires(['authenticated', 'posts:write']), ok);
    return app;
  }

  it('fills in components.securitySchemes with each backend\'s scheme under its default name', () => {
    const document = openApiSecurity(documentWith(OPERATIONS), { backends });
    expect(document.components?.securitySchemes).toEqual({
      oauth2: {
        type: 'oauth2',
        description: expect.any(String),
        flows: { password: { tokenUrl: '/token', scopes: { admin: 'Administer', 'posts:write': 'Write posts' } } },
      },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'token', description: expect.any(String) },
    });
  });

  it('derives each operation\'s security from the guards on its route', () => {
    const document = openApiSecurity(documentWith(OPERATIONS), { backends, app: buildApp() });
    expect(securityAt(document, 'GET /me')).toEqual([{ oauth2: [] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /admin')).toEqual([{ oauth2: ['admin'] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'DELETE /posts/{postId}')).toEqual([{ oauth2: ['posts:write'] }, { cookieAuth: [] }]);
  });

  it('makes authentication optional ({}) on routes behind the middleware without a guard or with anonymousAllowed()', () => {
    const document = openApiSecurity(documentWith(OPERATIONS), { backends, app: buildApp() });
    expect(securityAt(document, 'GET /')).toEqual([{}, { oauth2: [] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /health')).toEqual([{}, { oauth2: [] }, { cookieAuth: [] }]);
  });

  it('gives excluded routes and routes before the middleware no security ([])', () => {
    const document = openApiSecurity(documentWith(OPERATIONS), { backends, app: buildApp() });
    expect(securityAt(document, 'POST /login')).toEqual([]);
    expect(securityAt(document, 'GET /public')).toEqual([]);
  });

  it('gives anonymousAllowed() routes excluded from the middleware no security', () => {
    const app = expressFactory();
    app.use(taggedMiddleware(oauth2, { exclude: ['/health'] }));
    app.get('/health', anonymousAllowed(), ok);
    const document = openApiSecurity(documentWith(['GET /health']), { backends, app });
    expect(securityAt(document, 'GET /health')).toEqual([]);
  });

  it('leaves operations without a route as they are', () => {
    const input = documentWith(['GET /unknown']);
    (input.paths?.['/unknown'] as oas31.PathItemObject).get!.security = [{ legacy: [] }];
    const document = openApiSecurity(input, { backends, app: buildApp() });
    expect(securityAt(document, 'GET /unknown')).toEqual([{ legacy: [] }]);
  });

  it('produces a document that a maintained validator accepts', () => {
    validateDocument(openApiSecurity(documentWith(OPERATIONS), { backends, app: buildApp() }));
  });

  it('does not modify the input document', () => {
    const input = deepFreeze(documentWith(OPERATIONS, { components: { schemas: { Thing: { type: 'object' } } } }));
    const before = JSON.stringify(input);
    const document = openApiSecurity(input, { backends, app: buildApp() });
    expect(JSON.stringify(input)).toBe(before);
    expect(document).not.toBe(input);
    expect(document.components?.schemas).toEqual({ Thing: { type: 'object' } });
  });

  it('matches document paths below the path of the first server URL', () => {
    const app = expressFactory();
    const api = expressFactory.Router();
    api.get('/me', authenticated(), ok);
    app.use(taggedMiddleware(oauth2));
    app.use('/api/v1', api);
    const input = documentWith(['GET /me'], { servers: [{ url: 'https://example.com/api/v1/' }] });
    expect(securityAt(openApiSecurity(input, { backends, app }), 'GET /me')).toEqual([{ oauth2: [] }, { cookieAuth: [] }]);
  });

  it('matches a document path to the first route that serves it, as Express dispatches', () => {
    const app = expressFactory();
    app.use(taggedMiddleware(oauth2));
    app.get('/users/me', authenticated(), ok);
    app.get('/users/:id', requires('admin'), ok);
    app.get('/teams/:id', requires('teams'), ok);
    const document = openApiSecurity(documentWith(['GET /users/me', 'GET /users/{userId}', 'GET /teams/core', 'GET /teams/{id}/members']), { backends, app });
    expect(securityAt(document, 'GET /users/me')).toEqual([{ oauth2: [] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /users/{userId}')).toEqual([{ oauth2: ['admin'] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /teams/core')).toEqual([{ oauth2: ['teams'] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /teams/{id}/members')).toBeUndefined();
  });

  it('matches an Express 4 optional parameter and an Express 5 optional group to both their paths', () => {
    const app = expressFactory();
    app.use(taggedMiddleware(oauth2));
    app.get(expressFactory === EXPRESS_VERSIONS[0][1] ? '/files{/:name}' : '/files/:name?', authenticated(), ok);
    const document = openApiSecurity(documentWith(['GET /files', 'GET /files/{name}']), { backends, app });
    expect(securityAt(document, 'GET /files')).toEqual([{ oauth2: [] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /files/{name}')).toEqual([{ oauth2: [] }, { cookieAuth: [] }]);
  });
});

describe('openApiSecurity options', () => {
  const document = documentWith(['GET /me']);

  it('uses a given name and description for a scheme', () => {
    const result = openApiSecurity(document, { backends: [{ backend: jwtBackend(), name: 'jwt', description: 'Sign in first.' }] });
    expect(result.components?.securitySchemes).toEqual({ jwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Sign in first.' } });
  });

  it('keeps the schemes the document already has, and replaces one of the same name', () => {
    const input = documentWith(['GET /me'], {
      components: { securitySchemes: { basicAuth: { type: 'http', scheme: 'basic' }, bearerAuth: { type: 'http', scheme: 'old' } } },
    });
    const result = openApiSecurity(input, { backends: [{ backend: jwtBackend() }] });
    expect(result.components?.securitySchemes).toEqual({
      basicAuth: { type: 'http', scheme: 'basic' },
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: expect.any(String) },
    });
  });

  it.each([
    ['a document that is not OpenAPI 3.1', () => openApiSecurity({ ...document, openapi: '3.0.3' }, { backends: [{ backend: jwtBackend() }] }), /must be an OpenAPI 3\.1 document/],
    ['no options', () => openApiSecurity(document, undefined as never), /pass an options object/],
    ['no backends', () => openApiSecurity(document, { backends: [] }), /"backends" must be a non-empty array/],
    ['a bare backend instead of an entry', () => openApiSecurity(document, { backends: [jwtBackend()] as never }), /each of "backends" must be an object/],
    ['an entry with an unknown key', () => openApiSecurity(document, { backends: [{ backend: jwtBackend(), title: 'x' }] as never }), /unknown option "title"/],
    ['a backend without a scheme', () => openApiSecurity(document, { backends: [{ backend: { authenticate: () => null } }] }), /implement OpenApiSecurityProvider/],
    ['a name with a space', () => openApiSecurity(document, { backends: [{ backend: jwtBackend(), name: 'my auth' }] }), /letters, digits/],
    ['a description that is not text', () => openApiSecurity(document, { backends: [{ backend: jwtBackend(), description: 1 as never }] }), /"description" must be a string/],
    ['two schemes with one name', () => openApiSecurity(document, { backends: [{ backend: jwtBackend() }, { backend: jwtBackend() }] }), /both be named "bearerAuth"/],
    ['an unknown option', () => openApiSecurity(document, { backends: [{ backend: jwtBackend() }], router: {} } as never), /unknown option "router"/],
    ['an app that is not an Express application', () => openApiSecurity(document, { backends: [{ backend: jwtBackend() }], app: {} as never }), /Express 4 or 5 application/],
  ])('throws a TypeError for %s', (_case, call, message) => {
    expect(call).toThrow(TypeError);
    expect(call).toThrow(message);
  });

  it('does not mutate its options', () => {
    const options = deepFreeze({ backends: [{ backend: { openApiSecurityScheme: () => ({ type: 'apiKey' as const, in: 'header', name: 'X-Key' }) } }] });
    expect(() => openApiSecurity(document, options)).not.toThrow();
  });
});
