import type { oas31 } from 'openapi3-ts';
import { authenticated, claimCheck, claimEquals, claimIncludes, requires } from '../../lib';
import { openApiSecurity } from '../../lib/openapi/open-api-security';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { documentWith, ok, securityAt, taggedMiddleware, validateDocument } from '../openapi/openapi-helpers';

const OPERATIONS = ['GET /org', 'GET /roles', 'GET /tenant', 'POST /pay', 'GET /both', 'GET /plain'];

function operationAt(document: oas31.OpenAPIObject, operation: string): Record<string, unknown> {
  const [method, path] = operation.split(' ');
  return (document.paths?.[path] as Record<string, Record<string, unknown>>)[method.toLowerCase()];
}

describe.each(EXPRESS_VERSIONS)('openApiSecurity with claim and step-up guards on %s', (_name, expressFactory) => {
  const backend = jwtBackend();
  function buildDocument(): oas31.OpenAPIObject {
    const app = expressFactory();
    app.use(taggedMiddleware([backend]));
    app.get('/org', claimEquals('org_id', 'secret-tenant-4711'), ok);
    app.get('/roles', claimIncludes('roles', 'editor'), ok);
    app.get('/tenant', claimCheck((payload) => payload.tenant === 'x'), ok);
    app.post('/pay', authenticated({ acrValues: ['urn:example:mfa'], maxAge: 300, scopes: ['pay'] }), ok);
    app.get('/both', requires('read'), claimEquals('org_id', 'acme'), claimIncludes('roles', 'editor'), ok);
    app.get('/plain', authenticated(), ok);
    return openApiSecurity(documentWith(OPERATIONS), { backends: [{ backend }], app });
  }

  it('requires authentication on claim-guarded routes, like authenticated()', () => {
    const document = buildDocument();
    for (const operation of ['GET /org', 'GET /roles', 'GET /tenant']) expect(securityAt(document, operation)).toEqual([{ bearerAuth: [] }]);
  });

  it('lists the checked claims by name in x-required-claims, never their expected values', () => {
    const document = buildDocument();
    expect(operationAt(document, 'GET /org')['x-required-claims']).toEqual(['org_id']);
    expect(operationAt(document, 'GET /roles')['x-required-claims']).toEqual(['roles']);
    expect(operationAt(document, 'GET /both')['x-required-claims']).toEqual(['org_id', 'roles']);
    expect(JSON.stringify(document)).not.toContain('secret-tenant-4711');
  });

  it('adds nothing for a predicate, which has no claim name to show', () => {
    expect(operationAt(buildDocument(), 'GET /tenant')).not.toHaveProperty('x-required-claims');
  });

  it('shows the step-up requirement as x-step-up', () => {
    expect(operationAt(buildDocument(), 'POST /pay')['x-step-up']).toEqual({ acr_values: ['urn:example:mfa'], max_age: 300 });
  });

  it('adds no extension to routes without claim or step-up guards', () => {
    const operation = operationAt(buildDocument(), 'GET /plain');
    expect(operation).not.toHaveProperty('x-required-claims');
    expect(operation).not.toHaveProperty('x-step-up');
  });

  it('produces a valid OpenAPI 3.1 document', () => {
    expect(() => validateDocument(buildDocument())).not.toThrow();
  });
});
