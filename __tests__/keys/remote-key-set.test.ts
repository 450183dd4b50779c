import { generateKeyPairSync } from 'node:crypto';
import request from 'supertest';
import { EXPRESS_VERSIONS } from '../helpers/apps';
import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { probeWith, remoteApp } from '../helpers/remote-apps';
import { claims, hmacToken, pem, rawToken, signToken } from '../helpers/tokens';

// Keys and tokens come from jose, an implementation independent of the one under test; the key
// set is served over real HTTP by a local endpoint each test configures.

const ALL = ['RS256', 'ES256', 'EdDSA'] as const;

let jwks: JwksServer;
let rsa: JoseKey;
let rsa2: JoseKey;
let ec: JoseKey;
let ed: JoseKey;

beforeAll(async () => {
  jwks = await startJwksServer();
  [rsa, rsa2, ec, ed] = await Promise.all([joseKey('RS256', 'rsa-1'), joseKey('RS256', 'rsa-2'), joseKey('ES256', 'ec-1'), joseKey('EdDSA', 'ed-1')]);
});
afterAll(() => jwks.close());
beforeEach(() => jwks.reset());

function keyFor(alg: (typeof ALL)[number]): JoseKey {
  return { RS256: rsa, ES256: ec, EdDSA: ed }[alg];
}

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with a remote key set on %s', (_name, expressFactory) => {
  describe('when the token is signed by a key in the set', () => {
    it.each(ALL)('accepts a %s token made by jose, choosing the key by its kid', async (alg) => {
      jwks.state.document = keySet(rsa, ec, ed);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: [...ALL] }, expressFactory);
      const res = await probeWith(target, await joseToken(keyFor(alg)));
      expect(res.status).toBe(200);
      expect(res.body.user).toEqual({ isAuthenticated: true, displayName: 'alice', identity: 'user-1' });
      expect(res.body.payload).toEqual(claims());
      expect(target.probe.handlerRan).toBe(true);
      expect(jwks.count()).toBe(1);
    });

    it('fetches the set once for tokens of every key while it is fresh', async () => {
      jwks.state.document = keySet(rsa, ec, ed);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: [...ALL] }, expressFactory);
      for (const key of [rsa, ec, ed, rsa]) {
        const res = await probeWith(target, await joseToken(key));
        expect(res.status).toBe(200);
      }
      expect(jwks.count()).toBe(1);
    });
  });

  describe('when the token is signed by another key than its kid names', () => {
    it('responds 401 bad_signature', async () => {
      jwks.state.document = keySet(rsa, rsa2);
      const target = remoteApp({ jwksUri: jwks.jwksUri }, expressFactory);
      const forged = await joseToken({ ...rsa2, kid: rsa.kid });
      expectInvalidToken(await probeWith(target, forged), target.probe, 'bad_signature');
    });
  });
});

describe('JWTAuthenticationBackend with a remote key set', () => {
  describe('before the first token', () => {
    it('sends no request to the key-set endpoint at construction', async () => {
      jwks.state.document = keySet(rsa);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      await request(target.app).get('/probe');
      expect(jwks.requests).toEqual([]);
      expect((await probeWith(target, await joseToken(rsa))).status).toBe(200);
      expect(jwks.requests).toEqual(['/jwks.json']);
    });
  });

  describe('when the kid names a key of another type', () => {
    it('refuses an ES256 token whose kid is an RSA key with unknown_key', async () => {
      jwks.state.document = keySet(rsa, ec);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256', 'ES256'] });
      expectInvalidToken(await probeWith(target, await joseToken(ec, { kid: rsa.kid })), target.probe, 'unknown_key');
    });
  });

  describe('when the kid is not a string', () => {
    it('responds 401 malformed', async () => {
      jwks.state.document = keySet(rsa);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expectInvalidToken(await probeWith(target, rawToken({ alg: 'RS256', typ: 'JWT', kid: 42 }, claims())), target.probe, 'malformed');
    });
  });

  describe('when the token has no kid', () => {
    it('accepts it when the set holds exactly one key for its algorithm, among keys of other types', async () => {
      jwks.state.document = keySet(rsa, ec, ed);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: [...ALL] });
      const res = await probeWith(target, await joseToken(rsa, { kid: null }));
      expect(res.status).toBe(200);
    });

    it('refuses it with unknown_key when two keys could verify it, rather than guess', async () => {
      jwks.state.document = keySet(rsa, rsa2);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expectInvalidToken(await probeWith(target, await joseToken(rsa, { kid: null })), target.probe, 'unknown_key');
    });
  });

  describe('when no key of the set fits the token algorithm', () => {
    it('refuses an ES256 token with unknown_key when the set holds only RSA keys and RS256 is also allowed', async () => {
      jwks.state.document = keySet(rsa, rsa2);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256', 'ES256'] });
      expectInvalidToken(await probeWith(target, await joseToken(ec)), target.probe, 'unknown_key');
    });

    it('responds 503 when no key of the set fits any allowed algorithm (an ES256-only backend, RSA keys)', async () => {
      jwks.state.document = keySet(rsa, rsa2);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['ES256'] });
      expectUnavailable(await probeWith(target, await joseToken(ec)), target.probe, 30);
    });
  });

  describe('when a JWK names its algorithm', () => {
    let rs512: JoseKey;
    beforeAll(async () => {
      rs512 = await joseKey('RS512', 'rsa-512', { alg: 'RS512' });
    });

    it('does not use a key marked alg RS512 for an RS256 token (unknown_key)', async () => {
      jwks.state.document = keySet(rs512, ec);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256', 'RS512', 'ES256'] });
      expectInvalidToken(await probeWith(target, await joseToken(rs512, { alg: 'RS256' })), target.probe, 'unknown_key');
    });

    it('uses the same key for an RS512 token', async () => {
      jwks.state.document = keySet(rs512, ec);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: ['RS256', 'RS512', 'ES256'] });
      expect((await probeWith(target, await joseToken(rs512))).status).toBe(200);
    });
  });

  describe('when the set holds encryption keys', () => {
    let encryption: JoseKey;
    beforeAll(async () => {
      encryption = await joseKey('RS256', 'rsa-enc', { use: 'enc' });
    });

    it('ignores a use "enc" key: a token naming it gets unknown_key', async () => {
      jwks.state.document = keySet(encryption, { ...rsa, jwk: { ...rsa.jwk, use: 'sig' } });
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expectInvalidToken(await probeWith(target, await joseToken(encryption)), target.probe, 'unknown_key');
    });

    it('does not count a use "enc" key when a token without kid needs the one fitting key', async () => {
      jwks.state.document = keySet(encryption, rsa);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expect((await probeWith(target, await joseToken(rsa, { kid: null }))).status).toBe(200);
    });

    it('responds 503 when the set holds encryption keys only', async () => {
      jwks.state.document = keySet(encryption);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expectUnavailable(await probeWith(target, await joseToken(encryption)), target.probe);
    });
  });

  describe('when one JWK of the set is broken', () => {
    it('still uses the others', async () => {
      jwks.state.document = { keys: [{ kty: 'RSA', kid: 'broken', n: 'AQAB', e: 'x' }, rsa.jwk] };
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expect((await probeWith(target, await joseToken(rsa))).status).toBe(200);
    });
  });

  describe('when the set holds an RSA key under 2048 bits', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakSet = { keys: [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak' }] };
    const weakToken = (): string => signToken(claims(), { key: weak.privateKey, algorithm: 'RS256', header: { kid: 'weak' } });

    it('leaves it out, so a set of only weak keys is unavailable (503)', async () => {
      jwks.state.document = weakSet;
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      expectUnavailable(await probeWith(target, weakToken()), target.probe);
    });

    it('uses it with allowWeakKeys: true', async () => {
      jwks.state.document = weakSet;
      const target = remoteApp({ jwksUri: jwks.jwksUri, allowWeakKeys: true });
      expect((await probeWith(target, weakToken())).status).toBe(200);
    });
  });

  describe('when the token is an HMAC token', () => {
    it('responds 401 algorithm_not_allowed without fetching the set', async () => {
      jwks.state.document = keySet(rsa);
      const target = remoteApp({ jwksUri: jwks.jwksUri, algorithms: [...ALL] });
      expectInvalidToken(await probeWith(target, signToken(claims(), { header: { kid: rsa.kid } })), target.probe, 'algorithm_not_allowed');
      expect(jwks.count()).toBe(0);
    });

    it('refuses an HS256 token keyed with the public key PEM (algorithm confusion) with algorithm_not_allowed', async () => {
      jwks.state.document = keySet(rsa);
      const target = remoteApp({ jwksUri: jwks.jwksUri });
      const confused = hmacToken({ alg: 'HS256', typ: 'JWT', kid: rsa.kid }, claims(), pem(rsa.publicKey));
      expectInvalidToken(await probeWith(target, confused), target.probe, 'algorithm_not_allowed');
    });
  });
});
