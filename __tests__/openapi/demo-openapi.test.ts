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
    expect(securityAt(document, 'GET /admin')).toEqual(ANY(['admin']));
    expect(securityAt(document, 'GET /service/status')).toEqual(ANY(['service']));
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
