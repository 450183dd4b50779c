import type { IncomingMessage } from 'node:http';
import request from 'supertest';
import { JWTAuthenticationBackend, type BaseUser, type TokenPayload } from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';

class AppUser implements BaseUser {
  readonly isAuthenticated = true;
  constructor(readonly id: string, readonly displayName: string, readonly tenant: string) {}
  get identity(): string {
    return this.id;
  }
}

const USERS = new Map([['user-1', new AppUser('user-1', 'Alice Liddell', 'acme')]]);

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend user hooks on %s', (_name, expressFactory) => {
  const bearer = { Authorization: `Bearer ${signToken()}` };

  describe('retrieveUser', () => {
    it.each([
      ['a sync', (payload: TokenPayload) => USERS.get(String(payload.sub))],
      ['an async', async (payload: TokenPayload) => USERS.get(String(payload.sub))],
    ])('makes req.user the application user returned by %s hook', async (_case, retrieveUser) => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'Alice Liddell', identity: 'user-1' });
      expect(res.body.scopes).toEqual(['authenticated', 'read']);
      expect(probe.handlerRan).toBe(true);
    });

    it('receives the verified claims and the request', async () => {
      const seen: [TokenPayload, string | undefined][] = [];
      const retrieveUser = (payload: TokenPayload, req: IncomingMessage): AppUser | undefined => {
        seen.push([payload, req.headers['x-trace']?.toString()]);
        return USERS.get('user-1');
      };
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app } = buildApp({ expressFactory, backend });
      await request(app).get('/probe').set(bearer).set('X-Trace', 't-1');
      expect(seen).toEqual([[claims(), 't-1']]);
    });

    it.each([
      ['null', () => null],
      ['undefined', async () => undefined],
    ])('responds 401 invalid_token with reason unknown_user when the hook returns %s', async (_case, retrieveUser) => {
      const backend = new JWTAuthenticationBackend<AppUser>({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expectRejection(res, probe, {
        status: 401, error: 'invalid_token', reason: 'unknown_user',
        challenge: invalidTokenChallenge('The access token belongs to a user that no longer exists.'),
      });
    });

    it.each([
      ['throws', () => { throw new Error('database down'); }],
      ['rejects', async () => { throw new Error('database down'); }],
    ])('hands the error to the application when the hook %s, never a 401', async (_case, retrieveUser) => {
      const backend = new JWTAuthenticationBackend<AppUser>({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(500);
      expect((probe.appErrors[0] as Error).message).toBe('database down');
      expect(probe.handlerRan).toBe(false);
    });

    it('hands a TypeError to the application when the hook returns something that is not a BaseUser', async () => {
      const retrieveUser = (): AppUser => ({ id: 'x' }) as unknown as AppUser;
      const backend = new JWTAuthenticationBackend<AppUser>({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(500);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
      expect((probe.appErrors[0] as Error).message).toMatch(/retrieveUser must return an object implementing BaseUser/);
    });

    it('is not called for a token that fails verification', async () => {
      const retrieveUser = jest.fn(() => USERS.get('user-1'));
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, retrieveUser });
      const { app } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ exp: 1 }))}`);
      expect(res.status).toBe(401);
      expect(retrieveUser).not.toHaveBeenCalled();
    });
  });

  describe('isRevoked', () => {
    it.each([
      ['a sync', (payload: TokenPayload) => payload.jti === 'revoked-1'],
      ['an async', async (payload: TokenPayload) => payload.jti === 'revoked-1'],
    ])('responds 401 invalid_token with reason revoked when %s hook says true', async (_case, isRevoked) => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, isRevoked });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ jti: 'revoked-1' }))}`);
      expectRejection(res, probe, {
        status: 401, error: 'invalid_token', reason: 'revoked',
        challenge: invalidTokenChallenge('The access token has been revoked.'),
      });
    });

    it('lets a token through when the hook says false, with the default JWTUser', async () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, isRevoked: () => false });
      const { app } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(200);
      expect(res.body.user.displayName).toBe('alice');
    });

    it('runs before retrieveUser, which a revoked token never reaches', async () => {
      const calls: string[] = [];
      const backend = new JWTAuthenticationBackend({
        secretKey: SECRET,
        clock: fixedClock,
        isRevoked: () => { calls.push('isRevoked'); return true; },
        retrieveUser: () => { calls.push('retrieveUser'); return USERS.get('user-1'); },
      });
      const { app } = buildApp({ expressFactory, backend });
      await request(app).get('/probe').set(bearer);
      expect(calls).toEqual(['isRevoked']);
    });

    it('hands a TypeError to the application when the hook returns something that is not a boolean', async () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, isRevoked: (() => undefined) as unknown as () => boolean });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(500);
      expect((probe.appErrors[0] as Error).message).toBe('isRevoked must return (or resolve to) true or false.');
    });

    it('hands a rejection of the hook to the application', async () => {
      const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: fixedClock, isRevoked: async () => { throw new Error('redis down'); } });
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe').set(bearer);
      expect(res.status).toBe(500);
      expect((probe.appErrors[0] as Error).message).toBe('redis down');
    });
  });
});

describe('JWTAuthenticationBackend user hooks construction', () => {
  it.each([
    ['retrieveUser', { retrieveUser: 'users' }],
    ['isRevoked', { isRevoked: true }],
  ])('throws a TypeError when %s is not a function', (name, options) => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, ...(options as object) })).toThrow(new RegExp(`"${name}" must be a function`));
  });
});
