import request from 'supertest';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../../lib';
import { checkClock, clockSeconds } from '../../lib/jwt/times';
import { buildApp, EXPRESS_VERSIONS, type Probe } from '../helpers/apps';
import { BACKENDS, withToken } from '../helpers/security-backends';
import { claims, NOW_MS, SECRET, signToken } from '../helpers/tokens';

// A clock that returns NaN, undefined or Infinity makes every time comparison false: without a
// check, exp, nbf, iat and maxAge all pass. The library fails closed instead: construction
// refuses such a clock, and a clock that breaks later makes every request an application
// error (the server's fault, so not a 401 that blames the client), cached tokens included.

/** What broken clocks return, by name. */
const BROKEN: ReadonlyArray<readonly [string, unknown, string]> = [
  ['NaN', Number.NaN, 'NaN'],
  ['undefined', undefined, 'undefined'],
  ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
  ['-Infinity', Number.NEGATIVE_INFINITY, '-Infinity'],
  ['null', null, 'null'],
  ['a numeric string', String(NOW_MS), 'a string'],
  ['a Date', new Date(NOW_MS), 'an object'],
];

/** A clock that tells the right time until `breakWith` sets what it returns instead. */
function switchableClock(): { readonly now: () => number; breakWith(value: unknown): void } {
  let broken = false;
  let value: unknown;
  return {
    now: () => (broken ? value : NOW_MS) as number,
    breakWith(next: unknown): void {
      broken = true;
      value = next;
    },
  };
}

/** A token that expired in 2001, an hour after it was issued. */
const TOKEN_OF_2001 = signToken(claims({ iat: Date.UTC(2001, 0, 1) / 1000, exp: Date.UTC(2001, 0, 1) / 1000 + 3600 }));

/** Asserts the broken clock reached the application's error handler as a TypeError, and nothing else happened. */
function expectClockError(res: request.Response, probe: Probe, described: string): void {
  expect(res.status).toBe(500);
  expect(res.body).toEqual({ error: 'application_error' });
  expect(res.headers['www-authenticate']).toBeUndefined();
  expect(probe.handlerRan).toBe(false);
  expect(probe.appErrors).toHaveLength(1);
  expect(probe.appErrors[0]).toBeInstanceOf(TypeError);
  expect((probe.appErrors[0] as Error).message).toContain(`"clock" returned ${described}, not a finite number of milliseconds`);
}

describe('checkClock', () => {
  it.each(BROKEN)('throws a TypeError naming the owner for a clock returning %s', (_name, value, described) => {
    expect(() => checkClock('MyBackend', () => value as number)).toThrow(TypeError);
    expect(() => checkClock('MyBackend', () => value as number)).toThrow(
      `MyBackend: "clock" must return milliseconds since the epoch as a finite number, like Date.now; it returned ${described}.`,
    );
  });

  it.each([
    ['Date.now', Date.now],
    ['a fixed clock', () => NOW_MS],
    ['a clock at the epoch', () => 0],
    ['a clock with a fraction of a millisecond', () => NOW_MS + 0.5],
  ])('accepts %s', (_name, clock) => {
    expect(() => checkClock('MyBackend', clock)).not.toThrow();
  });

  it('calls the clock once', () => {
    const clock = jest.fn(() => NOW_MS);
    checkClock('MyBackend', clock);
    expect(clock).toHaveBeenCalledTimes(1);
  });
});

describe('clockSeconds', () => {
  it('reads the clock in whole seconds', () => {
    expect(clockSeconds(() => NOW_MS + 999)).toBe(NOW_MS / 1000);
  });

  it.each(BROKEN)('throws a TypeError for a clock returning %s', (_name, value) => {
    expect(() => clockSeconds(() => value as number)).toThrow(TypeError);
  });
});

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend on %s when its clock breaks after construction', (_version, expressFactory) => {
  function appWith(options: Partial<JWTAuthenticationBackendOptions> = {}) {
    const clock = switchableClock();
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: clock.now, ...options });
    return { ...buildApp({ expressFactory, backend }), clock };
  }

  it.each(BROKEN)('hands a TypeError to next(err) for a clock returning %s, rather than accept a token that expired in 2001 under maxAge 60', async (_name, value, described) => {
    const target = appWith({ maxAge: 60 });
    target.clock.breakWith(value);
    const res = await request(target.app).get('/probe').set('Authorization', `Bearer ${TOKEN_OF_2001}`);
    expectClockError(res, target.probe, described);
  });

  it('hands a TypeError to next(err) for a token it has cached, once the clock breaks', async () => {
    const target = appWith();
    const token = signToken();
    expect((await request(target.app).get('/probe').set('Authorization', `Bearer ${token}`)).status).toBe(200);
    target.probe.handlerRan = false;
    target.clock.breakWith(Number.NaN);
    expectClockError(await request(target.app).get('/probe').set('Authorization', `Bearer ${token}`), target.probe, 'NaN');
  });

  it('hands a TypeError to next(err) for a cached token whose times failed, once the clock breaks', async () => {
    const target = appWith();
    expect((await request(target.app).get('/probe').set('Authorization', `Bearer ${TOKEN_OF_2001}`)).status).toBe(401);
    target.clock.breakWith(undefined);
    expectClockError(await request(target.app).get('/probe').set('Authorization', `Bearer ${TOKEN_OF_2001}`), target.probe, 'undefined');
  });

  it('answers as before once the clock is right again', async () => {
    let value: unknown = NOW_MS;
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: () => value as number });
    const target = buildApp({ expressFactory, backend });
    value = Number.NaN;
    expect((await request(target.app).get('/probe').set('Authorization', `Bearer ${signToken()}`)).status).toBe(500);
    value = NOW_MS;
    expect((await request(target.app).get('/probe').set('Authorization', `Bearer ${signToken()}`)).status).toBe(200);
  });
});

describe.each(BACKENDS)('$name, when its clock breaks after construction', (backendKind) => {
  it('hands a TypeError to next(err) rather than accept a token that expired in 2001', async () => {
    const clock = switchableClock();
    const { app, probe } = buildApp({ backend: backendKind.build({ secretKey: SECRET, clock: clock.now, maxAge: 60 }) });
    clock.breakWith(Number.NaN);
    const res = await withToken(request(app).get('/probe'), backendKind.transport, TOKEN_OF_2001);
    expectClockError(res, probe, 'NaN');
  });
});

describe('JWTAuthenticationBackend.createToken with a broken clock', () => {
  it.each(BROKEN)('throws a TypeError for a clock returning %s, rather than issue a token without a valid exp', (_name, value) => {
    const clock = switchableClock();
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, clock: clock.now });
    clock.breakWith(value);
    expect(() => backend.createToken('alice')).toThrow(TypeError);
    expect(() => backend.createToken('alice')).toThrow(/"clock" returned/);
  });
});
