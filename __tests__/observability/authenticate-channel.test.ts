import type { Request } from 'express';
import request from 'supertest';
import { type AuthenticateMessage, type AuthenticationBackend, authenticationMiddleware, AuthCredentials, CHANNELS, InvalidTokenError, SimpleUser } from '../../lib';
import { buildApp, EXPRESS_VERSIONS, jwtBackend } from '../helpers/apps';
import { recordChannels } from '../helpers/channel-recorder';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { claims, NOW, signToken } from '../helpers/tokens';

const recorder = recordChannels([CHANNELS.authenticate]);
afterAll(() => recorder.stop());
beforeEach(() => recorder.clear());

const published = (): AuthenticateMessage[] => recorder.on<AuthenticateMessage>(CHANNELS.authenticate);

/** A backend of another class, answering for the `X-Api-Key` header only, asynchronously. */
class ApiKeyBackend implements AuthenticationBackend<Request> {
  async authenticate(req: Request) {
    const key = req.headers['x-api-key'];
    if (key === undefined) return null;
    if (key !== 'good-key') throw new InvalidTokenError('bad_signature');
    return { user: new SimpleUser('service'), credentials: new AuthCredentials(['authenticated']) };
  }
}

describe.each(EXPRESS_VERSIONS)('express-jwt-auth:authenticate on %s', (_name, expressFactory) => {
  it('publishes authenticated with the backend, the verified algorithm and issuer, and a duration', async () => {
    const { app } = buildApp({ expressFactory });
    const token = signToken(claims({ iss: 'https://idp.example' }));
    expect((await request(app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    expect(published()).toEqual([{
      outcome: 'authenticated', reason: 'valid_credentials', backend: 'JWTAuthenticationBackend', algorithm: 'HS256', issuer: 'https://idp.example',
      durationSec: expect.any(Number) as number,
    }]);
    expect(published()[0].durationSec).toBeGreaterThanOrEqual(0);
  });

  it('publishes anonymous with reason no_credentials for a request without a token', async () => {
    const { app } = buildApp({ expressFactory });
    expect((await request(app).get('/probe')).status).toBe(200);
    expect(published()).toEqual([{ outcome: 'anonymous', reason: 'no_credentials', backend: undefined, durationSec: expect.any(Number) as number }]);
  });

  it('publishes anonymous with reason excluded and no backend for an excluded path', async () => {
    const { app } = buildApp({ expressFactory, middleware: { exclude: ['/probe'] } });
    expect((await request(app).get('/probe').set('Authorization', 'Bearer whatever')).status).toBe(200);
    expect(published()).toEqual([{ outcome: 'anonymous', reason: 'excluded', backend: undefined, durationSec: expect.any(Number) as number }]);
  });

  it('publishes refused with the error reason, and the refusal is answered as without a subscriber', async () => {
    const { app, probe } = buildApp({ expressFactory });
    const res = await request(app).get('/probe').set('Authorization', `Bearer ${signToken(claims({ exp: NOW - 10 }))}`);
    expectRejection(res, probe, invalidTokenRejection('expired'));
    expect(published()).toEqual([{ outcome: 'refused', reason: 'expired', backend: 'JWTAuthenticationBackend', durationSec: expect.any(Number) as number }]);
  });

  it('publishes refused with reason missing_token for an empty bearer header', async () => {
    const { app, probe } = buildApp({ expressFactory });
    const res = await request(app).get('/probe').set('Authorization', 'Bearer ');
    expect(res.status).toBe(400);
    expect(probe.handlerRan).toBe(false);
    expect(published().map((message) => [message.outcome, message.reason])).toEqual([['refused', (JSON.parse(res.text) as { reason: string }).reason]]);
  });

  it('names the backend of a chain that answered, sync or async', async () => {
    const chained = buildApp({ expressFactory, backend: new ApiKeyBackend() }).app;
    expect((await request(chained).get('/probe').set('X-Api-Key', 'good-key')).status).toBe(200);
    expect((await request(chained).get('/probe').set('X-Api-Key', 'bad-key')).status).toBe(401);
    expect(published().map((message) => [message.outcome, message.reason, message.backend])).toEqual([
      ['authenticated', 'valid_credentials', 'ApiKeyBackend'],
      ['refused', 'bad_signature', 'ApiKeyBackend'],
    ]);
    expect(published()[0]).not.toHaveProperty('algorithm');
  });

  it('names the second backend of two when the first finds nothing', async () => {
    const target = expressFactory();
    target.use(authenticationMiddleware([jwtBackend(), new ApiKeyBackend()]));
    target.get('/probe', (_req, res) => res.send('ok'));
    expect((await request(target).get('/probe').set('X-Api-Key', 'good-key')).status).toBe(200);
    expect(published().map((message) => message.backend)).toEqual(['ApiKeyBackend']);
  });

  it('publishes nothing for an application error from a backend (it goes to next(err))', async () => {
    const failing: AuthenticationBackend<Request> = { authenticate: () => { throw new Error('database down'); } };
    const { app, probe } = buildApp({ expressFactory, backend: failing });
    expect((await request(app).get('/probe')).status).toBe(500);
    expect(probe.appErrors).toHaveLength(1);
    expect(published()).toEqual([]);
  });
});
