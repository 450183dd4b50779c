import type { oas31 } from 'openapi3-ts';
import request from 'supertest';
import { signToken, claims } from '../helpers/tokens';
import { buildDemoWithOpenApi } from './demo-with-openapi';
import { securityAt, validateDocument } from './openapi-helpers';

const app = buildDemoWithOpenApi();
const ANY = (scopes: string[] = []): oas31.SecurityRequirementObject[] => [{ oauth2: scopes }, { cookieAuth: [] }, { apiKeyAuth: [] }];

async function documentOf(): Promise<oas31.OpenAPIObject> {
  const res = await request(app).get('/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.body as oas31.OpenAPIObject;
}

describe('demo app OpenAPI document', () => {
  it('is valid OpenAPI 3.1, by a maintained validator', async () => {
    validateDocument(await documentOf());
  });

  it('declares the password flow against the demo\'s token endpoint, the session cookie and the API key', async () => {
    expect((await documentOf()).components?.securitySchemes).toEqual({
      oauth2: {
        type: 'oauth2',
        description: expect.any(String),
        flows: { password: { tokenUrl: '/token', scopes: { read: 'Read your profile', admin: 'Use the admin area' } } },
      },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'token', description: expect.any(String) },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: expect.any(String) },
    });
  });

  it('derives every operation\'s security from the demo\'s guards and exclusions', async () => {
    const document = await documentOf();
    expect(securityAt(document, 'POST /token')).toEqual([]);
    expect(securityAt(document, 'POST /login')).toEqual([]);
    expect(securityAt(document, 'GET /')).toEqual([{}, ...ANY()]);
    expect(securityAt(document, 'GET /me')).toEqual(ANY());
    expect(securityAt(document, 'POST /revoke')).toEqual(ANY());
    expect(securityAt(document, 'GET /admin')).toEqual([{ oauth2: ['admin'] }, { cookieAuth: [] }]);
    expect(securityAt(document, 'GET /service/status')).toEqual([{ apiKeyAuth: [] }]);
  });

  it('lists no scope on the OAuth2 scheme that its password flow does not declare', async () => {
    const document = await documentOf();
    const oauth2 = document.components?.securitySchemes?.oauth2 as oas31.SecuritySchemeObject;
    const declared = Object.keys(oauth2.flows?.password?.scopes ?? {});
    const listed = Object.values(document.paths ?? {}).flatMap((item) => Object.values(item as Record<string, oas31.OperationObject>))
      .flatMap((operation) => operation.security ?? []).flatMap((requirement) => requirement.oauth2 ?? []);
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.filter((scope) => !declared.includes(scope))).toEqual([]);
  });
});

describe('demo app OpenAPI security, checked against HTTP', () => {
  const passwordGrant = (username: string, scope?: string) =>
    request(app).post('/token').type('form').send({ grant_type: 'password', username, password: `${username}-password`, ...(scope === undefined ? {} : { scope }) });

  async function sessionCookieOf(username: string): Promise<string> {
    const res = await request(app).post('/session').type('form').send({ username, password: `${username}-password`, next: '/' });
    return String((res.headers['set-cookie'] as unknown as string[]).find((cookie) => cookie.startsWith('token='))).split(';')[0];
  }

  it('the password flow never grants the service scope, even to admin', async () => {
    const res = await passwordGrant('admin', 'service');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scope');
  });

  it('GET /service/status refuses the password flow\'s token and the session cookie, which the document does not offer', async () => {
    const token = (await passwordGrant('admin')).body.access_token as string;
    const bearer = await request(app).get('/service/status').set('Authorization', `Bearer ${token}`);
    const cookie = await request(app).get('/service/status').set('Cookie', await sessionCookieOf('admin'));
    expect([bearer.status, bearer.body.error]).toEqual([403, 'insufficient_scope']);
    expect([cookie.status, cookie.body.error]).toEqual([403, 'insufficient_scope']);
  });

  it('GET /service/status lets the API key in, which the document offers', async () => {
    const res = await request(app).get('/service/status').set('X-API-Key', 'test-api-key');
    expect(res.status).toBe(200);
  });

  it('GET /admin refuses the API key, which the document does not offer there', async () => {
    const res = await request(app).get('/admin').set('X-API-Key', 'test-api-key');
    expect([res.status, res.body.error]).toEqual([403, 'insufficient_scope']);
  });

  it('GET /admin lets in the admin\'s password-flow token and session cookie, which the document offers', async () => {
    const token = (await passwordGrant('admin')).body.access_token as string;
    expect((await request(app).get('/admin').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect((await request(app).get('/admin').set('Cookie', await sessionCookieOf('admin'))).status).toBe(200);
  });

  it('is served even with a stale session cookie, because it is excluded from authentication', async () => {
    const stale = signToken(claims({ exp: 1 }));
    const res = await request(app).get('/openapi.json').set('Cookie', `token=${stale}`);
    expect(res.status).toBe(200);
  });
});

describe('demo app Swagger UI', () => {
  it('redirects /docs to /docs/, where the page loads its assets from', async () => {
    const res = await request(app).get('/docs');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/docs/');
  });

  it('serves the Swagger UI page at /docs/', async () => {
    const res = await request(app).get('/docs/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('<div id="swagger-ui"></div>');
    expect(res.text).toContain('<title>express-jwt-auth demo API</title>');
  });

  it('points Swagger UI at /openapi.json', async () => {
    const res = await request(app).get('/docs/swagger-ui-init.js');
    expect(res.status).toBe(200);
    expect(res.text).toContain('"swaggerUrl": "/openapi.json"');
  });

  it('serves the Swagger UI bundle from the swagger-ui-dist package', async () => {
    const res = await request(app).get('/docs/swagger-ui-bundle.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
  });

  it('serves the page even with a stale session cookie', async () => {
    const res = await request(app).get('/docs/').set('Cookie', `token=${signToken(claims({ exp: 1 }))}`);
    expect(res.status).toBe(200);
  });
});
