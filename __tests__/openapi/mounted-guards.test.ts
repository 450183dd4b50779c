import type express from 'express';
import type { oas31 } from 'openapi3-ts';
import request from 'supertest';
import { requires } from '../../lib';
import { openApiSecurity } from '../../lib/openapi/open-api-security';
import { readRoutes } from '../../lib/openapi/routes';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { claims, signToken } from '../helpers/tokens';
import { oauth2Backend } from '../oauth2/token-apps';
import { documentWith, securityAt, taggedMiddleware } from './openapi-helpers';

const [[, express5], [, express4]] = EXPRESS_VERSIONS;
const ADMIN_ONLY = [{ oauth2: ['admin'] }];
const OPTIONAL = [{}, { oauth2: [] }];

// Each catch-all route of each major, with the template readRoutes gives it.
const CATCH_ALL_ROUTES = [
  ['Express 5', '/:page', '/{page}', express5],
  ['Express 5', '/*splat', '/{splat}', express5],
  ['Express 4', '/:page', '/{page}', express4],
  ['Express 4', '*', '/{0}', express4],
] as const;

describe.each(CATCH_ALL_ROUTES)('a guard mounted at /admin before a catch-all route, on %s with %s', (_name, routePath, template, expressFactory) => {
  const backend = oauth2Backend({ scopes: { admin: 'Administer' } });
  const ran: string[] = [];

  function buildApp(): express.Express {
    const app = (expressFactory as typeof express)();
    app.use(taggedMiddleware(backend));
    app.use('/admin', requires('admin'));
    app.get(routePath, (req, res) => {
      ran.push(req.path);
      res.json({ path: req.path });
    });
    return app;
  }

  const app = buildApp();
  const document = openApiSecurity(documentWith([`GET ${template}`, 'GET /welcome', 'GET /admin']), { backends: [{ backend }], app });
  beforeEach(() => {
    ran.length = 0;
  });

  it(`does not list the route ${template} as guarded by admin`, () => {
    const route = readRoutes(app).routes.find((found) => found.method === 'get' && found.path === template);
    expect(route?.access).toBeUndefined();
  });

  it(`documents GET ${template} and GET /welcome with optional authentication, not the admin scope`, () => {
    expect(securityAt(document, `GET ${template}`)).toEqual(OPTIONAL);
    expect(securityAt(document, 'GET /welcome')).toEqual(OPTIONAL);
  });

  it('documents GET /admin, which the same route serves, as requiring the admin scope', () => {
    expect(securityAt(document, 'GET /admin')).toEqual(ADMIN_ONLY);
  });

  it('answers GET /welcome anonymously with 200, as documented', async () => {
    const res = await request(app).get('/welcome');
    expect(res.status).toBe(200);
    expect(ran).toEqual(['/welcome']);
  });

  it('answers an anonymous GET /admin with 401 and a challenge, as documented, without running the route', async () => {
    const res = await request(app).get('/admin');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
    expect(res.body.error).toBe('not_authenticated');
    expect(ran).toEqual([]);
  });

  it('answers GET /admin with 200 for a token with the admin scope', async () => {
    const res = await request(app).get('/admin').set('Authorization', `Bearer ${signToken(claims({ scope: 'admin' }))}`);
    expect(res.status).toBe(200);
    expect(ran).toEqual(['/admin']);
  });

  it('agrees with HTTP on every documented operation: anonymous access succeeds exactly where {} is listed', async () => {
    const paths = Object.keys(document.paths ?? {});
    for (const path of paths) {
      const concrete = path.replace(/\{[^}]*\}/g, 'some-page');
      const security = securityAt(document, `GET ${path}`) as oas31.SecurityRequirementObject[];
      const res = await request(app).get(concrete);
      expect({ path, status: res.status }).toEqual({ path, status: security.some((one) => Object.keys(one).length === 0) ? 200 : 401 });
    }
  });
});

describe.each(EXPRESS_VERSIONS)('guards mounted at a parameter path on %s', (_name, expressFactory) => {
  const backend = oauth2Backend({ scopes: { member: 'Member' } });

  it('apply to every route below them, including one with a parameter in the same place', () => {
    const app = expressFactory();
    app.use(taggedMiddleware(backend));
    app.use('/:tenant', requires('member'));
    app.get('/:tenant/home', (_req, res) => res.json({}));
    const document = openApiSecurity(documentWith(['GET /{tenant}/home', 'GET /acme/home']), { backends: [{ backend }], app });
    expect(securityAt(document, 'GET /{tenant}/home')).toEqual([{ oauth2: ['member'] }]);
    expect(securityAt(document, 'GET /acme/home')).toEqual([{ oauth2: ['member'] }]);
  });

  it('do not apply to the root route, which has no segment for the parameter', async () => {
    const app = expressFactory();
    app.use(taggedMiddleware(backend));
    app.use('/:tenant', requires('member'));
    app.get('/', (_req, res) => res.json({}));
    const document = openApiSecurity(documentWith(['GET /']), { backends: [{ backend }], app });
    expect(securityAt(document, 'GET /')).toEqual(OPTIONAL);
    expect((await request(app).get('/')).status).toBe(200);
  });
});
