import { generateKeyPairSync } from 'node:crypto';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, type TrustedIssuer } from '../../lib';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, fixedClock, SECRET, signToken } from '../helpers/tokens';

const A = 'https://login.tenant-a.example';
const B = 'https://auth.tenant-b.example/realms/b';

const build = (options: Partial<JWTAuthenticationBackendOptions>): JWTAuthenticationBackend =>
  new JWTAuthenticationBackend({ clock: fixedClock, ...options } as JWTAuthenticationBackendOptions);

describe('JWTAuthenticationBackend issuers option', () => {
  describe('when it is misconfigured', () => {
    it.each([
      ['an empty list', [], /"issuers" must be a non-empty array/],
      ['not an array', { issuer: A, audience: 'api' }, /"issuers" must be a non-empty array/],
      ['an entry that is not an object', ['https://idp.example'], /issuers\[0\]: each entry must be an object/],
      ['an entry without issuer', [{ audience: 'api' }], /issuers\[0\]: "issuer" must be the provider's issuer URL/],
      ['an entry without audience', [{ issuer: A }], /issuers\[0\]: "audience" is required/],
      ['an empty audience list', [{ issuer: A, audience: [] }], /issuers\[0\]: "audience" must be a non-empty string/],
      ['a plain-HTTP issuer on another host', [{ issuer: 'http://idp.example', audience: 'api' }], /issuers\[0\]: "issuer" is plain HTTP to a host other than this machine/],
      ['a non-HTTP issuer', [{ issuer: 'ftp://idp.example', audience: 'api' }], /issuers\[0\]: "issuer" must be an HTTPS URL, not ftp:/],
      ['an issuer that is not a URL', [{ issuer: 'tenant-a', audience: 'api' }], /issuers\[0\]: "issuer" is not an absolute URL/],
      ['an issuer with a query', [{ issuer: `${A}?tenant=1`, audience: 'api' }], /issuers\[0\]: "issuer" must not have a query or fragment/],
      ['an issuer with a fragment', [{ issuer: `${A}#x`, audience: 'api' }], /issuers\[0\]: "issuer" must not have a query or fragment/],
      ['the same issuer twice', [{ issuer: A, audience: 'api' }, { issuer: B, audience: 'api' }, { issuer: A, audience: 'other' }], /issuers\[2\]: issuer "https:\/\/login.tenant-a.example" is listed twice/],
      ['an unknown entry option', [{ issuer: A, audience: 'api', jwks_uri: `${A}/keys` }], /issuers\[0\]: unknown option "jwks_uri"/],
      ['a plain-HTTP jwksUri on another host', [{ issuer: A, audience: 'api', jwksUri: 'http://idp.example/keys' }], /issuers\[0\]: "jwksUri" is plain HTTP/],
      ['both jwksUri and secretKey', [{ issuer: A, audience: 'api', jwksUri: `${A}/keys`, secretKey: SECRET }], /issuers\[0\]: give "secretKey" or "jwksUri", not both/],
      ['discovery beside jwksUri', [{ issuer: A, audience: 'api', jwksUri: `${A}/keys`, discovery: 'openid-configuration' }], /issuers\[0\]: "discovery" finds the key set from "issuer"/],
      ['an unknown discovery document', [{ issuer: A, audience: 'api', discovery: 'webfinger' }], /issuers\[0\]: "discovery" must be 'openid-configuration', 'oauth-authorization-server'/],
      ['an HMAC algorithm for a remote key set', [{ issuer: A, audience: 'api', algorithms: ['HS256'] }], /issuers\[0\]: remote key sets only allow RS\/PS\/ES\/EdDSA algorithms/],
      ['an unsupported algorithm', [{ issuer: A, audience: 'api', algorithms: ['none'] }], /issuers\[0\]: algorithm "none" is not supported/],
      ['a weak secret', [{ issuer: A, audience: 'api', secretKey: 'short' }], /issuers\[0\]: HS256 needs a secret of at least 32 bytes/],
    ])('throws a TypeError for %s', (_what, issuers, message) => {
      expect(() => build({ issuers: issuers as unknown as TrustedIssuer[] })).toThrow(TypeError);
      expect(() => build({ issuers: issuers as unknown as TrustedIssuer[] })).toThrow(message);
    });

    it.each(['secretKey', 'jwksUri', 'issuer', 'audience', 'signingKeyId'] as const)('throws a TypeError when the backend also has %s', (name) => {
      const extra = { secretKey: SECRET, jwksUri: `${A}/keys`, issuer: A, audience: 'api', signingKeyId: 'k1' }[name];
      expect(() => build({ issuers: [{ issuer: A, audience: 'api' }], [name]: extra })).toThrow(`give "issuers" or "${name}", not both`);
    });

    it('throws a TypeError when the backend also has a signingKey, saying it only verifies', () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      expect(() => build({ issuers: [{ issuer: A, audience: 'api' }], signingKey: privateKey })).toThrow('and the backend only verifies');
    });

    it('throws a TypeError for keySetFetch.allowInsecureHttp in production, naming the entry', () => {
      const before = process.env.NODE_ENV;
      process.env.NODE_ENV = 'production';
      try {
        expect(() => build({ issuers: [{ issuer: 'http://keycloak:8080/realms/demo', audience: 'api', keySetFetch: { allowInsecureHttp: true } }] }))
          .toThrow(/issuers\[0\]: "keySetFetch.allowInsecureHttp" is for development only/);
      } finally {
        process.env.NODE_ENV = before;
      }
    });
  });

  describe('when it is well configured', () => {
    it('accepts plain HTTP to another host with keySetFetch.allowInsecureHttp, in development', () => {
      expect(() => build({ issuers: [{ issuer: 'http://keycloak:8080/realms/demo', audience: 'api', keySetFetch: { allowInsecureHttp: true } }] })).not.toThrow();
    });

    it('does not mutate the options or their entries', () => {
      const entry = Object.freeze({ issuer: A, audience: Object.freeze(['api', /^urn:api:/g]), discovery: Object.freeze(['oauth-authorization-server', 'openid-configuration'] as const) });
      const options = Object.freeze({ issuers: Object.freeze([entry]), clock: fixedClock });
      const copy = JSON.stringify(options);
      expect(() => new JWTAuthenticationBackend(options)).not.toThrow();
      expect(JSON.stringify(options)).toBe(copy);
    });

    it('has no keys of its own: jwks() and createToken() throw a TypeError', () => {
      const backend = build({ issuers: [{ issuer: A, audience: 'api', secretKey: SECRET }] });
      expect(() => backend.jwks()).toThrow(TypeError);
      expect(() => backend.createToken('alice')).toThrow(/cannot sign/);
    });
  });
});

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with issuers holding static keys (%s)', (_version, expressFactory) => {
  const OTHER_SECRET = 'other-secret-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV';
  const target = (): ReturnType<typeof remoteApp> => remoteApp({
    issuers: [
      { issuer: A, audience: 'api', secretKey: SECRET },
      { issuer: B, audience: 'api', secretKey: { 'b-1': OTHER_SECRET }, algorithms: ['HS512'] },
    ],
  }, expressFactory);

  it('verifies each issuer\'s tokens with its own secret', async () => {
    const app = target();
    expect((await probeWith(app, signToken(claims({ iss: A, aud: 'api' })))).status).toBe(200);
    const tokenB = signToken(claims({ iss: B, aud: 'api', sub: 'b' }), { key: OTHER_SECRET, algorithm: 'HS512', header: { kid: 'b-1' } });
    const res = await probeWith(app, tokenB);
    expect(res.status).toBe(200);
    expect(res.body.user.identity).toBe('b');
  });

  it('refuses a token signed with one issuer\'s secret that names the other issuer', async () => {
    const app = target();
    const forged = signToken(claims({ iss: B, aud: 'api' }), { key: SECRET, algorithm: 'HS512', header: { kid: 'b-1' } });
    expectInvalidToken(await probeWith(app, forged), app.probe, 'bad_signature');
    // Remembered as forged, and refused again the same way.
    expectInvalidToken(await probeWith(app, forged), app.probe, 'bad_signature');
  });

  it('refuses a token of one issuer whose algorithm only the other allows', async () => {
    const app = target();
    const token = signToken(claims({ iss: A, aud: 'api' }), { algorithm: 'HS512' });
    expectInvalidToken(await probeWith(app, token), app.probe, 'algorithm_not_allowed');
  });

  it('refuses an expired token of a listed issuer with expired, as a single-issuer backend would', async () => {
    const app = target();
    expectInvalidToken(await probeWith(app, signToken(claims({ iss: A, aud: 'api', exp: claims().iat as number - 1 }))), app.probe, 'expired', 'exp');
  });

  it('works with the verified-token cache turned off', async () => {
    const app = remoteApp({ cacheSize: 0, issuers: [{ issuer: A, audience: 'api', secretKey: SECRET }] }, expressFactory);
    const token = signToken(claims({ iss: A, aud: 'api' }));
    expect((await probeWith(app, token)).status).toBe(200);
    expect((await probeWith(app, token)).status).toBe(200);
  });
});
