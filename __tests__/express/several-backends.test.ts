import type { IncomingMessage } from 'node:http';
import type { Request } from 'express';
import request from 'supertest';
import {
  AuthCredentials,
  type AuthenticationBackend,
  authenticationMiddleware,
  type AuthResult,
  authenticated,
  type Challenge,
  InvalidTokenError,
  SimpleUser,
} from '../../lib';
import { EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { buildProbeApp, cookieBackend } from '../helpers/cookies';
import { expectRejection, invalidTokenChallenge } from '../helpers/expectations';
import { claims, signToken } from '../helpers/tokens';

const API_KEY = 'k-0123456789';

/** A backend written against the public contract only: `X-API-Key` identifies a service. */
class ApiKeyBackend implements AuthenticationBackend {
  readonly challenge: Challenge = { scheme: 'ApiKey', realm: 'services' };
  calls = 0;

  authenticate(req: IncomingMessage): AuthResult | null {
    this.calls++;
    const key = req.headers['x-api-key'];
    if (key === undefined) return null;
    if (key !== API_KEY) throw new InvalidTokenError('bad_signature', { challenge: this.challenge });
    return { user: new SimpleUser('service'), credentials: new AuthCredentials(['authenticated', 'service']) };
  }
}

const ALICE = { isAuthenticated: true, displayName: 'alice', identity: 'user-1' };
const SERVICE = { isAuthenticated: true, displayName: 'service', identity: 'service' };
const ANONYMOUS = null;
const MALFORMED = invalidTokenChallenge('The access token is malformed.');
const BAD_KEY = invalidTokenChallenge('The access token signature is invalid.', 'services', 'ApiKey');
const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;

function backendOf(authenticate: AuthenticationBackend<Request>['authenticate'], challenge?: Challenge): AuthenticationBackend<Request> {
  return { authenticate, challenge };
}

describe.each(EXPRESS_VERSIONS)('authenticationMiddleware with several backends on %s', (_name, expressFactory) => {
  const chainApp = (apiKey = new ApiKeyBackend()) =>
    buildProbeApp({ expressFactory, backend: [jwtBackend(), cookieBackend({ cookieName: 'session' }), apiKey] });

  describe('with [JWT header, JWT cookie, API key]', () => {
    it('authenticates a request by the Authorization header', async () => {
      const { app } = chainApp();
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ALICE, scopes: ['authenticated', 'read'] });
    });

    it('authenticates a request by the cookie', async () => {
      const { app } = chainApp();
      const res = await request(app).get('/probe').set('Cookie', `session=${signToken(claims())}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ALICE, scopes: ['authenticated', 'read'] });
    });

    it('authenticates a request by the API key', async () => {
      const { app } = chainApp();
      const res = await request(app).get('/probe').set('X-API-Key', API_KEY);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        method: 'GET', path: '/probe', user: SERVICE, scopes: ['authenticated', 'service'], payload: null,
      });
    });

    it('treats a request with no credentials for any backend as anonymous', async () => {
      const apiKey = new ApiKeyBackend();
      const { app } = chainApp(apiKey);
      const res = await request(app).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ user: ANONYMOUS, scopes: [] });
      expect(apiKey.calls).toBe(1);
    });

    it('uses the first backend that finds credentials: a header token beats an API key', async () => {
      const apiKey = new ApiKeyBackend();
      const { app } = chainApp(apiKey);
      const res = await request(app).get('/probe').set('Authorization', bearer()).set('X-API-Key', API_KEY);
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual(ALICE);
      expect(apiKey.calls).toBe(0);
    });

    it('uses the cookie before the API key', async () => {
      const { app } = chainApp();
      const res = await request(app).get('/probe').set('Cookie', `session=${signToken(claims())}`).set('X-API-Key', API_KEY);
      expect(res.body.user).toEqual(ALICE);
    });

    it('stops at a bad bearer token and responds 401, without trying a valid API key', async () => {
      const apiKey = new ApiKeyBackend();
      const { app, probe } = chainApp(apiKey);
      const res = await request(app).get('/probe').set('Authorization', 'Bearer not-a-jwt').set('X-API-Key', API_KEY);
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'malformed', challenge: MALFORMED });
      expect(apiKey.calls).toBe(0);
    });

    it('responds 401 with the API key backend\'s challenge to a wrong API key', async () => {
      const { app, probe } = chainApp();
      const res = await request(app).get('/probe').set('X-API-Key', 'wrong');
      expectRejection(res, probe, { status: 401, error: 'invalid_token', reason: 'bad_signature', challenge: BAD_KEY });
    });
  });

  describe('with sync and async backends mixed', () => {
    it('goes on from a sync backend returning null to an async one resolving a user', async () => {
      const { app, probe } = buildProbeApp({
        expressFactory,
        backend: [
          backendOf(() => null),
          backendOf(async () => ({ user: new SimpleUser('bob'), credentials: new AuthCredentials(['authenticated']) })),
        ],
      });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'bob', identity: 'bob' });
      expect(probe.handlerRan).toBe(true);
    });

    it('goes on from an async backend resolving null to a sync one returning a user, and stops there', async () => {
      const third = jest.fn(() => null);
      const { app } = buildProbeApp({
        expressFactory,
        backend: [
          backendOf(async () => null),
          backendOf(() => ({ user: new SimpleUser('carol'), credentials: new AuthCredentials(['authenticated']) })),
          backendOf(third),
        ],
      });
      const res = await request(app).get('/probe');
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'carol', identity: 'carol' });
      expect(third).not.toHaveBeenCalled();
    });

    it('renders an AuthenticationError rejected by a later async backend', async () => {
      const challenge: Challenge = { scheme: 'Bearer', realm: 'api' };
      const { app, probe } = buildProbeApp({
        expressFactory,
        backend: [backendOf(() => null), backendOf(async () => { throw new InvalidTokenError('revoked', { challenge }); })],
      });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, {
        status: 401,
        error: 'invalid_token',
        reason: 'revoked',
        challenge: invalidTokenChallenge('The access token has been revoked.'),
      });
    });
  });

  describe('when a backend fails with an application error', () => {
    it.each([
      ['throws', backendOf(() => { throw new Error('database down'); })],
      ['rejects', backendOf(async () => { throw new Error('database down'); })],
    ])('passes the error to next(err) when the second backend %s a plain Error', async (_case, failing) => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: [jwtBackend(), failing, new ApiKeyBackend()] });
      const res = await request(app).get('/probe').set('X-API-Key', API_KEY);
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect(probe.handlerRan).toBe(false);
      expect(probe.appErrors).toHaveLength(1);
      expect((probe.appErrors[0] as Error).message).toBe('database down');
    });
  });

  describe('the guards\' bare challenge', () => {
    it.each([
      ['the JWT backend first', () => [jwtBackend({ realm: 'shop' }), new ApiKeyBackend()], 'Bearer realm="shop"'],
      ['the API key backend first', () => [new ApiKeyBackend(), jwtBackend({ realm: 'shop' })], 'ApiKey realm="services"'],
      ['a first backend without a challenge', () => [backendOf(() => null), new ApiKeyBackend()], 'Bearer realm="api"'],
    ])('is the first backend\'s challenge with %s', async (_case, backends, challenge) => {
      const { app, probe } = buildProbeApp({ expressFactory, backend: backends(), guards: [authenticated()] });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, { status: 401, error: 'not_authenticated', challenge });
    });
  });
});

describe('authenticationMiddleware backend list', () => {
  it('throws a TypeError at construction for an empty array', () => {
    expect(() => authenticationMiddleware([])).toThrow(TypeError);
    expect(() => authenticationMiddleware([])).toThrow(/a non-empty array of them/);
  });

  it('throws a TypeError at construction for an array holding something that is not a backend', () => {
    const notBackend = { authenticate: 'yes' } as unknown as AuthenticationBackend<Request>;
    expect(() => authenticationMiddleware([jwtBackend(), notBackend])).toThrow(TypeError);
  });

  it('does not mutate the array of backends', () => {
    const backends = Object.freeze([jwtBackend(), new ApiKeyBackend()]);
    expect(() => authenticationMiddleware(backends)).not.toThrow();
    expect(backends).toHaveLength(2);
  });

  it('uses the list as given at construction, not as later changed', async () => {
    const backends: AuthenticationBackend<Request>[] = [backendOf(() => null)];
    const { app } = buildProbeApp({ backend: backends });
    backends.push(new ApiKeyBackend());
    const res = await request(app).get('/probe').set('X-API-Key', API_KEY);
    expect(res.body.user).toEqual(ANONYMOUS);
  });
});
