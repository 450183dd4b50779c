import request from 'supertest';
import { authenticated, authenticationMiddleware, type AuthenticatedRequest, InsufficientUserAuthenticationError } from '../../lib';
import { routeAccessOf } from '../../lib/express/route-access';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { expectRejection } from '../helpers/expectations';
import { claims, NOW, signToken } from '../helpers/tokens';

const DESCRIPTION = 'The user must authenticate again, with a stronger method or more recently, to use this resource.';
const stepUpChallenge = (params: string): string =>
  `Bearer realm="api", error="insufficient_user_authentication", error_description="${DESCRIPTION}", ${params}`;
const bearer = (overrides: Record<string, unknown> = {}): string => `Bearer ${signToken(claims(overrides))}`;
const MFA = 'urn:example:mfa';
const PHISHING_RESISTANT = 'phr';

describe.each(EXPRESS_VERSIONS)('step-up guards (RFC 9470) on %s', (_name, expressFactory) => {
  describe('authenticated({ acrValues })', () => {
    it('lets a token whose acr is one of the values through', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ acrValues: [PHISHING_RESISTANT, MFA] })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr: MFA }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 insufficient_user_authentication with acr_values to a token with another acr', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ acrValues: [PHISHING_RESISTANT, MFA] })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr: 'pwd' }));
      expectRejection(res, probe, {
        status: 401,
        error: 'insufficient_user_authentication',
        reason: 'claim_mismatch',
        challenge: stepUpChallenge(`acr_values="${PHISHING_RESISTANT} ${MFA}"`),
      });
      expect(res.body).toMatchObject({ claim: 'acr', acr_values: `${PHISHING_RESISTANT} ${MFA}` });
      expect(res.body.max_age).toBeUndefined();
    });

    it('responds 401 with reason missing_claim to a token without acr', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ acrValues: MFA })] });
      const res = await request(app).get('/probe').set('Authorization', bearer());
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason: 'missing_claim', challenge: stepUpChallenge(`acr_values="${MFA}"`) });
    });

    it.each([
      ['an array holding the value', [MFA]],
      ['a number', 2],
      ['an object', { value: MFA }],
      ['null', null],
    ])('responds 401 claim_mismatch to an acr that is %s', async (_case, acr) => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ acrValues: [MFA] })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr }));
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason: 'claim_mismatch', challenge: stepUpChallenge(`acr_values="${MFA}"`) });
    });
  });

  describe('authenticated({ maxAge })', () => {
    it('lets a token whose auth_time is within maxAge of the backend\'s clock through', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ maxAge: 300 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ auth_time: NOW - 300 }));
      expect(res.status).toBe(200);
      expect(probe.handlerRan).toBe(true);
    });

    it('responds 401 with max_age and reason authentication_too_old to an older authentication', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ maxAge: 300 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ auth_time: NOW - 301 }));
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason: 'authentication_too_old', challenge: stepUpChallenge('max_age="300"') });
      expect(res.body).toMatchObject({ claim: 'auth_time', max_age: '300' });
    });

    it('reads auth_time against the backend\'s clock, not the system\'s', async () => {
      const backend = jwtBackend({ clock: () => (NOW + 3000) * 1000 });
      const { app, probe } = buildApp({ expressFactory, backend, guards: [authenticated({ maxAge: 600 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ auth_time: NOW }));
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason: 'authentication_too_old', challenge: stepUpChallenge('max_age="600"') });
    });

    it.each([
      ['missing', undefined, 'missing_claim'],
      ['a string', String(NOW), 'claim_mismatch'],
      ['an array', [NOW], 'claim_mismatch'],
    ])('responds 401 to an auth_time that is %s', async (_case, authTime, reason) => {
      const { app, probe } = buildApp({ expressFactory, guards: [authenticated({ maxAge: 60 })] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ auth_time: authTime }));
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason, challenge: stepUpChallenge('max_age="60"') });
    });

    it('with maxAge 0 requires an authentication in this very second', async () => {
      const { app } = buildApp({ expressFactory, guards: [authenticated({ maxAge: 0 })] });
      expect((await request(app).get('/probe').set('Authorization', bearer({ auth_time: NOW }))).status).toBe(200);
      expect((await request(app).get('/probe').set('Authorization', bearer({ auth_time: NOW - 1 }))).status).toBe(401);
    });
  });

  describe('authenticated({ acrValues, maxAge, scopes })', () => {
    const guard = (): ReturnType<typeof authenticated> => authenticated({ acrValues: [MFA], maxAge: 300, scopes: ['payments:write'] });

    it('lets a token satisfying all three through', async () => {
      const { app } = buildApp({ expressFactory, guards: [guard()] });
      expect((await request(app).get('/probe').set('Authorization', bearer({ acr: MFA, auth_time: NOW - 10, scope: 'payments:write' }))).status).toBe(200);
    });

    it('sends both acr_values and max_age in the challenge', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [guard()] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr: MFA, auth_time: NOW - 3600, scope: 'payments:write' }));
      expectRejection(res, probe, { status: 401, error: 'insufficient_user_authentication', reason: 'authentication_too_old', challenge: stepUpChallenge(`acr_values="${MFA}", max_age="300"`) });
      expect(res.body).toMatchObject({ acr_values: MFA, max_age: '300' });
    });

    it('asks for the authentication before the scopes: 401 before 403', async () => {
      const { app } = buildApp({ expressFactory, guards: [guard()] });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr: 'pwd', auth_time: NOW, scope: 'read' }));
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('insufficient_user_authentication');
      const strong = await request(app).get('/probe').set('Authorization', bearer({ acr: MFA, auth_time: NOW, scope: 'read' }));
      expect(strong.status).toBe(403);
      expect(strong.body.error).toBe('insufficient_scope');
    });

    it('responds 401 with a bare challenge to an anonymous request', async () => {
      const { app, probe } = buildApp({ expressFactory, guards: [guard()] });
      expectRejection(await request(app).get('/probe'), probe, { status: 401, error: 'not_authenticated', challenge: 'Bearer realm="api"' });
    });

    it('calls a handler it is given', async () => {
      const app = expressFactory();
      app.use(authenticationMiddleware(jwtBackend()));
      app.post('/pay', authenticated({ acrValues: MFA }, (_req: AuthenticatedRequest, res) => { res.status(201).send('paid'); }));
      expect((await request(app).post('/pay').set('Authorization', bearer({ acr: MFA }))).text).toBe('paid');
      expect((await request(app).post('/pay').set('Authorization', bearer({ acr: 'pwd' }))).status).toBe(401);
    });

    it('answers through the middleware\'s onError, with the error\'s requirements', async () => {
      const seen: unknown[] = [];
      const { app } = buildApp({
        expressFactory,
        guards: [guard()],
        middleware: {
          onError: (err, _req, res) => {
            if (err instanceof InsufficientUserAuthenticationError) seen.push([err.acrValues, err.maxAge, err.claim]);
            res.status(err.status).json({ custom: err.code });
          },
        },
      });
      const res = await request(app).get('/probe').set('Authorization', bearer({ acr: 'pwd' }));
      expect(res.body).toEqual({ custom: 'insufficient_user_authentication' });
      expect(seen).toEqual([[[MFA], 300, 'acr']]);
    });
  });
});

describe('step-up options at construction', () => {
  it.each([
    ['an empty acrValues list', { acrValues: [] }],
    ['an acr value with a space', { acrValues: ['a b'] }],
    ['an acr value with a quote', { acrValues: ['a"b'] }],
    ['an acr value that is not a string', { acrValues: [1] }],
    ['a negative maxAge', { maxAge: -1 }],
    ['a fractional maxAge', { maxAge: 1.5 }],
    ['a maxAge that is a string', { maxAge: '300' }],
  ])('throws a TypeError for %s', (_case, options) => {
    expect(() => authenticated(options as never)).toThrow(TypeError);
  });

  it('declares its requirement for OpenAPI', () => {
    expect(routeAccessOf(authenticated({ acrValues: MFA, maxAge: 60 }))).toEqual({ kind: 'authenticated', scopes: [], stepUp: { acrValues: [MFA], maxAge: 60 } });
    expect(routeAccessOf(authenticated())).toEqual({ kind: 'authenticated', scopes: [] });
  });

  it('does not mutate the options', () => {
    const acrValues = [MFA];
    const options = Object.freeze({ acrValues, maxAge: 60 });
    authenticated(options);
    expect(options).toEqual({ acrValues: [MFA], maxAge: 60 });
  });
});
