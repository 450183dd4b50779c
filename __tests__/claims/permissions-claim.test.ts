import fc from 'fast-check';
import request from 'supertest';
import { AuthCredentials, authenticated, JWTAuthenticationBackend, requires, type TokenPayload } from '../../lib';
import { credentialScopes } from '../../lib/jwt/permissions';
import { scopesFromPayload } from '../../lib/jwt/scopes';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, SECRET, signToken } from '../helpers/tokens';

const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;
const scopeChallenge = (scope: string): string =>
  `Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="${scope}"`;

describe.each(EXPRESS_VERSIONS)('the permissionsClaim option on %s', (_name, expressFactory) => {
  const backend = (): JWTAuthenticationBackend => jwtBackend({ permissionsClaim: 'permissions' });

  it('grants the values of the permissions claim as scopes, after those of the scopes claim', async () => {
    const { app } = buildApp({ expressFactory, backend: backend() });
    const res = await request(app).get('/probe').set('Authorization', bearer({ scope: 'read', permissions: ['reports:export', 'users:read'] }));
    expect(res.body.scopes).toEqual(['authenticated', 'read', 'reports:export', 'users:read']);
  });

  it('lets requires() pass on a permission the scopes claim lacks', async () => {
    const { app, probe } = buildApp({ expressFactory, backend: backend(), guards: [requires(['read', 'reports:export'])] });
    const res = await request(app).get('/probe').set('Authorization', bearer({ scope: 'read', permissions: ['reports:export'] }));
    expect(res.status).toBe(200);
    expect(probe.handlerRan).toBe(true);
  });

  it('responds 403 insufficient_scope when neither claim grants the scope', async () => {
    const { app, probe } = buildApp({ expressFactory, backend: backend(), guards: [authenticated({ scopes: 'reports:export' })] });
    const res = await request(app).get('/probe').set('Authorization', bearer({ scope: 'read', permissions: ['users:read'] }));
    expectRejection(res, probe, { status: 403, error: 'insufficient_scope', challenge: scopeChallenge('reports:export') });
  });

  it('reads a space-delimited string of permissions too', async () => {
    const { app } = buildApp({ expressFactory, backend: backend(), guards: [requires('users:write')] });
    expect((await request(app).get('/probe').set('Authorization', bearer({ permissions: 'users:read users:write' }))).status).toBe(200);
  });

  it.each([
    ['an object', { 'reports:export': true }],
    ['a number', 1],
    ['null', null],
  ])('grants nothing from a permissions claim that is %s, and still authenticates', async (_case, permissions) => {
    const { app } = buildApp({ expressFactory, backend: backend() });
    const res = await request(app).get('/probe').set('Authorization', bearer({ scope: 'read', permissions }));
    expect(res.status).toBe(200);
    expect(res.body.scopes).toEqual(['authenticated', 'read']);
  });

  it('grants nothing from the permissions claim without the option', async () => {
    const { app } = buildApp({ expressFactory, guards: [requires('reports:export')] });
    expect((await request(app).get('/probe').set('Authorization', bearer({ permissions: ['reports:export'] }))).status).toBe(403);
  });
});

// What the backend granted before credentialScopes: each claim read and filtered, then checked,
// deduplicated and frozen by the AuthCredentials constructor.
function reference(payload: TokenPayload, scopeClaims: readonly string[], permissionsClaim: string | undefined): readonly string[] {
  const scopes = scopesFromPayload(payload, scopeClaims);
  const permissions = permissionsClaim === undefined ? [] : scopesFromPayload(payload, [permissionsClaim]);
  return new AuthCredentials(['authenticated', ...scopes, ...permissions]).scopes;
}

describe('credentialScopes', () => {
  it('skips items that are not strings and removes nothing else', () => {
    expect(credentialScopes({ scp: ['a'], perms: ['b', 3, null, 'c'] }, ['scp'], 'perms')).toEqual(['authenticated', 'a', 'b', 'c']);
  });

  it('reads only the scopes claims without a permissions claim', () => {
    expect(credentialScopes({ scope: 'a', permissions: ['b'] }, ['scope'], undefined)).toEqual(['authenticated', 'a']);
  });

  it('reads the first scopes claim present, splits strings on spaces, and removes duplicates, keeping the first', () => {
    expect(credentialScopes({ scp: ['x'], scope: ' b  a b authenticated ' }, ['scope', 'scp'], 'perms')).toEqual(['authenticated', 'b', 'a']);
  });

  it('removes duplicates from long lists too, and returns a frozen list', () => {
    const many = Array.from({ length: 40 }, (_, index) => `s${index % 25}`);
    const scopes = credentialScopes({ scope: many.join(' '), perms: many }, ['scope'], 'perms');
    expect(scopes).toEqual(['authenticated', ...Array.from({ length: 25 }, (_, index) => `s${index}`)]);
    expect(Object.isFrozen(scopes)).toBe(true);
  });

  it('grants exactly what the AuthCredentials constructor made of the claims before', () => {
    const item = fc.oneof(fc.constantFrom('a', 'b', 'c', 'authenticated', '', ' '), fc.string({ maxLength: 3 }), fc.integer(), fc.constant(null));
    const claim = fc.oneof(fc.array(item, { maxLength: 30 }), fc.array(item, { maxLength: 30 }).map((items) => items.join(' ')), fc.integer(), fc.constant(undefined));
    fc.assert(fc.property(claim, claim, claim, fc.boolean(), (scope, scp, perms, withPermissions) => {
      const payload = Object.fromEntries(Object.entries({ scope, scp, perms }).filter(([, value]) => value !== undefined));
      const permissionsClaim = withPermissions ? 'perms' : undefined;
      expect(credentialScopes(payload, ['scope', 'scp'], permissionsClaim)).toEqual(reference(payload, ['scope', 'scp'], permissionsClaim));
    }));
  });
});

describe('the permissionsClaim option at construction', () => {
  it.each([
    ['an empty string', ''],
    ['a list', ['permissions']],
  ])('throws a TypeError for %s', (_case, permissionsClaim) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, permissionsClaim: permissionsClaim as string })).toThrow('"permissionsClaim" must be a non-empty string');
  });
});
