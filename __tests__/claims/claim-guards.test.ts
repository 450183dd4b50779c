import request from 'supertest';
import { type AuthenticatedRequest, authenticationMiddleware, claimCheck, claimEquals, claimIncludes, InvalidTokenError, type JWTUser } from '../../lib';
import { routeAccessOf } from '../../lib/express/route-access';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, signToken } from '../helpers/tokens';

const BARE_CHALLENGE = 'Bearer realm="api"';
const CLAIMS_CHALLENGE = 'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a claim value this resource requires."';
const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;

describe.each(EXPRESS_VERSIONS)('claim guards on %s', (_name, expressFactory) => {
  describe('claimEquals()', () => {
    it('lets a request whose claim equals the value through', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ org_id: 'acme' }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 with a bare challenge to an anonymous request', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme')] });
      expectRejection(await request(app).get('/probe'), probe, { status: 401, error: 'not_authenticated', challenge: BARE_CHALLENGE });
    });

    it('responds 403 insufficient_scope, reason missing_claim and the claim name, to a token without the claim', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme')] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'missing_claim', challenge: CLAIMS_CHALLENGE });
      expect(res.body.claim).toBe('org_id');
      expect(res.body.scope).toBeUndefined();
    });

    it('responds 403 with reason claim_mismatch to a token whose claim differs, never echoing the expected value', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'secret-org-4711')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ org_id: 'other' }));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
      expect(res.text).not.toContain('secret-org-4711');
      expect(res.headers['www-authenticate']).not.toContain('secret-org-4711');
    });

    it.each([
      ['a number for a string', '1', 1],
      ['a string for a boolean', true, 'true'],
      ['an array holding the value', 'acme', ['acme']],
      ['an object', 'acme', { id: 'acme' }],
      ['null for a string', 'acme', null],
    ])('refuses %s: equality is strict', async (_case, expected, actual) => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', expected as string)] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ org_id: actual }));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
    });

    it('matches null, booleans and numbers', async () => {
      const { app } = buildApp({ expressFactory, guards: [claimEquals('a', null), claimEquals('b', false), claimEquals('c', 0)] });
      expect((await request(app).get('/probe').set('Authorization', bearer({ a: null, b: false, c: 0 }))).status).toBe(200);
    });

    it('answers with statusCode instead of 403 when it is set', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme', { statusCode: 404 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ org_id: 'other' }));
      expectRejection(res, probe, { status: 404, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
    });

    it('redirects an anonymous request with 303 when redirect is set', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme', { redirect: '/login' })] });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/login?next=%2Fprobe');
      expect(probe.handlerRan).toBe(false);
    });

    it('calls a handler it is given with the typed request', async () => {
      const app = expressFactory();
      app.use(authenticationMiddleware(jwtBackend()));
      app.get('/org', claimEquals('org_id', 'acme', (req: AuthenticatedRequest<JWTUser>, res) => { res.send(req.user.identity); }));
      const res = await request(app).get('/org').set('Authorization', bearer({ org_id: 'acme' }));
      expect(res.text).toBe('user-1');
    });
  });

  describe('claimIncludes()', () => {
    it.each([
      ['an array claim', ['viewer', 'editor', 'admin']],
      ['a space-delimited string claim', 'viewer editor admin'],
    ])('lets a request through whose %s holds every value', async (_case, roles) => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimIncludes('roles', 'editor', 'admin')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ roles }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it.each([
      ['an array lacking one value', ['viewer', 'editor']],
      ['a string lacking one value', 'viewer editor'],
      ['a string holding the value only as part of a word', 'editors administrators'],
      ['a boolean', true],
      ['a number', 7],
      ['an object', { editor: true, admin: true }],
      ['an array of arrays', [['editor'], ['admin']]],
      ['an empty array', []],
    ])('responds 403 claim_mismatch to %s', async (_case, roles) => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimIncludes('roles', 'editor', 'admin')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ roles }));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
      expect(res.body.claim).toBe('roles');
    });

    it('responds 403 missing_claim to a token without the claim', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimIncludes('roles', 'editor')] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'missing_claim', challenge: CLAIMS_CHALLENGE });
    });

    it('responds 401 with a bare challenge to an anonymous request', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimIncludes('roles', 'editor')] });
      expectRejection(await request(app).get('/probe'), probe, { status: 401, error: 'not_authenticated', challenge: BARE_CHALLENGE });
    });

    it('takes the values as an array, followed by options and a handler', async () => {
      const app = expressFactory();
      app.use(authenticationMiddleware(jwtBackend()));
      app.get('/edit', claimIncludes('roles', ['editor', 3], { statusCode: 404 }, (_req: AuthenticatedRequest, res) => { res.send('editing'); }));
      expect((await request(app).get('/edit').set('Authorization', bearer({ roles: [3, 'editor'] }))).text).toBe('editing');
      expect((await request(app).get('/edit').set('Authorization', bearer({ roles: ['editor'] }))).status).toBe(404);
    });

    it('answers a claim of 1,000 items, as many as a request header holds, with 403, not 5xx', async () => {
      const roles = Array.from({ length: 1_000 }, (_, index) => index % 2 === 0 ? index : `r${index}`);
      const backend = jwtBackend({ maxTokenLength: 15_000 });
      const { app, probe } = buildApp({ expressFactory, backend, guards: [claimIncludes('roles', 'editor', 'admin')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ roles }));
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
    });
  });

  describe('claimCheck()', () => {
    it('lets a request through when the predicate returns true, giving it the claims and the request', async () => {
      const seen: unknown[] = [];
      const guard = claimCheck((payload, req) => {
        seen.push([payload.tenant, req.path]);
        return payload.tenant === 't1';
      });
      const { app, probe } = buildApp({ expressFactory, guards: [guard] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ tenant: 't1' }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
      expect(seen).toEqual([['t1', '/probe']]);
    });

    it('responds 403 claim_mismatch without a claim name when the predicate returns false', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimCheck(() => false)] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expectRejection(res, probe, { status: 403, error: 'insufficient_scope', reason: 'claim_mismatch', challenge: CLAIMS_CHALLENGE });
      expect(res.body.claim).toBeUndefined();
    });

    it('responds 401 to an anonymous request without calling the predicate', async () => {
      let called = false;
      const { app, probe } = buildApp({ expressFactory, guards: [claimCheck(() => { called = true; return true; })] });
      expectRejection(await request(app).get('/probe'), probe, { status: 401, error: 'not_authenticated', challenge: BARE_CHALLENGE });
      expect(called).toBe(false);
    });

    it('hands what the predicate throws to next(err), as the application\'s error', async () => {
      const failure = new Error('database down');
      const { app, probe } = buildApp({ expressFactory, guards: [claimCheck(() => { throw failure; })] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expect(res.status).toBe(500);
      expect(probe.appErrors).toEqual([failure]);
      expect(probe.handlerRan).toBe(false);
    });

    it('answers an AuthenticationError the predicate throws as such', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimCheck(() => { throw new InvalidTokenError('revoked'); })] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'invalid_token', reason: 'revoked' });
      expect(probe.handlerRan).toBe(false);
    });

    it.each([
      ['a promise', () => Promise.resolve(true)],
      ['a truthy string', () => 'yes'],
      ['undefined', () => undefined],
    ])('hands a TypeError to next(err) when the predicate returns %s', async (_case, predicate) => {
      const { app, probe } = buildApp({ expressFactory, guards: [claimCheck(predicate as unknown as () => boolean)] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expect(res.status).toBe(500);
      expect(probe.appErrors).toHaveLength(1);
      expect(String(probe.appErrors[0])).toContain('claimCheck: the predicate must return true or false');
      expect(probe.handlerRan).toBe(false);
    });
  });

  describe('when the guards are combined', () => {
    it('requires every one of them', async () => {
      const { app } = buildApp({ expressFactory, guards: [claimEquals('org_id', 'acme'), claimIncludes('roles', 'editor')] });
      expect((await request(app).get('/probe').set('Authorization', bearer({ org_id: 'acme', roles: ['editor'] }))).status).toBe(200);
      expect((await request(app).get('/probe').set('Authorization', bearer({ org_id: 'acme', roles: ['viewer'] }))).status).toBe(403);
      expect((await request(app).get('/probe').set('Authorization', bearer({ org_id: 'other', roles: ['editor'] }))).status).toBe(403);
    });
  });

  describe('when authenticationMiddleware is not installed', () => {
    it('fails loudly, telling to install the middleware', async () => {
      const { app, probe } = buildApp({ expressFactory, install: false, guards: [claimEquals('org_id', 'acme')] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ org_id: 'acme' }));
      expect(res.status).toBe(500);
      expect(String(probe.appErrors[0])).toContain('claimEquals() found no authentication');
    });
  });

  describe('with a CORS preflight', () => {
    it('lets an OPTIONS request skip the route, as the other guards do', async () => {
      const app = expressFactory();
      app.use(authenticationMiddleware(jwtBackend()));
      let ran = false;
      app.options('/x', claimEquals('org_id', 'acme'), (_req, res) => { ran = true; res.send('guarded'); });
      app.options('/x', (_req, res) => { res.send('preflight'); });
      const res = await request(app).options('/x');
      expect(res.text).toBe('preflight');
      expect(ran).toBe(false);
    });
  });
});

describe('claim guards at construction', () => {
  it.each([
    ['claimEquals without a claim name', () => claimEquals('', 'x')],
    ['claimEquals with a claim name that is not a string', () => claimEquals(7 as unknown as string, 'x')],
    ['claimEquals with an object value', () => claimEquals('org', {} as unknown as string)],
    ['claimEquals with an array value', () => claimEquals('org', ['a'] as unknown as string)],
    ['claimEquals with NaN', () => claimEquals('org', Number.NaN)],
    ['claimEquals with undefined', () => claimEquals('org', undefined as unknown as string)],
    ['claimEquals with an unknown option', () => claimEquals('org', 'x', { status: 404 } as never)],
    ['claimIncludes without values', () => claimIncludes('roles')],
    ['claimIncludes with an empty array', () => claimIncludes('roles', [], () => undefined)],
    ['claimIncludes with an object value', () => claimIncludes('roles', {} as unknown as string)],
    ['claimCheck without a function', () => claimCheck('roles' as unknown as () => boolean)],
    ['claimCheck with a handler that is not a function', () => claimCheck(() => true, {}, 'handler' as never)],
  ])('throws a TypeError for %s', (_case, build) => {
    expect(build).toThrow(TypeError);
  });

  it('copies the values, so changing the caller\'s array later changes nothing', async () => {
    const values = ['editor'];
    const { app } = buildApp({ guards: [claimIncludes('roles', values, {})] });
    values[0] = 'viewer';
    expect((await request(app).get('/probe').set('Authorization', bearer({ roles: ['viewer'] }))).status).toBe(403);
  });

  it('declares the claims it checks, by name only, for OpenAPI', () => {
    expect(routeAccessOf(claimEquals('org_id', 'secret-org'))).toEqual({ kind: 'authenticated', scopes: [], claims: ['org_id'] });
    expect(routeAccessOf(claimIncludes('roles', 'editor'))).toEqual({ kind: 'authenticated', scopes: [], claims: ['roles'] });
    expect(routeAccessOf(claimCheck(() => true))).toEqual({ kind: 'authenticated', scopes: [], claims: [] });
  });
});
