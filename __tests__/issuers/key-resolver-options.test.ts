import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, memoryStore } from '../../lib';
import { joseKey, joseToken } from '../helpers/jose-keys';
import { claims, fixedClock, SECRET } from '../helpers/tokens';

const resolver = (): null => null;
const build = (options: Partial<JWTAuthenticationBackendOptions>): JWTAuthenticationBackend =>
  new JWTAuthenticationBackend({ clock: fixedClock, ...options } as JWTAuthenticationBackendOptions);

describe('JWTAuthenticationBackend keyResolver option', () => {
  describe('when it is misconfigured', () => {
    it.each([
      ['no algorithms', { keyResolver: resolver }, /with "keyResolver", give "algorithms"/],
      ['a resolver that is not a function', { keyResolver: 'tenant-keys', algorithms: ['RS256'] }, /"keyResolver" must be a function/],
      ['algorithms of two kinds', { keyResolver: resolver, algorithms: ['RS256', 'HS256'] }, /mixes HMAC and asymmetric algorithms/],
      ['keyResolution without keyResolver', { secretKey: SECRET, keyResolution: { cacheSize: 10 } }, /"keyResolution" configures "keyResolver"/],
      ['keyResolution that is not an object', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: 5 }, /"keyResolution" must be an object/],
      ['an unknown keyResolution option', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: { ttl: 5 } }, /keyResolution: unknown option "ttl"/],
      ['a negative cacheSize', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: { cacheSize: -1 } }, /"keyResolution.cacheSize" must be a finite number/],
      ['a fractional cacheSize', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: { cacheSize: 1.5 } }, /"keyResolution.cacheSize" must be a whole number/],
      ['a zero timeoutMs', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: { timeoutMs: 0 } }, /"keyResolution.timeoutMs" must be a finite number of at least 1/],
      ['a cacheKey that is not a function', { keyResolver: resolver, algorithms: ['RS256'], keyResolution: { cacheKey: 'tenant' } }, /"keyResolution.cacheKey" must be a function/],
    ])('throws a TypeError for %s', (_what, options, message) => {
      expect(() => build(options as Partial<JWTAuthenticationBackendOptions>)).toThrow(TypeError);
      expect(() => build(options as Partial<JWTAuthenticationBackendOptions>)).toThrow(message);
    });

    it.each(['secretKey', 'jwksUri', 'discovery', 'keySetFetch', 'signingKeyId'] as const)('throws a TypeError beside %s', (name) => {
      const extra = { secretKey: SECRET, jwksUri: 'https://idp.example/keys', discovery: 'oauth-authorization-server', keySetFetch: {}, signingKeyId: 'k' }[name];
      expect(() => build({ keyResolver: resolver, algorithms: ['RS256'], [name]: extra })).toThrow(`give "keyResolver" or "${name}", not both`);
    });

    it('throws a TypeError beside issuers', () => {
      expect(() => build({ keyResolver: resolver, algorithms: ['RS256'], issuers: [{ issuer: 'https://idp.example', audience: 'api' }] }))
        .toThrow('give "issuers" or "keyResolver", not both');
    });
  });

  describe('when it is well configured', () => {
    it('does not mutate the options', () => {
      const keyResolution = Object.freeze({ cacheSize: 5, timeoutMs: 100 });
      const options = Object.freeze({ keyResolver: resolver, algorithms: Object.freeze(['RS256'] as const), keyResolution });
      expect(() => new JWTAuthenticationBackend(options)).not.toThrow();
      expect(keyResolution).toEqual({ cacheSize: 5, timeoutMs: 100 });
    });

    it('has no keys of its own to publish or sign with', () => {
      const backend = build({ keyResolver: resolver, algorithms: ['RS256'] });
      expect(() => backend.jwks()).toThrow(TypeError);
      expect(() => backend.createToken('alice')).toThrow(/cannot sign/);
    });

    it('revokes by jti, and says why a whole token cannot be verified without its request', async () => {
      const key = await joseKey('RS256', 'k');
      const backend = build({ keyResolver: () => key.publicKey, algorithms: ['RS256'], store: memoryStore() });
      await backend.ready();
      await expect(backend.revoke(await joseToken(key, { payload: claims({ jti: 'j-1' }) }))).rejects.toThrow(/Revoke by jti instead/);
      await expect(backend.revoke('j-1')).resolves.toBeUndefined();
      await backend.close();
    });
  });
});
