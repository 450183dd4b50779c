import { JWTAuthenticationBackend, memoryStore, refreshHandler, type RefreshTokenOptions } from '../../lib';
import { SECRET } from '../helpers/tokens';

function build(refreshTokens: unknown, extra: object = {}): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ secretKey: SECRET, store: memoryStore(), refreshTokens: refreshTokens as RefreshTokenOptions, ...extra });
}

describe('the refreshTokens option', () => {
  it.each([
    ['without a store', () => new JWTAuthenticationBackend({ secretKey: SECRET, refreshTokens: {} }), /refreshTokens needs "store"/],
    ['that is not an object', () => build(true), /must be an options object/],
    ['with an unknown option', () => build({ lifetime: 60 }), /unknown option "lifetime"/],
    ['with a negative expiresIn', () => build({ expiresIn: -1 }), /"expiresIn" must be a finite number of at least 1/],
    ['with a fractional absoluteLifetime', () => build({ absoluteLifetime: 10.5 }), /"absoluteLifetime" must be a whole number of seconds/],
    ['with a reuseInterval of two minutes', () => build({ reuseInterval: 120 }), /"reuseInterval" must be at most 60 seconds/],
    ['with a reuseInterval that is not a number', () => build({ reuseInterval: '2' }), /"reuseInterval" must be a finite number/],
    ['with a refresh cookie on a header backend', () => build({ cookie: { path: '/auth' } }), /"cookie" needs the backend's "cookie" option/],
    ['on a cookie backend without the refresh cookie\'s path', () => build({}, { cookie: {} }), /needs "cookie": \{ path \}/],
    ['with a refresh cookie named as the access cookie', () => build({ cookie: { path: '/auth', name: 'token' } }, { cookie: {} }), /must differ from the access token cookie's name/],
    ['with an unknown refresh cookie option', () => build({ cookie: { path: '/auth', sameSite: 'lax' } }, { cookie: {} }), /unknown option "sameSite"/],
    ['with a refresh cookie path that is not a path', () => build({ cookie: { path: 'auth' } }, { cookie: {} }), /"path" must start with "\/"/],
  ])('throws a TypeError at construction %s', (_name, construct, message) => {
    expect(construct).toThrow(TypeError);
    expect(construct).toThrow(message);
  });

  it('is not mutated', () => {
    const options = Object.freeze({ expiresIn: 600, cookie: Object.freeze({ path: '/auth' }) });
    expect(() => build(options, { cookie: {} })).not.toThrow();
    expect(options).toEqual({ expiresIn: 600, cookie: { path: '/auth' } });
  });

  it('makes refresh() and refreshHandler() throw a TypeError on a backend without it', () => {
    const backend = new JWTAuthenticationBackend({ secretKey: SECRET, store: memoryStore() });
    expect(() => backend.refresh('x')).toThrow(/no "refreshTokens" option/);
    expect(() => refreshHandler(backend)).toThrow(/with the "refreshTokens" option/);
  });

  it('makes login() throw a TypeError for claims without a subject, or with a sid of their own', () => {
    const backend = build({});
    const res = {} as Parameters<JWTAuthenticationBackend['login']>[0];
    expect(() => backend.login(res, { scope: 'read' })).toThrow(/need a subject/);
    expect(() => backend.login(res, { sub: 'alice', sid: 'mine' })).toThrow(/"sid" is set by refresh tokens/);
  });
});
