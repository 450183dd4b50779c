import request from 'supertest';
import { authenticated, JWTAuthenticationBackend, requires } from '../../lib';
import { grantedScopes } from '../../lib/jwt/permissions';
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

describe('grantedScopes', () => {
  it('skips items that are not strings and removes nothing else', () => {
    expect(grantedScopes({ scp: ['a'], perms: ['b', 3, null, 'c'] }, ['scp'], 'perms')).toEqual(['a', 'b', 'c']);
  });

  it('reads only the scopes claims without a permissions claim', () => {
    expect(grantedScopes({ scope: 'a', permissions: ['b'] }, ['scope'], undefined)).toEqual(['a']);
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
