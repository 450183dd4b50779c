import request from 'supertest';
import { authenticated, authenticationMiddleware } from '../../lib';
import { openApiSecurity } from '../../lib/openapi/open-api-security';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { documentWith, ok, securityAt } from './openapi-helpers';

const [[, express5], [, express4]] = EXPRESS_VERSIONS;

// The same app on each major, its `exclude` written in that major's path syntax.
const CASES = [
  ['Express 5', express5, ['/docs/*rest', '/files{/:name}'], '/docs/*rest'],
  ['Express 4', express4, ['/docs/*', '/files/:name?'], '/docs/*'],
] as const;

describe.each(CASES)('openApiSecurity with exclude in %s path syntax', (_name, expressFactory, exclude, docsRoute) => {
  const backend = jwtBackend();
  const app = expressFactory();
  app.use(authenticationMiddleware(backend, { exclude: [...exclude] }));
  app.get(docsRoute, ok);
  app.get('/files/:name', ok);
  app.get('/me', authenticated(), ok);
  const document = openApiSecurity(documentWith(['GET /docs/intro', 'GET /files/{name}', 'GET /me']), { backends: [{ backend }], app });

  it('documents the excluded operations with no security, as the app answers them', async () => {
    expect(securityAt(document, 'GET /docs/intro')).toEqual([]);
    expect(securityAt(document, 'GET /files/{name}')).toEqual([]);
    expect((await request(app).get('/docs/intro').set('Authorization', 'Bearer not-a-jwt')).status).toBe(200);
    expect((await request(app).get('/files/a.txt').set('Authorization', 'Bearer not-a-jwt')).status).toBe(200);
  });

  it('documents the other operations as the guards say', async () => {
    expect(securityAt(document, 'GET /me')).toEqual([{ bearerAuth: [] }]);
    expect((await request(app).get('/me')).status).toBe(401);
  });
});
