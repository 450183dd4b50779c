import request from 'supertest';
import { CHANNELS, failureThrottle, memoryStore, type ThrottleMessage } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { recordChannels } from '../helpers/channel-recorder';
import { expectRejection, invalidTokenRejection } from '../helpers/expectations';
import { manualClock } from '../helpers/manual-clock';
import { claims, NOW, signToken } from '../helpers/tokens';
import { expectThrottled, throttledApp, unreachableStore } from './throttle-apps';

const expired = signToken(claims({ exp: NOW - 1 }));
const WINDOW_MS = 60_000;

describe.each(EXPRESS_VERSIONS)('authenticationMiddleware with a throttle on %s', (_name, expressFactory) => {
  const probeFrom = (app: Parameters<typeof request>[0], ip: string, token: string) =>
    request(app).get('/probe').set('X-Forwarded-For', ip).set('Authorization', `Bearer ${token}`);

  it('refuses up to maxFailures bad tokens with 401, then answers 429 with Retry-After, before any backend runs', async () => {
    const { app, probe } = throttledApp(failureThrottle({ store: memoryStore(), maxFailures: 3, windowMs: WINDOW_MS }), expressFactory);
    for (let i = 0; i < 3; i++) expectRejection(await probeFrom(app, '203.0.113.1', expired), probe, invalidTokenRejection('expired'));
    expectThrottled(await probeFrom(app, '203.0.113.1', expired), probe, 60);
    // Blocked: even a valid token is not examined until the window ends.
    expectThrottled(await probeFrom(app, '203.0.113.1', signToken()), probe, 60);
  });

  it('counts per client IP as req.ip says behind a trusted proxy: another client is not throttled', async () => {
    const { app, probe } = throttledApp(failureThrottle({ store: memoryStore(), maxFailures: 2, windowMs: WINDOW_MS }), expressFactory);
    for (let i = 0; i < 3; i++) await probeFrom(app, '203.0.113.1', expired);
    expectThrottled(await probeFrom(app, '203.0.113.1', expired), probe, 60);
    expectRejection(await probeFrom(app, '203.0.113.2', expired), probe, invalidTokenRejection('expired'));
    expect((await probeFrom(app, '203.0.113.2', signToken())).status).toBe(200);
  });

  it('never counts a valid token or an anonymous request', async () => {
    const { app, probe } = throttledApp(failureThrottle({ store: memoryStore(), maxFailures: 2, windowMs: WINDOW_MS }), expressFactory);
    for (let i = 0; i < 10; i++) expect((await probeFrom(app, '203.0.113.1', signToken())).status).toBe(200);
    for (let i = 0; i < 10; i++) expect((await request(app).get('/probe').set('X-Forwarded-For', '203.0.113.1')).status).toBe(200);
    probe.handlerRan = false;
    for (let i = 0; i < 2; i++) expectRejection(await probeFrom(app, '203.0.113.1', expired), probe, invalidTokenRejection('expired'));
  });

  it('lets the client in again once the window ends', async () => {
    const clock = manualClock();
    const { app, probe } = throttledApp(failureThrottle({ store: memoryStore({ clock: clock.now }), maxFailures: 1, windowMs: WINDOW_MS, clock: clock.now }), expressFactory);
    await probeFrom(app, '203.0.113.1', expired);
    expectThrottled(await probeFrom(app, '203.0.113.1', expired), probe, 60);
    clock.advance(WINDOW_MS);
    expect((await probeFrom(app, '203.0.113.1', signToken())).status).toBe(200);
  });

  it('fails open when the store cannot be reached: the refusal is answered as without a throttle, and an event says so', async () => {
    const recorder = recordChannels([CHANNELS.throttle]);
    try {
      const { app, probe } = throttledApp(failureThrottle({ store: unreachableStore(), maxFailures: 1, windowMs: WINDOW_MS }), expressFactory);
      for (let i = 0; i < 3; i++) expectRejection(await probeFrom(app, '203.0.113.1', expired), probe, invalidTokenRejection('expired'));
      expect((await probeFrom(app, '203.0.113.1', signToken())).status).toBe(200);
      expect(recorder.on<ThrottleMessage>(CHANNELS.throttle)).toEqual(Array(3).fill({ event: 'store_unavailable', scope: 'ip', where: 'middleware' }));
    } finally {
      recorder.stop();
    }
  });

  it('publishes counted and blocked decisions without the address', async () => {
    const recorder = recordChannels([CHANNELS.throttle]);
    try {
      const { app } = throttledApp(failureThrottle({ store: memoryStore(), maxFailures: 1, windowMs: WINDOW_MS }), expressFactory);
      await probeFrom(app, '203.0.113.1', expired);
      await probeFrom(app, '203.0.113.1', expired);
      const messages = recorder.on<ThrottleMessage>(CHANNELS.throttle);
      expect(messages.map((message) => [message.event, message.count])).toEqual([['counted', 1], ['counted', 2], ['blocked', undefined]]);
      expect(JSON.stringify(messages)).not.toContain('203.0.113.1');
    } finally {
      recorder.stop();
    }
  });
});

describe('failureThrottle options', () => {
  it.each([
    ['no store', {}],
    ['a store that is not one', { store: {} }],
    ['maxFailures 0', { store: memoryStore(), maxFailures: 0 }],
    ['a fractional windowMs', { store: memoryStore(), windowMs: 1.5 }],
    ['an unknown option', { store: memoryStore(), limit: 5 }],
    ['a clock that is not a function', { store: memoryStore(), clock: 5 }],
  ])('throws a TypeError for %s', (_what, options) => {
    expect(() => failureThrottle(options as never)).toThrow(TypeError);
  });

  it('throws a TypeError when the middleware is given a throttle not built by failureThrottle', async () => {
    const { authenticationMiddleware } = await import('../../lib');
    const { jwtBackend } = await import('../helpers/apps');
    expect(() => authenticationMiddleware(jwtBackend(), { throttle: { maxFailures: 5 } as never })).toThrow(
      new TypeError('authenticationMiddleware: "throttle" must be built by failureThrottle({ store }), e.g. throttle: failureThrottle({ store: memoryStore() }).'),
    );
  });
});
