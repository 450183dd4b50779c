import { generateKeyPairSync } from 'node:crypto';
import { JWTAuthenticationBackend, type JWTAuthenticationBackendOptions, type RemoteKeySetOptions } from '../../lib';
import { jwtBackend } from '../helpers/apps';
import { joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken } from '../helpers/key-set-expectations';
import { probeWith, remoteApp } from '../helpers/remote-apps';
import { fixedClock, pem, SECRET } from '../helpers/tokens';

// Every mistake in the remote key options is a TypeError at construction; none sends a request.

const JWKS_URI = 'https://idp.example.com/.well-known/jwks.json';
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A backend built from exactly these options (no default secret), with the fixed clock. */
function backend(options: Partial<JWTAuthenticationBackendOptions>): JWTAuthenticationBackend {
  return new JWTAuthenticationBackend({ clock: fixedClock, ...options });
}

describe('JWTAuthenticationBackend remote key options', () => {
  describe('when they are valid', () => {
    it.each([
      ['an HTTPS jwksUri', JWKS_URI],
      ['a plain-HTTP jwksUri to 127.0.0.1', 'http://127.0.0.1:8080/jwks.json'],
      ['a plain-HTTP jwksUri to localhost', 'http://localhost:8080/jwks.json'],
      ['a plain-HTTP jwksUri to [::1]', 'http://[::1]:8080/jwks.json'],
    ])('constructs with %s', (_what, jwksUri) => {
      expect(backend({ jwksUri })).toBeInstanceOf(JWTAuthenticationBackend);
    });

    it('constructs with every keySetFetch option', () => {
      expect(backend({ jwksUri: JWKS_URI, keySetFetch: { timeoutMs: 1, cooldownMs: 1, maxAgeMs: 1, maxBytes: 1 } })).toBeInstanceOf(JWTAuthenticationBackend);
    });

    it('does not mutate the options object nor keySetFetch', () => {
      const keySetFetch: RemoteKeySetOptions = { timeoutMs: 1000 };
      const options = { jwksUri: JWKS_URI, keySetFetch, algorithms: ['ES256' as const] };
      const snapshot = JSON.stringify(options);
      backend(options);
      expect(JSON.stringify(options)).toBe(snapshot);
    });
  });

  describe('when the jwksUri cannot be trusted', () => {
    it.each([
      ['plain HTTP to another host', 'http://idp.example.com/jwks'],
      ['plain HTTP to another loopback address than 127.0.0.1', 'http://127.0.0.2/jwks'],
      ['plain HTTP to a host that starts like localhost', 'http://localhost.evil.example/jwks'],
      ['another scheme', 'ftp://127.0.0.1/jwks'],
      ['a file URL', 'file:///etc/jwks.json'],
      ['a relative URL', '/.well-known/jwks.json'],
      ['an empty string', ''],
    ])('throws a TypeError for %s, before any request', (_what, jwksUri) => {
      expect(() => backend({ jwksUri })).toThrow(TypeError);
    });

    it('throws a TypeError mentioning HTTPS for a plain-HTTP jwksUri to another host', () => {
      expect(() => backend({ jwksUri: 'http://idp.example.com/jwks' })).toThrow(/HTTPS/);
    });

    it('throws a TypeError for a jwksUri that is not a string', () => {
      const options = { jwksUri: new URL(JWKS_URI) } as unknown as JWTAuthenticationBackendOptions;
      expect(() => backend(options)).toThrow(TypeError);
    });
  });

  describe('when the key options conflict', () => {
    it('throws a TypeError for both secretKey and jwksUri', () => {
      expect(() => backend({ secretKey: pem(rsa.publicKey), algorithm: 'RS256', jwksUri: JWKS_URI })).toThrow(/not both/);
    });

    it('throws a TypeError for signingKey with jwksUri: a remote key set never signs', () => {
      expect(() => backend({ jwksUri: JWKS_URI, signingKey: rsa.privateKey })).toThrow(TypeError);
    });

    it.each([
      ['HS256', ['HS256']],
      ['HS512', ['HS512']],
    ] as const)('throws a TypeError for %s: a published key set holds no HMAC secrets', (_what, algorithms) => {
      expect(() => backend({ jwksUri: JWKS_URI, algorithms: [...algorithms] })).toThrow(/RS\/PS\/ES\/EdDSA/);
    });

    it('throws a TypeError for RS256 mixed with HS256', () => {
      expect(() => backend({ jwksUri: JWKS_URI, algorithms: ['RS256', 'HS256'] })).toThrow(TypeError);
    });

    it('throws a TypeError for algorithm HS256 with jwksUri', () => {
      expect(() => backend({ jwksUri: JWKS_URI, algorithm: 'HS256' })).toThrow(TypeError);
    });
  });

  describe('when keySetFetch is wrong', () => {
    it('throws a TypeError naming an unknown option', () => {
      const keySetFetch = { timeoutMs: 1000, ttlMs: 5 } as unknown as RemoteKeySetOptions;
      expect(() => backend({ jwksUri: JWKS_URI, keySetFetch })).toThrow(/unknown option "ttlMs"/);
    });

    it.each([
      ['timeoutMs', -1], ['timeoutMs', 0], ['timeoutMs', Number.NaN], ['timeoutMs', Number.POSITIVE_INFINITY], ['timeoutMs', '5000'],
      ['cooldownMs', -1], ['maxAgeMs', -1], ['maxBytes', -1], ['maxBytes', 0],
    ])('throws a TypeError for %s %p', (name, value) => {
      const keySetFetch = { [name]: value } as unknown as RemoteKeySetOptions;
      expect(() => backend({ jwksUri: JWKS_URI, keySetFetch })).toThrow(new RegExp(`keySetFetch\\.${name}`));
    });

    it.each([['a string', 'fast'], ['null', null], ['a number', 5000]])('throws a TypeError when keySetFetch is %s', (_what, keySetFetch) => {
      expect(() => backend({ jwksUri: JWKS_URI, keySetFetch: keySetFetch as unknown as RemoteKeySetOptions })).toThrow(TypeError);
    });
  });

  describe('jwks()', () => {
    it('throws a TypeError on a backend that verifies a remote key set', () => {
      expect(() => backend({ jwksUri: JWKS_URI }).jwks()).toThrow(TypeError);
    });
  });

  describe('createToken()', () => {
    it('throws a TypeError on a backend that verifies a remote key set', () => {
      expect(() => backend({ jwksUri: JWKS_URI }).createToken('alice')).toThrow(TypeError);
    });
  });
});

describe('JWTAuthenticationBackend default algorithm with a remote key set', () => {
  let jwks: JwksServer;
  beforeAll(async () => {
    jwks = await startJwksServer();
  });
  afterAll(() => jwks.close());

  it('is RS256: an RS256 token is accepted and an ES256 token is refused with algorithm_not_allowed', async () => {
    const [rsaKey, ecKey] = await Promise.all([joseKey('RS256', 'rsa-1'), joseKey('ES256', 'ec-1')]);
    jwks.state.document = keySet(rsaKey, ecKey);
    const target = remoteApp({ jwksUri: jwks.jwksUri });
    expect((await probeWith(target, await joseToken(rsaKey))).status).toBe(200);
    expectInvalidToken(await probeWith(target, await joseToken(ecKey)), target.probe, 'algorithm_not_allowed');
  });

  it('stays HS256 for a backend with a secretKey', () => {
    expect(jwtBackend({ secretKey: SECRET }).createToken('alice').split('.')[0]).toBe(Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'));
  });
});
