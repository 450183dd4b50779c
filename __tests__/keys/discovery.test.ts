import { type JoseKey, joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { DISCOVERY_PATH, JWKS_PATH, type JwksServer, startJwksServer } from '../helpers/jwks-server';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { FETCH, probeWith, remoteApp } from '../helpers/remote-apps';
import { jwtBackend } from '../helpers/apps';
import { claims } from '../helpers/tokens';

// OpenID Connect Discovery 1.0 §4: with only `issuer`, the backend reads
// `<issuer>/.well-known/openid-configuration`, which must name that very issuer (§4.3), and
// fetches the key set at its `jwks_uri`.

let idp: JwksServer;
let key: JoseKey;
let other: JoseKey;

beforeAll(async () => {
  idp = await startJwksServer();
  [key, other] = await Promise.all([joseKey('RS256', 'idp-1'), joseKey('RS256', 'idp-2')]);
});
afterAll(() => idp.close());
beforeEach(() => {
  idp.reset();
  idp.state.document = keySet(key);
  idp.state.discovery = { issuer: idp.origin, jwks_uri: idp.jwksUri, id_token_signing_alg_values_supported: ['RS256'] };
});

const tokenFrom = (signer: JoseKey, overrides: Record<string, unknown> = {}): Promise<string> =>
  joseToken(signer, { payload: claims({ iss: idp.origin, ...overrides }) });

describe('JWTAuthenticationBackend with OpenID Connect discovery', () => {
  describe('when the discovery document names the issuer and a jwks_uri', () => {
    it('fetches the discovery document, then the key set, and accepts a token of the issuer', async () => {
      const target = remoteApp({ issuer: idp.origin });
      const res = await probeWith(target, await tokenFrom(key));
      expect(res.status).toBe(200);
      expect(res.body.payload).toEqual(claims({ iss: idp.origin }));
      expect(target.probe.handlerRan).toBe(true);
      expect(idp.requests).toEqual([DISCOVERY_PATH, JWKS_PATH]);
    });

    it('reads the discovery document only once, and refetches only the key set afterwards', async () => {
      const target = remoteApp({ issuer: idp.origin });
      await probeWith(target, await tokenFrom(key));
      idp.state.document = keySet(key, other);
      target.clock.advance(FETCH.cooldownMs);
      expect((await probeWith(target, await tokenFrom(other))).status).toBe(200);
      expect(idp.requests).toEqual([DISCOVERY_PATH, JWKS_PATH, JWKS_PATH]);
    });

    it('follows a jwks_uri at another path', async () => {
      idp.state.discovery = { issuer: idp.origin, jwks_uri: `${idp.origin}${JWKS_PATH}?v=2` };
      const target = remoteApp({ issuer: idp.origin });
      expect((await probeWith(target, await tokenFrom(key))).status).toBe(200);
      expect(idp.requests).toEqual([DISCOVERY_PATH, `${JWKS_PATH}?v=2`]);
    });

    it('still checks the iss claim against the issuer: another issuer gets claim_mismatch', async () => {
      const target = remoteApp({ issuer: idp.origin });
      expectInvalidToken(await probeWith(target, await tokenFrom(key, { iss: 'https://evil.example' })), target.probe, 'claim_mismatch', 'iss');
    });
  });

  describe('when the discovery document cannot be used', () => {
    it.each([
      ['names another issuer', () => ({ issuer: 'https://evil.example', jwks_uri: idp.jwksUri })],
      ['names the issuer with a trailing slash', () => ({ issuer: `${idp.origin}/`, jwks_uri: idp.jwksUri })],
      ['has no issuer', () => ({ jwks_uri: idp.jwksUri })],
      ['has no jwks_uri', () => ({ issuer: idp.origin })],
      ['has a jwks_uri that is not a string', () => ({ issuer: idp.origin, jwks_uri: { href: idp.jwksUri } })],
      ['has a plain-HTTP jwks_uri on another host', () => ({ issuer: idp.origin, jwks_uri: 'http://idp.example.com/jwks.json' })],
      ['is not an object', () => 'openid'],
      ['is null', () => null],
    ])('answers 503 when it %s, without fetching any key set', async (_what, discovery) => {
      idp.state.discovery = discovery();
      const target = remoteApp({ issuer: idp.origin });
      expectUnavailable(await probeWith(target, await tokenFrom(key)), target.probe, 30);
      expect(idp.count(JWKS_PATH)).toBe(0);
    });

    it('answers 503 when there is no discovery document (404)', async () => {
      idp.state.discovery = undefined;
      const target = remoteApp({ issuer: idp.origin });
      expectUnavailable(await probeWith(target, await tokenFrom(key)), target.probe);
      expect(idp.requests).toEqual([DISCOVERY_PATH]);
    });

    it('answers 503 when the discovery document is valid but the key set is down', async () => {
      idp.state.status = 500;
      const target = remoteApp({ issuer: idp.origin });
      expectUnavailable(await probeWith(target, await tokenFrom(key)), target.probe);
    });

    it('tries discovery again after the cooldown, and accepts tokens once the document is right', async () => {
      idp.state.discovery = { issuer: idp.origin };
      const target = remoteApp({ issuer: idp.origin });
      const token = await tokenFrom(key);
      expectUnavailable(await probeWith(target, token), target.probe);
      idp.state.discovery = { issuer: idp.origin, jwks_uri: idp.jwksUri };
      target.clock.advance(FETCH.cooldownMs);
      expect((await probeWith(target, token)).status).toBe(200);
      expect(idp.requests).toEqual([DISCOVERY_PATH, DISCOVERY_PATH, JWKS_PATH]);
    });
  });

  describe('when the issuer cannot be used for discovery', () => {
    it.each([
      ['a plain-HTTP issuer on another host', { issuer: 'http://idp.example.com' }],
      ['a list of issuers', { issuer: ['https://a.example', 'https://b.example'] }],
      ['no issuer at all', {}],
      ['an issuer that is not a URL', { issuer: 'my-idp' }],
    ])('throws a TypeError at construction for %s', (_what, options) => {
      expect(() => jwtBackend({ secretKey: undefined, ...options })).toThrow(TypeError);
    });
  });
});
