import type { Express } from 'express';
import request from 'supertest';
import { CHANNELS, type FailureThrottle, failureThrottle, memoryStore, type ThrottleMessage } from '../../lib';
import { buildTokenApp, expectOAuth2Error, form, type TokenProbe } from '../oauth2/token-apps';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { recordChannels } from '../helpers/channel-recorder';
import { unreachableStore } from './throttle-apps';

const WINDOW_MS = 60_000;
const ALICE = { grant_type: 'password', username: 'alice', password: 'alice-password' };
const wrong = (username: string) => ({ grant_type: 'password', username, password: 'guess' });

describe.each(EXPRESS_VERSIONS)('the token endpoint with a throttle on %s', (_name, expressFactory) => {
  function tokenApp(throttle: FailureThrottle): { app: Express; probe: TokenProbe } {
    const built = buildTokenApp({ expressFactory, endpoint: { throttle } });
    built.app.set('trust proxy', 'loopback');
    return built;
  }
  const signIn = (app: Express, ip: string, fields: Record<string, string>) =>
    request(app).post('/token').set('X-Forwarded-For', ip).type('form').send(form(fields));

  function expectSlowDown(res: request.Response, probe: TokenProbe, callsBefore: number): void {
    expectOAuth2Error(res, probe, {
      status: 429,
      error: 'slow_down',
      description: 'Too many failed authentication attempts; try again after the Retry-After delay.',
    });
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    // Refused before the password was checked: a blocked attacker learns nothing.
    expect(probe.verifyCalls).toHaveLength(callsBefore);
  }

  it('answers 429 slow_down for a username past maxFailuresPerUsername, from any address, even with the right password', async () => {
    const { app, probe } = tokenApp(failureThrottle({ store: memoryStore(), maxFailures: 100, maxFailuresPerUsername: 3, windowMs: WINDOW_MS }));
    for (let i = 0; i < 3; i++) expectOAuth2Error(await signIn(app, `198.51.100.${i}`, wrong('alice')), probe, { status: 400, error: 'invalid_grant' });
    expectSlowDown(await signIn(app, '198.51.100.77', ALICE), probe, 3);
    // Another user is not affected.
    expect((await signIn(app, '198.51.100.77', { grant_type: 'password', username: 'admin', password: 'admin-password' })).status).toBe(200);
  });

  it('counts a username whatever its case or width, so Alice and ａｌｉｃｅ are not fresh attempts at alice', async () => {
    const { app, probe } = tokenApp(failureThrottle({ store: memoryStore(), maxFailures: 100, maxFailuresPerUsername: 2, windowMs: WINDOW_MS }));
    for (const username of ['Alice', 'ａｌｉｃｅ']) expectOAuth2Error(await signIn(app, '198.51.100.1', wrong(username)), probe, { status: 400, error: 'invalid_grant' });
    expectSlowDown(await signIn(app, '198.51.100.1', ALICE), probe, 2);
  });

  it('answers 429 slow_down for an address past maxFailures, whatever username it tries', async () => {
    const { app, probe } = tokenApp(failureThrottle({ store: memoryStore(), maxFailures: 3, maxFailuresPerUsername: 100, windowMs: WINDOW_MS }));
    for (const username of ['u1', 'u2', 'u3']) expect((await signIn(app, '198.51.100.1', wrong(username))).status).toBe(400);
    expectSlowDown(await signIn(app, '198.51.100.1', ALICE), probe, 3);
    expect((await signIn(app, '198.51.100.2', ALICE)).status).toBe(200);
  });

  it('never counts a successful sign-in', async () => {
    const { app, probe } = tokenApp(failureThrottle({ store: memoryStore(), maxFailures: 2, maxFailuresPerUsername: 2, windowMs: WINDOW_MS }));
    for (let i = 0; i < 10; i++) expect((await signIn(app, '198.51.100.1', ALICE)).status).toBe(200);
    for (let i = 0; i < 2; i++) expectOAuth2Error(await signIn(app, '198.51.100.1', wrong('alice')), probe, { status: 400, error: 'invalid_grant' });
    expectSlowDown(await signIn(app, '198.51.100.1', ALICE), probe, 12);
  });

  it('fails open when the store cannot be reached: sign-ins are checked as without a throttle, and an event says so', async () => {
    const recorder = recordChannels([CHANNELS.throttle]);
    try {
      const { app, probe } = tokenApp(failureThrottle({ store: unreachableStore(), maxFailures: 1, maxFailuresPerUsername: 1, windowMs: WINDOW_MS }));
      for (let i = 0; i < 3; i++) expectOAuth2Error(await signIn(app, '198.51.100.1', wrong('alice')), probe, { status: 400, error: 'invalid_grant' });
      expect((await signIn(app, '198.51.100.1', ALICE)).status).toBe(200);
      const events = recorder.on<ThrottleMessage>(CHANNELS.throttle);
      expect(new Set(events.map((message) => `${message.event}/${message.scope}/${message.where}`))).toEqual(new Set([
        'store_unavailable/ip/token_endpoint', 'store_unavailable/username/token_endpoint',
      ]));
      expect(JSON.stringify(events)).not.toContain('alice');
    } finally {
      recorder.stop();
    }
  });

  it('counts a failed client authentication against the address only', async () => {
    const throttle = failureThrottle({ store: memoryStore(), maxFailures: 1, maxFailuresPerUsername: 1, windowMs: WINDOW_MS });
    const built = buildTokenApp({ expressFactory, endpoint: { throttle, verifyClient: (id, secret) => id === 'app' && secret === 'app-secret' } });
    built.app.set('trust proxy', 'loopback');
    const withClient = (ip: string, secret: string) => request(built.app).post('/token').set('X-Forwarded-For', ip).auth('app', secret).type('form').send(form(ALICE));
    expect((await withClient('198.51.100.1', 'wrong')).status).toBe(401);
    expect((await withClient('198.51.100.1', 'wrong')).status).toBe(429);
    expect((await withClient('198.51.100.2', 'app-secret')).status).toBe(200);
  });
});

describe('the token endpoint throttle option', () => {
  it('throws a TypeError at construction for a throttle not built by failureThrottle', () => {
    expect(() => buildTokenApp({ endpoint: { throttle: {} as never } })).toThrow(
      new TypeError('tokenEndpoint: "throttle" must be built by failureThrottle({ store }), e.g. throttle: failureThrottle({ store: memoryStore() }).'),
    );
  });
});
