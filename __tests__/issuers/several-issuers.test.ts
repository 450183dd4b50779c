import { EXPRESS_VERSIONS } from '../helpers/apps';
import { joseKey, joseToken, keySet } from '../helpers/jose-keys';
import { expectInvalidToken, expectUnavailable } from '../helpers/key-set-expectations';
import { FETCH, probeWith, type RemoteApp, remoteApp } from '../helpers/remote-apps';
import { claims } from '../helpers/tokens';
import type { TrustedIssuer } from '../../lib';
import { type IdentityProvider, metadataPath, startIdentityProvider } from './identity-providers';

// Three providers, each publishing its keys its own way: a bare JWKS URL, OpenID Connect
// discovery, and RFC 8414 metadata for an issuer with a path (the path-insertion rule).
let plain: IdentityProvider;
let oidc: IdentityProvider;
let oauth: IdentityProvider;

beforeAll(async () => {
  [plain, oidc, oauth] = await Promise.all([
    startIdentityProvider('jwks-only', '/plain'),
    startIdentityProvider('openid-configuration', '', 'ES256'),
    startIdentityProvider('oauth-authorization-server', '/realms/b'),
  ]);
});
afterAll(() => Promise.all([plain.close(), oidc.close(), oauth.close()]));
beforeEach(() => {
  for (const idp of [plain, oidc, oauth]) {
    idp.requests.length = 0;
    idp.outageStatus = undefined;
  }
});

function issuers(): TrustedIssuer[] {
  return [
    { issuer: plain.issuer, audience: 'api', jwksUri: plain.jwksUri },
    { issuer: oidc.issuer, audience: 'api', algorithms: ['ES256'] },
    { issuer: oauth.issuer, audience: ['api', 'other-api'], discovery: 'oauth-authorization-server' },
  ];
}

const fetchCount = (): number => plain.requests.length + oidc.requests.length + oauth.requests.length;

describe.each(EXPRESS_VERSIONS)('JWTAuthenticationBackend with issuers (%s)', (_version, expressFactory) => {
  let target: RemoteApp;
  beforeEach(() => {
    target = remoteApp({ issuers: issuers() }, expressFactory);
  });

  describe('when each provider sends a token of its own', () => {
    it('accepts the token of the provider with a bare jwksUri, fetching only its key set', async () => {
      const res = await probeWith(target, await plain.token({ sub: 'p-1' }));
      expect(res.status).toBe(200);
      expect(res.body.payload).toEqual(claims({ iss: plain.issuer, aud: 'api', sub: 'p-1' }));
      expect(target.probe.handlerRan).toBe(true);
      expect(plain.requests).toEqual(['/plain/jwks']);
      expect(oidc.requests).toEqual([]);
      expect(oauth.requests).toEqual([]);
    });

    it('accepts the token of the OpenID Connect provider after reading its openid-configuration', async () => {
      const res = await probeWith(target, await oidc.token({ sub: 'o-1' }));
      expect(res.status).toBe(200);
      expect(res.body.user.identity).toBe('o-1');
      expect(oidc.requests).toEqual([metadataPath('openid-configuration', ''), '/jwks']);
    });

    it('accepts the token of the RFC 8414 provider after reading its metadata at the inserted well-known path', async () => {
      const res = await probeWith(target, await oauth.token({ sub: 'b-1' }));
      expect(res.status).toBe(200);
      expect(res.body.user.identity).toBe('b-1');
      expect(oauth.requests).toEqual(['/.well-known/oauth-authorization-server/realms/b', '/realms/b/jwks']);
    });

    it('serves all three side by side, each fetched once', async () => {
      for (let round = 0; round < 2; round += 1) {
        for (const idp of [plain, oidc, oauth]) expect((await probeWith(target, await idp.token())).status).toBe(200);
      }
      expect(plain.requests).toHaveLength(1);
      expect(oidc.requests).toHaveLength(2);
      expect(oauth.requests).toHaveLength(2);
    });
  });

  describe('when the token names an issuer outside the list', () => {
    it('responds 401 claim_mismatch for iss without any request to any provider', async () => {
      const token = await joseToken(plain.key, { payload: claims({ iss: `${plain.origin}/elsewhere`, aud: 'api' }) });
      expectInvalidToken(await probeWith(target, token), target.probe, 'claim_mismatch', 'iss');
      expect(fetchCount()).toBe(0);
    });

    it('never fetches from an issuer URL the token chooses, even one on a provider\'s host', async () => {
      const token = await joseToken(oidc.key, { payload: claims({ iss: `${oidc.origin}/attacker`, aud: 'api' }) });
      expectInvalidToken(await probeWith(target, token), target.probe, 'claim_mismatch', 'iss');
      expect(fetchCount()).toBe(0);
    });

    it('refuses an issuer that differs only by a trailing slash, without a fetch', async () => {
      const token = await joseToken(oauth.key, { payload: claims({ iss: `${oauth.issuer}/`, aud: 'api' }) });
      expectInvalidToken(await probeWith(target, token), target.probe, 'claim_mismatch', 'iss');
      expect(fetchCount()).toBe(0);
    });
  });

  describe('when the token has no usable iss', () => {
    it('responds 401 missing_claim for a token without iss, without a fetch', async () => {
      expectInvalidToken(await probeWith(target, await plain.token({ iss: undefined })), target.probe, 'missing_claim', 'iss');
      expect(fetchCount()).toBe(0);
    });

    it.each([[42], [['a', 'b']], [null], [{ url: 'x' }]])('responds 401 malformed for iss %j, without a fetch', async (iss) => {
      expectInvalidToken(await probeWith(target, await plain.token({ iss })), target.probe, 'malformed', 'iss');
      expect(fetchCount()).toBe(0);
    });

    it('responds 401 malformed for a token that is not a JWT, without a fetch', async () => {
      expectInvalidToken(await probeWith(target, 'not.a.jwt'), target.probe, 'malformed');
      expect(fetchCount()).toBe(0);
    });
  });

  describe('when a token borrows another provider\'s identity', () => {
    it('refuses a token signed by one provider naming another as iss (that issuer\'s keys do not verify it)', async () => {
      // Same kid as the named provider's key, so only the signature can tell.
      const token = await joseToken(plain.key, { payload: claims({ iss: oauth.issuer, aud: 'api' }), kid: oauth.key.kid });
      expectInvalidToken(await probeWith(target, token), target.probe, 'bad_signature');
    });

    it('refuses a provider\'s token for another audience with claim_mismatch for aud', async () => {
      expectInvalidToken(await probeWith(target, await plain.token({ aud: 'other-api' })), target.probe, 'claim_mismatch', 'aud');
    });

    it('accepts the audiences each entry lists: other-api only at the provider that lists it', async () => {
      expect((await probeWith(target, await oauth.token({ aud: 'other-api' }))).status).toBe(200);
    });

    it('applies each entry\'s algorithms: an RS256 token is refused where only ES256 is allowed', async () => {
      const token = await joseToken(plain.key, { payload: claims({ iss: oidc.issuer, aud: 'api' }) });
      expectInvalidToken(await probeWith(target, token), target.probe, 'algorithm_not_allowed');
      expect(oidc.requests).toEqual([]);
    });
  });

  describe('when one provider is down', () => {
    it('answers 503 for that provider\'s tokens and 200 for the others\'', async () => {
      oauth.outageStatus = 500;
      expectUnavailable(await probeWith(target, await oauth.token()), target.probe, FETCH.cooldownMs / 1000);
      expect((await probeWith(target, await plain.token())).status).toBe(200);
      expect((await probeWith(target, await oidc.token())).status).toBe(200);
      expectUnavailable(await probeWith(target, await oauth.token({ sub: 'again' })), target.probe);
      // The failed provider is asked once per cooldown; the others are not held back by it.
      expect(oauth.requests).toEqual(['/.well-known/oauth-authorization-server/realms/b']);
    });

    it('keeps serving a provider whose keys were fetched while another one goes down and comes back', async () => {
      expect((await probeWith(target, await plain.token())).status).toBe(200);
      oidc.outageStatus = 503;
      expectUnavailable(await probeWith(target, await oidc.token()), target.probe);
      plain.outageStatus = 500;
      expect((await probeWith(target, await plain.token({ sub: 'later' }))).status).toBe(200);
      oidc.outageStatus = undefined;
      target.clock.advance(FETCH.cooldownMs);
      expect((await probeWith(target, await oidc.token())).status).toBe(200);
    });
  });

  describe('when a token is sent again', () => {
    it('answers from the verified-token cache: no second fetch, and its claims still checked against the clock', async () => {
      const token = await oauth.token({ exp: claims().iat as number + 60 });
      expect((await probeWith(target, token)).status).toBe(200);
      expect((await probeWith(target, token)).status).toBe(200);
      expect(oauth.requests).toHaveLength(2);
      target.clock.advance(61_000);
      expectInvalidToken(await probeWith(target, token), target.probe, 'expired', 'exp');
    });

    it('checks a remembered token against its own provider\'s current keys: a key rotated out stops vouching for it', async () => {
      const token = await plain.token();
      expect((await probeWith(target, token)).status).toBe(200);
      const original = plain.documents.get('/plain/jwks');
      plain.documents.set('/plain/jwks', keySet(await joseKey('RS256', 'rotated')));
      try {
        target.clock.advance(FETCH.maxAgeMs);
        // The first request after maxAgeMs starts a background refresh and is still served with
        // the keys at hand; once the rotated set has arrived, the remembered token is refused.
        let res = await probeWith(target, token);
        for (let attempt = 0; attempt < 100 && res.status === 200; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          res = await probeWith(target, token);
        }
        expectInvalidToken(res, target.probe, 'unknown_key');
        expect(plain.requests).toEqual(['/plain/jwks', '/plain/jwks']);
      } finally {
        plain.documents.set('/plain/jwks', original);
      }
    });
  });
});
