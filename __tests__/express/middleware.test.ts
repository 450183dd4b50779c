import type { Request } from 'express';
import request from 'supertest';
import {
  AuthCredentials,
  type AuthenticationBackend,
  authenticationMiddleware,
  InvalidTokenError,
  SimpleUser,
} from '../../lib';
import { buildApp, EXPRESS_VERSIONS } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';

const user = new SimpleUser('bob');
const credentials = new AuthCredentials(['authenticated', 'read']);

function backendOf(authenticate: AuthenticationBackend<Request>['authenticate']): AuthenticationBackend<Request> {
  return { authenticate };
}

describe.each(EXPRESS_VERSIONS)('authenticationMiddleware on %s', (_name, expressFactory) => {
  describe('when the backend finds no credentials', () => {
    it.each([
      ['returns null', backendOf(() => null)],
      ['resolves to null', backendOf(async () => null)],
      ['returns undefined', backendOf(() => undefined as unknown as null)],
    ])('sets an anonymous user and empty credentials when the backend %s', async (_case, backend) => {
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: null, scopes: [], payload: null });
      expect(probe.handlerRan).toBe(true);
    });
  });

  describe('when the backend accepts the credentials', () => {
    it.each([
      ['sync', backendOf(() => ({ user, credentials }))],
      ['async', backendOf(async () => ({ user, credentials }))],
    ])('sets req.user and req.auth from a %s backend', async (_case, backend) => {
      const { app } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ user: { isAuthenticated: true, displayName: 'bob', identity: 'bob' }, scopes: ['authenticated', 'read'], payload: null });
    });
  });

  describe('when the backend rejects the credentials', () => {
    it.each([
      ['throws', backendOf(() => { throw new InvalidTokenError('revoked'); })],
      ['rejects', backendOf(async () => { throw new InvalidTokenError('revoked'); })],
    ])('renders the AuthenticationError when the backend %s', async (_case, backend) => {
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe');
      expectRejection(res, probe, {
        status: 401,
        error: 'invalid_token',
        reason: 'revoked',
        challenge: 'Bearer realm="api", error="invalid_token", error_description="The access token has been revoked."',
      });
    });

    it('calls onError instead of the default rendering', async () => {
      const seen: string[] = [];
      const { app, probe } = buildApp({
        expressFactory,
        backend: backendOf(() => { throw new InvalidTokenError('expired'); }),
        middleware: { onError: (err, _req, res) => { seen.push(err.code); res.status(err.status).json({ custom: true }); } },
      });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ custom: true });
      expect(seen).toEqual(['invalid_token']);
      expect(probe.handlerRan).toBe(false);
    });

    it.each([
      ['throws', () => { throw new Error('onError broke'); }],
      ['rejects', async () => { throw new Error('onError broke'); }],
    ])('passes the error to next(err) when onError %s', async (_case, onError) => {
      const { app, probe } = buildApp({
        expressFactory,
        backend: backendOf(() => { throw new InvalidTokenError('expired'); }),
        middleware: { onError },
      });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(500);
      expect((probe.appErrors[0] as Error).message).toBe('onError broke');
      expect(probe.handlerRan).toBe(false);
    });
  });

  describe('when the backend fails with an error of its own', () => {
    it.each([
      ['throws', backendOf(() => { throw new Error('database down'); })],
      ['rejects', backendOf(async () => { throw new Error('database down'); })],
    ])('hands the error to the application error handler when the backend %s', async (_case, backend) => {
      const { app, probe } = buildApp({ expressFactory, backend });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ error: 'application_error' });
      expect((probe.appErrors[0] as Error).message).toBe('database down');
      expect(probe.handlerRan).toBe(false);
    });

    it('hands a TypeError to the application when the backend returns something that is not a result', async () => {
      const { app, probe } = buildApp({ expressFactory, backend: backendOf(() => ({ user: 'bob' }) as never) });
      const res = await request(app).get('/probe');
      expect(res.status).toBe(500);
      expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
      expect(probe.handlerRan).toBe(false);
    });
  });
});

describe('authenticationMiddleware construction', () => {
  it.each([
    ['no backend', undefined],
    ['a backend without authenticate', {}],
  ])('throws a TypeError for %s', (_case, backend) => {
    expect(() => authenticationMiddleware(backend as never)).toThrow(/backend with an authenticate\(req\) method/);
  });

  it('throws a TypeError for an onError that is not a function', () => {
    expect(() => authenticationMiddleware(backendOf(() => null), { onError: 'log' as never })).toThrow(TypeError);
  });

  it('throws a TypeError naming an unknown option', () => {
    expect(() => authenticationMiddleware(backendOf(() => null), { onerror: () => undefined } as never)).toThrow(/unknown option "onerror"/);
  });

  it('does not mutate its options object', () => {
    const options = Object.freeze({ onError: () => undefined });
    expect(() => authenticationMiddleware(backendOf(() => null), options)).not.toThrow();
    expect(Object.keys(options)).toEqual(['onError']);
  });
});
