import type { RequestHandler } from 'express';
import request from 'supertest';
import { requires } from '../../lib';
import * as freezing from '../../lib/jwt/deep-freeze';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, signToken } from '../helpers/tokens';

// The verified-token cache hands every request with the same token the same payload object:
// a handler that could change it would change what every later request with that token is
// granted. So the payload is frozen, at every depth, once per verification.

const OWNER_CHALLENGE =
  'Bearer realm="api", error="insufficient_scope", error_description="The access token lacks a scope this resource requires.", scope="owner"';

/** Claims with scopes in an `scp` array and a nested object, for mutations at every depth. */
const nestedClaims = (): Record<string, unknown> => claims({ scope: undefined, scp: ['read'], org: { id: 'o1', roles: ['member'], meta: { tier: 'free' } } });

/** The ways a handler might try to change the payload, each as strict-mode code. */
const MUTATIONS: ReadonlyArray<readonly [string, (payload: Record<string, unknown>) => void]> = [
  ['pushing a scope into scp', (payload) => (payload.scp as string[]).push('owner')],
  ['replacing scp', (payload) => { payload.scp = ['owner']; }],
  ['adding a scope claim', (payload) => { payload.scope = 'owner'; }],
  ['deleting exp', (payload) => { delete payload.exp; }],
  ['changing a nested member', (payload) => { (payload.org as Record<string, unknown>).id = 'o2'; }],
  ['pushing into a nested array', (payload) => ((payload.org as { roles: string[] }).roles).push('admin')],
  ['changing a member two levels down', (payload) => { ((payload.org as { meta: Record<string, unknown> }).meta).tier = 'pro'; }],
];

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend on %s, when a handler tries to change the verified payload', (_name, expressFactory) => {
  describe.each([
    ['with the verified-token cache', {}],
    ['with the cache off', { cacheSize: 0 }],
  ])('%s', (_case, options) => {
    it('throws at every attempt, and a later request with the same token is still refused requires("owner")', async () => {
      const backend = jwtBackend(options);
      const failures: unknown[] = [];
      const mutate: RequestHandler = (req, _res, next) => {
        for (const [, mutation] of MUTATIONS) {
          try {
            mutation(req.auth?.payload as Record<string, unknown>);
          } catch (err) {
            failures.push(err);
          }
        }
        next();
      };
      const mutating = buildApp({ expressFactory, backend, guards: [mutate] });
      const guarded = buildApp({ expressFactory, backend, guards: [requires('owner')] });
      const token = signToken(nestedClaims());

      const first = await request(mutating.app).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(first.status).toBe(200);
      expect(failures).toHaveLength(MUTATIONS.length);
      for (const failure of failures) expect(failure).toBeInstanceOf(TypeError);
      expect(first.body.payload).toEqual(nestedClaims());

      const second = await request(guarded.app).get('/probe').set('Authorization', `Bearer ${token}`);
      expectRejection(second, guarded.probe, { status: 403, error: 'insufficient_scope', challenge: OWNER_CHALLENGE });

      const third = await request(mutating.app).get('/probe').set('Authorization', `Bearer ${token}`);
      expect(third.body.payload).toEqual(nestedClaims());
      expect(third.body.scopes).toEqual(['authenticated', 'read']);
    });
  });
});

describe('JWTAuthenticationBackend payload freezing', () => {
  const spy = jest.spyOn(freezing, 'deepFreeze');
  afterEach(() => spy.mockClear());
  afterAll(() => spy.mockRestore());

  it('freezes objects and arrays at every depth of the payload it hands out', async () => {
    let seen: Record<string, unknown> | undefined;
    const capture: RequestHandler = (req, _res, next) => {
      seen = req.auth?.payload as Record<string, unknown>;
      next();
    };
    const { app } = buildApp({ backend: jwtBackend(), guards: [capture] });
    await request(app).get('/probe').set('Authorization', `Bearer ${signToken(nestedClaims())}`);
    const org = seen?.org as { roles: string[]; meta: object };
    for (const value of [seen, seen?.scp, org, org.roles, org.meta]) expect(Object.isFrozen(value)).toBe(true);
  });

  it('freezes once per verification, never on a cache hit', async () => {
    const target = buildApp({ backend: jwtBackend() });
    const token = signToken(nestedClaims());
    for (let i = 0; i < 3; i++) expect((await request(target.app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(spy).toHaveBeenCalledTimes(1);
  });
});

describe('deepFreeze', () => {
  it('freezes a value nested ten thousand levels deep without overflowing the stack', () => {
    const depth = 10_000;
    const value = JSON.parse(`${'['.repeat(depth)}{"deepest":true}${']'.repeat(depth)}`) as unknown;
    expect(freezing.deepFreeze(value)).toBe(value);
    let level: unknown = value;
    let frozenLevels = 0;
    for (let i = 0; i < depth; i++) {
      if (Object.isFrozen(level)) frozenLevels++;
      level = (level as unknown[])[0];
    }
    expect(frozenLevels).toBe(depth);
    expect(level).toEqual({ deepest: true });
    expect(Object.isFrozen(level)).toBe(true);
  });

  it('leaves strings, numbers, booleans and null as they are', () => {
    for (const value of ['a', 1, true, null]) expect(freezing.deepFreeze(value)).toBe(value);
  });
});
