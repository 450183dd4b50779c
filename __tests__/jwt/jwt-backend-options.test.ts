import { createSecretKey } from 'node:crypto';
import request from 'supertest';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions } from '../../lib';
import { buildApp, jwtBackend } from '../helpers/apps';
import { claims, keys, pem, SECRET, signToken } from '../helpers/tokens';

async function get(options: Partial<JWTAuthenticationBackendOptions>, headers: Record<string, string>): Promise<request.Response> {
  const { app } = buildApp({ backend: jwtBackend(options) });
  return request(app).get('/probe').set(headers);
}

describe('JWTAuthenticationBackend options', () => {
  describe('prefix', () => {
    it('reads tokens after a custom scheme such as starlette-jwt\'s JWT', async () => {
      const res = await get({ prefix: 'JWT' }, { Authorization: `JWT ${signToken()}` });
      expect(res.status).toBe(200);
    });

    it('treats Bearer as another scheme (anonymous) when the prefix is JWT', async () => {
      const res = await get({ prefix: 'JWT' }, { Authorization: `Bearer ${signToken()}` });
      expect(res.body.user).toBeNull();
    });

    it('uses the prefix as the scheme of its challenges', async () => {
      const res = await get({ prefix: 'JWT', realm: 'shop' }, { Authorization: 'JWT not-a-token' });
      expect(res.headers['www-authenticate']).toMatch(/^JWT realm="shop", error="invalid_token"/);
    });
  });

  describe('header', () => {
    it('reads the credentials from a custom header', async () => {
      const res = await get({ header: 'X-Access-Token' }, { 'X-Access-Token': `Bearer ${signToken()}` });
      expect(res.status).toBe(200);
    });
  });

  describe('usernameField', () => {
    it('names the user by the configured claim', async () => {
      const res = await get({ usernameField: 'email' }, { Authorization: `Bearer ${signToken(claims({ email: 'a@example.com' }))}` });
      expect(res.body.user.displayName).toBe('a@example.com');
    });

    it('falls back to sub when the claim is missing', async () => {
      const res = await get({ usernameField: 'email' }, { Authorization: `Bearer ${signToken()}` });
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'user-1', identity: 'user-1' });
    });

    it('gives empty names, never a 500, when neither the claim nor sub is present', async () => {
      const res = await get({}, { Authorization: `Bearer ${signToken(claims({ sub: undefined, username: { nested: true } }))}` });
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: '', identity: '' });
    });
  });

  describe('scopesClaim', () => {
    it.each([
      ['a space-delimited scope string', { scope: 'a b' }, ['authenticated', 'a', 'b']],
      ['an scp array', { scope: undefined, scp: ['a', 'b'] }, ['authenticated', 'a', 'b']],
      ['a scopes array', { scope: undefined, scopes: ['a'] }, ['authenticated', 'a']],
      ['a scope claim of the wrong type', { scope: 42 }, ['authenticated']],
    ])('reads %s by default', async (_case, extra, scopes) => {
      const res = await get({}, { Authorization: `Bearer ${signToken(claims(extra))}` });
      expect(res.body.scopes).toEqual(scopes);
    });

    it('reads only the configured claim when scopesClaim is set', async () => {
      const res = await get({ scopesClaim: 'roles' }, { Authorization: `Bearer ${signToken(claims({ roles: ['admin'] }))}` });
      expect(res.body.scopes).toEqual(['authenticated', 'admin']);
    });
  });
});

describe('JWTAuthenticationBackend construction', () => {
  it.each([
    ['no options', undefined, /pass an options object/],
    ['no key at all', {}, /give "secretKey", "jwksUri", or a single HTTPS "issuer"/],
    ['an unknown option such as starlette-jwt\'s secret_key', { secret_key: SECRET }, /unknown option "secret_key"/],
    ['algorithm none', { secretKey: SECRET, algorithm: 'none' }, /"none" is never allowed/],
    ['an unknown algorithm', { secretKey: SECRET, algorithm: 'HS1' }, /not supported/],
    ['both algorithm and algorithms', { secretKey: SECRET, algorithm: 'HS256', algorithms: ['HS256'] }, /not both/],
    ['an empty algorithm list', { secretKey: SECRET, algorithms: [] }, /must not be empty/],
    ['HMAC mixed with RSA', { secretKey: SECRET, algorithms: ['HS256', 'RS256'] }, /mixes HMAC and asymmetric/],
    ['an empty secret', { secretKey: '' }, /must not be empty/],
    ['a PEM public key as HMAC secret', { secretKey: pem(keys.rsa.publicKey) }, /looks like a PEM key/],
    ['a secret for RS256', { secretKey: SECRET, algorithm: 'RS256' }, /not a PEM public key/],
    ['a secret KeyObject for RS256', { secretKey: createSecretKey(Buffer.from(SECRET)), algorithm: 'RS256' }, /need a public key/],
    ['an RSA public key for HS256', { secretKey: keys.rsa.publicKey }, /need a secret key/],
    ['an RSA key for ES256', { secretKey: keys.rsa.publicKey, algorithm: 'ES256' }, /needs an EC key on curve prime256v1/],
    ['a P-384 key for ES256', { secretKey: keys.ec384.publicKey, algorithm: 'ES256' }, /curve prime256v1/],
    ['an EC key for RS256', { secretKey: keys.ec256.publicKey, algorithm: 'RS256' }, /needs an RSA key/],
    ['a number as key', { secretKey: 42 }, /must be a string, a Buffer or a KeyObject/],
    ['a prefix with a space', { secretKey: SECRET, prefix: 'My Bearer' }, /single HTTP token/],
    ['an empty header name', { secretKey: SECRET, header: '' }, /non-empty string/],
    ['a realm that cannot be written into a header', { secretKey: SECRET, realm: 'API ✓' }, /"realm" must be printable ASCII/],
    ['a realm with a line break', { secretKey: SECRET, realm: 'api\r\nX-Evil: 1' }, /"realm" must be printable ASCII/],
    ['a negative clockTolerance', { secretKey: SECRET, clockTolerance: -1 }, /"clockTolerance" must be a finite number/],
    ['a maxAge of zero', { secretKey: SECRET, maxAge: 0 }, /"maxAge" must be a finite number of at least 1/],
    ['a clock that is not a function', { secretKey: SECRET, clock: 5 }, /"clock" must be a function/],
    ['an issuer that is a number', { secretKey: SECRET, issuer: 5 }, /"issuer" must be an array/],
    ['an empty audience list', { secretKey: SECRET, audience: [] }, /"audience" must be/],
    ['requiredClaims that is a string', { secretKey: SECRET, requiredClaims: 'exp' }, /"requiredClaims" must be an array/],
  ])('throws a TypeError for %s', (_case, options, message) => {
    expect(() => new JWTAuthenticationBackend(options as unknown as JWTAuthenticationBackendOptions)).toThrow(TypeError);
    expect(() => new JWTAuthenticationBackend(options as unknown as JWTAuthenticationBackendOptions)).toThrow(message);
  });

  it('never includes the secret in a construction error', () => {
    expect(() => new JWTAuthenticationBackend({ secretKey: 'super-secret-value', algorithm: 'RS256' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('super-secret-value') }) as Error,
    );
  });

  it('does not mutate its options object', () => {
    const options = { secretKey: SECRET, algorithms: ['HS256', 'HS256'], issuer: ['a'], audience: ['b'], requiredClaims: ['exp'] } as const;
    const copy = JSON.parse(JSON.stringify(options)) as unknown;
    const backend = new JWTAuthenticationBackend(Object.freeze(options) as unknown as JWTAuthenticationBackendOptions);
    expect(backend).toBeInstanceOf(JWTAuthenticationBackend);
    expect(options).toEqual(copy);
  });

  it('exposes its challenge for the guards', () => {
    expect(new JWTAuthenticationBackend({ secretKey: SECRET, realm: 'shop' }).challenge).toEqual({ scheme: 'Bearer', realm: 'shop' });
  });
});
