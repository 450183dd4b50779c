import { JWTAuthenticationBackend } from '../../lib';
import { BACKENDS } from '../helpers/security-backends';
import { NOW_MS, SECRET } from '../helpers/tokens';

// The options reader calls the clock once (checkClock in lib/jwt/times.ts): a clock that cannot
// tell the time is a TypeError at construction, not a check that silently never fails.

describe('JWTAuthenticationBackend construction with a clock that does not return a finite number', () => {
  it.each([
    ['NaN', Number.NaN, 'NaN'],
    ['undefined', undefined, 'undefined'],
    ['Infinity', Number.POSITIVE_INFINITY, 'Infinity'],
    ['a numeric string', String(NOW_MS), 'a string'],
  ])('throws a TypeError naming the clock for a clock returning %s', (_name, value, described) => {
    const construct = (): JWTAuthenticationBackend => new JWTAuthenticationBackend({ secretKey: SECRET, clock: () => value as number });
    expect(construct).toThrow(TypeError);
    expect(construct).toThrow(`JWTAuthenticationBackend: "clock" must return milliseconds since the epoch as a finite number, like Date.now; it returned ${described}.`);
  });

  it.each(BACKENDS)('throws a TypeError for a clock returning NaN at $name', (backendKind) => {
    expect(() => backendKind.build({ secretKey: SECRET, clock: () => Number.NaN })).toThrow(/"clock" must return milliseconds since the epoch as a finite number/);
  });

  it('accepts Date.now and a fixed clock', () => {
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, clock: Date.now })).not.toThrow();
    expect(() => new JWTAuthenticationBackend({ secretKey: SECRET, clock: () => NOW_MS })).not.toThrow();
  });
});
